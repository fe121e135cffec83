"""Response headers the whole site needs."""

from django.utils.cache import add_never_cache_headers


class PrivatePagesNotStored:
    """Pages shown to a signed-in person carry their own data: tell browsers and
    proxies not to keep a copy (Cache-Control: no-store), e.g. on a shared PC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
