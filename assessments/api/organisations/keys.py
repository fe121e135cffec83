"""How the organisation API knows who is asking: a training lead's session, or one of
her organisation's API keys sent as `Authorization: Api-Key <key>`.

The views of /api/v1/organisations/<pk>/… use these three together:

    authentication_classes = ORGANISATION_AUTH
    permission_classes = [SignedInOrKey]
    throttle_classes = [KeyRateThrottle]

and fetch the organisation through access.api_organisation(request, pk, write=…) on
their first line (a key reads only its own organisation; a read key never writes). They
are wrapped with `login_not_required` in the URLs: LoginRequiredMiddleware would send a
program with a key to the sign-in page, and SignedInOrKey refuses anyone with neither.

Costs per request with a key: one query for the key (with its organisation), plus an
UPDATE of `last_used_at` at most once a minute per key. Every use is logged
(audit "api_key.used", the key's prefix only, never the key); every refused key too
(audit "api_key.refused")."""

import logging
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_api_key.permissions import KeyParser

from ...models import OrganisationAPIKey
from ...security import audit

# last_used_at is written at most this often per key: the page shows it to the minute,
# and a program calling many times a second must not write a row each time.
LAST_USED_EVERY = timedelta(minutes=1)
REFUSED = "This API key is not valid: it may be mistyped, revoked or expired."


class OrganisationKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>` (the library's KeyParser reads it). No such header:
    None, so the session may be tried. A key that is unknown, mistyped, revoked or
    expired, or the keyword with no key: 401 with `WWW-Authenticate: Api-Key`. Otherwise
    (AnonymousUser(), key): `request.auth` is the key, and no person is signed in."""

    keyword = KeyParser.keyword

    def authenticate(self, request: Request) -> tuple[AnonymousUser, OrganisationAPIKey] | None:
        header: str = request.META.get("HTTP_AUTHORIZATION", "")
        scheme = header.split(" ", 1)[0]
        if scheme.lower() != self.keyword.lower():
            return None
        given = (KeyParser().get_from_authorization(request) or "").strip()
        key = self._usable(request, given)
        self._used(request, key)
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

    def _usable(self, request: Request, given: str) -> OrganisationAPIKey:
        prefix, dot, secret = given.partition(".")
        key = None
        if dot and secret:
            key = (
                OrganisationAPIKey.objects.select_related("organisation")
                .filter(prefix=prefix)
                .first()
            )
        reason = (
            "malformed"
            if not (dot and secret)
            else "unknown"
            if key is None
            else "wrong_secret"
            if not key.is_valid(given)
            else "revoked"
            if key.revoked
            else "expired"
            if key.has_expired
            else ""
        )
        if key is None or reason:
            # The prefix is logged only when it names one of our keys: anything else the
            # client sent is not ours to write down.
            audit.event(
                "api_key.refused",
                request._request,
                level=logging.WARNING,
                key=key.prefix if key is not None else "",
                reason=reason,
                method=request.method,
                path=request.path,
            )
            raise AuthenticationFailed(REFUSED)
        return key

    def _used(self, request: Request, key: OrganisationAPIKey) -> None:
        now = timezone.now()
        if key.last_used_at is None or key.last_used_at < now - LAST_USED_EVERY:
            # One UPDATE … WHERE: two requests at once write it once, and a later time
            # is never overwritten by an earlier one.
            OrganisationAPIKey.objects.filter(pk=key.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
            ).update(last_used_at=now)
            key.last_used_at = now
        audit.event(
            "api_key.used",
            request._request,  # DRF's request.user is being worked out: not asked here
            key=key.prefix,
            organisation=key.organisation_id,
            scope=key.scope,
            method=request.method,
            path=request.path,
        )


# The key comes first: DRF answers a refused or missing credential with the
# WWW-Authenticate of the first class, and a session has none, so with the session
# first a revoked key would be a 403, not a 401. A request with no Api-Key header goes
# on to the session.
ORGANISATION_AUTH: list[type[BaseAuthentication]] = [
    OrganisationKeyAuthentication,
    SessionAuthentication,
]


def key_of(request: HttpRequest) -> OrganisationAPIKey | None:
    """The organisation key this request came with, if any."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, OrganisationAPIKey) else None


class SignedInOrKey(BasePermission):
    """A signed-in person (what she may see is access.api_organisation's to decide) or
    a usable organisation key; anyone else is refused (401)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) or key_of(request) is not None


class KeyRateThrottle(SimpleRateThrottle):
    """So many requests per key (per person, with a session) in a window:
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["organisation_key"], e.g. "600/min". Counted
    in the configured cache (per process by default, Redis in production); past it,
    429 with Retry-After."""

    scope = "organisation_key"

    def get_rate(self) -> str | None:
        # Read when asked, not when the class is made, so a changed setting applies.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = key_of(request)
        if key is not None:
            ident = f"key:{key.prefix}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None  # refused before this, by SignedInOrKey
        return self.cache_format % {"scope": self.scope, "ident": ident}
