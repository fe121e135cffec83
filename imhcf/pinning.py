"""Read-your-writes with a replica: after a signed-in person's POST (or PUT, PATCH,
DELETE), their reads stay on the primary for IMHCF_PIN_SECONDS (10 by default: far
longer than the replica's lag, which `make cluster` measures and prints).

The pin is a short-lived signed cookie, not a session flag: it costs no session write
(a session in Redis is written through to the database), it reaches every app server
behind the proxy, and its signature carries the time it was set, so it expires on the
server's clock whatever the browser does with it. A forged or tampered cookie is
ignored; a person who deletes it only reads reports that may be a few milliseconds
old. Nothing else changes: writes, sessions and access decisions are always on the
primary (imhcf.routers)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .routers import pinned_to_primary

COOKIE = "imhcf_pin"
SALT = "imhcf.pinning"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_pinned(request: HttpRequest) -> bool:
    """Whether this request carries a pin set in the last IMHCF_PIN_SECONDS. No query."""
    value = request.get_signed_cookie(
        COOKIE, default=None, salt=SALT, max_age=settings.IMHCF_PIN_SECONDS
    )
    return value is not None


class PinAfterWrite:
    """Reads this request marks for the replica go to the primary while the pin is
    valid; a signed-in person's write (any answer below 500: a refused form may still
    have saved something, a 503 saved nothing) sets the pin again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with pinned_to_primary(is_pinned(request)):
            response = self.get_response(request)
        if (
            request.method in WRITES
            and response.status_code < 500
            and request.user.is_authenticated
        ):
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=SALT,
                max_age=settings.IMHCF_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
