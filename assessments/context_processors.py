from django.conf import settings


def site(request):
    """Site switches that the shared layout needs."""
    return {"signup_open": settings.IMHCF_SIGNUP_OPEN}
