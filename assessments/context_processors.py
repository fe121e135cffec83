from django.conf import settings

from .security import roles


def site(request):
    """Site switches that the shared layout needs, and who the person is for the menu
    (security.roles: no query, the roles come with the user row)."""
    who = roles.who(request)
    return {
        "signup_open": settings.IMHCF_SIGNUP_OPEN,
        # Forms that keep drafts (static/js/drafts.js) say how long a session lasts.
        "idle_minutes": settings.IMHCF_SESSION_IDLE_MINUTES,
        "draft_hours": settings.IMHCF_SESSION_MAX_HOURS,
        "organisation_admin": who.admin,
        "sees_organisations": who.sees_organisations,
        "manages_teams": who.manages,
        # Django admin opens for staff accounts (catalogue editors too), whatever else.
        "opens_admin": bool(getattr(getattr(request, "user", None), "is_staff", False)),
    }
