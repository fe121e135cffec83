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
(audit "api_key.refused"); what a key and a person's token share is in hashed_keys.py."""

from typing import Any

from django.http import HttpRequest
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_api_key.permissions import KeyParser

from ...models import OrganisationAPIKey
from ..hashed_keys import HashedKeyAuthentication

REFUSED = "This API key is not valid: it may be mistyped, revoked or expired."


class OrganisationKeyAuthentication(HashedKeyAuthentication):
    """`Authorization: Api-Key <key>` (the library's keyword). No such header: None, so
    the session may be tried. A key that is unknown, mistyped, revoked or expired, or
    the keyword with no key: 401 with `WWW-Authenticate: Api-Key`. Otherwise
    (AnonymousUser(), key): `request.auth` is the key, and no person is signed in."""

    keyword = KeyParser.keyword
    model = OrganisationAPIKey
    related = "organisation"
    event = "api_key"
    refused = REFUSED

    def logged(self, key: OrganisationAPIKey) -> dict[str, Any]:
        return {"organisation": key.organisation_id, "scope": key.scope}


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
