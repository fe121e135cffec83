from django.conf import settings

from .security import access
from .security.middleware import LEADS


def site(request):
    """Site switches that the shared layout needs (no query: the user row is loaded)."""
    user = getattr(request, "user", None)
    return {
        "signup_open": settings.IMHCF_SIGNUP_OPEN,
        # Forms that keep drafts (static/js/drafts.js) say how long a session lasts.
        "idle_minutes": settings.IMHCF_SESSION_IDLE_MINUTES,
        "draft_hours": settings.IMHCF_SESSION_MAX_HOURS,
        "organisation_admin": user is not None and access.organisation_admin(user),
        # Leads, as the session recorded at sign-in (or since, on their pages)
        "sees_organisations": user is not None
        and (access.organisation_admin(user) or bool(getattr(request, "session", {}).get(LEADS))),
    }
