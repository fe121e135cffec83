"""How a person reads her own record through the API: her browser's session, or one of her
personal API tokens sent as `Authorization: Bearer <token>` (made on her account page,
teams of nobody: a token reads /api/v1/me/… only). Making and revoking a token are here
too, each one transaction, written to the security log with the token's prefix, never
the token.

Costs per request with a token: one query for the token with its person, plus an UPDATE
of `last_used_at` at most once a minute. Every use and every refusal is logged
(hashed_keys.py, shared with organisations' keys)."""

from typing import Any, cast

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from ..models import PersonalAPIKey, User
from ..security import audit
from .hashed_keys import HashedKeyAuthentication

REFUSED = "This token is not valid: it may be mistyped, revoked or expired."


class PersonalTokenAuthentication(HashedKeyAuthentication):
    """`Authorization: Bearer <token>`. No such header: None, so the session may be
    tried. A token unknown, mistyped, revoked or expired, or whose person can no longer
    sign in: 401 with `WWW-Authenticate: Bearer`. Otherwise (her, the token)."""

    keyword = "Bearer"
    model = PersonalAPIKey
    related = "user"
    event = "api_token"
    refused = REFUSED

    def unusable(self, key: PersonalAPIKey) -> str:
        return super().unusable(key) or ("" if key.user.is_active else "inactive")

    def logged(self, key: PersonalAPIKey) -> dict[str, Any]:
        return {"user_id": key.user_id}


# The token first: a refused token is then a 401 saying "Bearer", not the session's 403.
PERSONAL_AUTH: list[type[BaseAuthentication]] = [
    PersonalTokenAuthentication,
    SessionAuthentication,
]


@transaction.atomic
def make_token(
    *, user: User, name: str, request: HttpRequest | None = None
) -> tuple[PersonalAPIKey, str]:
    """A new token of hers, and the token itself: shown once, never stored (only its
    hash is)."""
    made, secret = PersonalAPIKey.objects.create_key(user=user, name=name)
    token = cast(PersonalAPIKey, made)  # the library's manager is typed for its base
    audit.event("api_token.made", request, user_id=user.pk, token=token.prefix)
    return token, secret


@transaction.atomic
def revoke_token(*, token: PersonalAPIKey, request: HttpRequest | None = None) -> bool:
    """Revoke it for good: the next request with it is refused. False if it was revoked
    already (one UPDATE … WHERE, so it is recorded once)."""
    now = timezone.now()
    changed = PersonalAPIKey.objects.filter(pk=token.pk, revoked=False).update(
        revoked=True, revoked_at=now
    )
    if changed:
        token.revoked, token.revoked_at = True, now
        audit.event("api_token.revoked", request, user_id=token.user_id, token=token.prefix)
    return bool(changed)
