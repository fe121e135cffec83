"""Typed work kept across a time-out. When a session ends on a POST (the person pressed
Save after the idle limit), what they posted is kept in the new, signed-out session
with their user id; when the same person signs in again, the page they were on offers
it back, unsaved. Nobody else ever gets it: another sign-in on the same browser drops
it, and it is dropped after the longest a session may last."""

import time

from django.conf import settings
from django.http import HttpRequest

KEPT = "imhcf_kept_form"
SKIP = {"csrfmiddlewaretoken"}


def keep(request: HttpRequest, user_id: int) -> None:
    """Call after logout(): the session is then the new, anonymous one."""
    request.session[KEPT] = {
        "user": user_id,
        "path": request.path,
        "at": int(time.time()),
        "data": {k: v for k, v in request.POST.items() if k not in SKIP},
    }


def take(request: HttpRequest, path: str) -> dict[str, str] | None:
    """What the signed-in person typed on `path` before a time-out, once; None if
    nothing was kept for them there."""
    kept = request.session.get(KEPT)
    if not kept:
        return None
    fresh = time.time() - kept["at"] < settings.IMHCF_SESSION_MAX_HOURS * 3600
    mine = kept["user"] == request.user.pk
    if not (fresh and mine) or kept["path"] == path:
        del request.session[KEPT]
    data: dict[str, str] = kept["data"]  # field name to what was typed
    return data if fresh and mine and kept["path"] == path else None
