"""An organisation's API keys: made by one of its training leads in the app, shown once,
stored hashed (djangorestframework-api-key: a random prefix that names the key, then a
secret kept only as its SHA-512), read-only or read-and-write, revocable, with the time
it was last used. A key belongs to its organisation, not to the lead who made it."""

from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from .teams import Organisation


class OrganisationAPIKeyQuerySet(models.QuerySet["OrganisationAPIKey"]):
    def for_listing(self, organisation: Organisation) -> Self:
        """The organisation's keys for its page, newest first, with who made and who
        revoked each. One query."""
        return (
            self.filter(organisation=organisation)
            .select_related("made_by", "revoked_by")
            .order_by("-created")
        )


# The library's manager (create_key, get_from_key), with our queryset's methods.
OrganisationAPIKeyManager = APIKeyManager.from_queryset(OrganisationAPIKeyQuerySet)


class OrganisationAPIKey(AbstractAPIKey):
    """A key a program uses to read (and, with write, add staff to) one organisation
    through /api/v1/organisations/<pk>/…, sent as `Authorization: Api-Key <key>`."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text="The one organisation this key reads (and writes), e.g. Anytown NHS Trust",
    )
    scope = models.CharField(
        max_length=5,
        choices=Scope.choices,
        default=Scope.READ,
        help_text="Read: teams, members' progress and team plans. Write: also add staff.",
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The training lead who made it (empty once her account is deleted)",
    )
    last_used_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a program last used it, to the minute; empty if never, e.g. "
        "2026-05-01 09:30",
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was revoked, e.g. 2026-05-01 09:30"
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who revoked it",
    )

    objects: ClassVar[OrganisationAPIKeyManager] = OrganisationAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "organisation API key"
        verbose_name_plural = "organisation API keys"
        indexes = [models.Index(fields=["organisation", "-created"], name="apikey_org_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        """Write implies read."""
        return self.scope == self.Scope.WRITE

    @property
    def usable(self) -> bool:
        """Neither revoked nor past its expiry date."""
        return not self.revoked and not self.has_expired

    @property
    def state(self) -> str:
        """What the lead's page says of it."""
        if self.revoked:
            return "Revoked"
        if self.expiry_date is not None and self.expiry_date < timezone.now():
            return "Expired"
        return "Works"
