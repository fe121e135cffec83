"""What an organisation's API key and a person's API token have in common as credentials:
sent as `Authorization: <keyword> <prefix>.<secret>`, kept only hashed
(djangorestframework-api-key), refused with 401 when unknown, mistyped, revoked or
expired, and logged on every use and refusal by their prefix, never the secret.

Costs per request: one query for the key (with what it belongs to), plus an UPDATE of
its `last_used_at` at most once a minute."""

import logging
from datetime import timedelta
from typing import Any, ClassVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from ..models import User
from ..security import audit

# last_used_at is written at most this often per key: the pages show it to the minute,
# and a program calling many times a second must not write a row each time.
LAST_USED_EVERY = timedelta(minutes=1)


class HashedKeyAuthentication(BaseAuthentication):
    """`Authorization: <keyword> <key>`. No such header: None, so the next way in (the
    session) may be tried. A key that cannot be used: 401, with `WWW-Authenticate:
    <keyword>`. Subclasses say which model, what it belongs to and what to log."""

    keyword: ClassVar[str]
    model: ClassVar[Any]  # an AbstractAPIKey with last_used_at
    related: ClassVar[str]  # what the key belongs to, read with it
    event: ClassVar[str]  # the security log's name: "<event>.used", "<event>.refused"
    refused: ClassVar[str]  # what the 401 says

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        key = self._usable(request, given.strip())
        self._used(request, key)
        return self.credentials(key)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

    def credentials(self, key: Any) -> tuple[Any, Any]:
        """(request.user, request.auth) for a usable key: whoever it belongs to when that
        is a person (`related` names the user), else nobody signed in."""
        owner = getattr(key, self.related)
        return (owner if isinstance(owner, User) else AnonymousUser()), key

    def unusable(self, key: Any) -> str:
        """Why a key whose secret matches may still not be used; "" when it may."""
        if key.revoked:
            return "revoked"
        if key.has_expired:
            return "expired"
        return ""

    def logged(self, key: Any) -> dict[str, Any]:
        """What the security log says of a used key besides its prefix."""
        return {}

    def _usable(self, request: Request, given: str) -> Any:
        prefix, dot, secret = given.partition(".")
        key = None
        if dot and secret:
            key = self.model.objects.select_related(self.related).filter(prefix=prefix).first()
        if not (dot and secret):
            reason = "malformed"
        elif key is None:
            reason = "unknown"
        elif not key.is_valid(given):
            reason = "wrong_secret"
        else:
            reason = self.unusable(key)
        if key is None or reason:
            # The prefix is logged only when it names one of our keys: anything else the
            # client sent is not ours to write down.
            audit.event(
                f"{self.event}.refused",
                request._request,
                level=logging.WARNING,
                key=key.prefix if key is not None else "",
                reason=reason,
                method=request.method,
                path=request.path,
            )
            raise AuthenticationFailed(self.refused)
        return key

    def _used(self, request: Request, key: Any) -> None:
        now = timezone.now()
        if key.last_used_at is None or key.last_used_at < now - LAST_USED_EVERY:
            # One UPDATE … WHERE: two requests at once write it once, and a later time
            # is never overwritten by an earlier one.
            self.model.objects.filter(pk=key.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
            ).update(last_used_at=now)
            key.last_used_at = now
        audit.event(
            f"{self.event}.used",
            request._request,  # DRF's request.user is being worked out: not asked here
            key=key.prefix,
            **self.logged(key),
            method=request.method,
            path=request.path,
        )
