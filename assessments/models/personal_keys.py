"""A person's own API tokens: made by her on her account page, shown once, stored hashed
(djangorestframework-api-key: a random prefix that names the token, then a secret kept
only as its hash), revocable, with the time each was last used. A token reads her own
record (/api/v1/me/…) and nothing else: never a team, never anyone else's record."""

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager


class PersonalAPIKeyQuerySet(models.QuerySet["PersonalAPIKey"]):
    def for_listing(self, user) -> Self:
        """Her tokens for her page, newest first. One query."""
        return self.filter(user=user).order_by("-created")


PersonalAPIKeyManager = APIKeyManager.from_queryset(PersonalAPIKeyQuerySet)


class PersonalAPIKey(AbstractAPIKey):
    """A token a program of hers uses to read her own record through /api/v1/me/…, sent
    as `Authorization: Bearer <token>`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="Whose record it reads; deleted with her account.",
    )
    last_used_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a program last used it, to the minute; empty if never, e.g. "
        "2026-05-01 09:30",
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When she revoked it, e.g. 2026-05-01 09:30"
    )

    objects: ClassVar[PersonalAPIKeyManager] = PersonalAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "personal API token"
        verbose_name_plural = "personal API tokens"
        indexes = [models.Index(fields=["user", "-created"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def state(self) -> str:
        """What her page says of it."""
        if self.revoked:
            return "Revoked"
        if self.has_expired:
            return "Expired"
        return "Works"
