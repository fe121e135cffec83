"""How a person reads her own record through the API: her browser's session, or one of her
personal API tokens sent as `Authorization: Bearer <token>` (made on her account page,
teams of nobody: a token reads /api/v1/me/… only). Making and revoking a token are here
too, each one transaction, written to the security log with the token's prefix, never
the token.

Costs per request with a token: one query for the token with its person, plus an UPDATE
of `last_used_at` at most once a minute. Every use and every refusal is logged."""

import logging
from datetime import timedelta
from typing import cast

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from ..models import PersonalAPIKey, User
from ..security import audit

LAST_USED_EVERY = timedelta(minutes=1)
REFUSED = "This token is not valid: it may be mistyped, revoked or expired."


class PersonalTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`. No such header: None, so the session may be
    tried. A token unknown, mistyped, revoked or expired, or whose person can no longer
    sign in: 401 with `WWW-Authenticate: Bearer`. Otherwise (her, the token)."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, PersonalAPIKey] | None:
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        token = self._usable(request, given.strip())
        self._used(request, token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

    def _usable(self, request: Request, given: str) -> PersonalAPIKey:
        prefix, dot, secret = given.partition(".")
        token = None
        if dot and secret:
            token = PersonalAPIKey.objects.select_related("user").filter(prefix=prefix).first()
        reason = (
            "malformed"
            if not (dot and secret)
            else "unknown"
            if token is None
            else "wrong_secret"
            if not token.is_valid(given)
            else "revoked"
            if token.revoked
            else "expired"
            if token.has_expired
            else "inactive"
            if not token.user.is_active
            else ""
        )
        if token is None or reason:
            audit.event(
                "api_token.refused",
                request._request,
                level=logging.WARNING,
                token=token.prefix if token is not None else "",
                reason=reason,
                method=request.method,
                path=request.path,
            )
            raise AuthenticationFailed(REFUSED)
        return token

    def _used(self, request: Request, token: PersonalAPIKey) -> None:
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
            PersonalAPIKey.objects.filter(pk=token.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
            ).update(last_used_at=now)
            token.last_used_at = now
        audit.event(
            "api_token.used",
            request._request,
            user_id=token.user_id,
            token=token.prefix,
            method=request.method,
            path=request.path,
        )


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
