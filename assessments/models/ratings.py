"""A practitioner's ratings and the history of every change.

A rating is one person's answer for one item at one level: either a single
competency, or a whole domain while its wording is not loaded (assessments.items).
Rows are created on first save; a missing row reads as "not yet assessed"."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..items import whole_domain_code

EVIDENCE_MAX = 4000


class Status(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    WORKING_TOWARDS = "working_towards", "Working towards"
    ACHIEVED = "achieved", "Achieved"


class Rating(models.Model):
    """One practitioner's status and evidence for one item at one level."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings"
    )
    level = models.ForeignKey("catalogue.Level", on_delete=models.PROTECT, related_name="+")
    domain = models.ForeignKey("catalogue.Domain", on_delete=models.PROTECT, related_name="+")
    competency = models.ForeignKey(
        "catalogue.Competency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the domain is rated as a whole.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.NOT_ASSESSED)
    evidence = models.TextField(blank=True, max_length=EVIDENCE_MAX)
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up by one on every save; detects edits made elsewhere."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "level", "domain"],
                condition=Q(competency__isnull=True),
                name="rating_one_per_user_level_domain",
            ),
            models.UniqueConstraint(
                fields=["user", "level", "competency"],
                condition=Q(competency__isnull=False),
                name="rating_one_per_user_level_competency",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="rating_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "level", "domain"], name="rating_grid_lookup"),
            # Covers the team report's reads (a page of members' statuses, the team's
            # achieved counts) so they never touch the table rows.
            models.Index(
                fields=["user", "level", "status", "domain", "competency"],
                name="rating_team_statuses",
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.item_key} L{self.level_id}: {self.status}"

    @property
    def item_label(self) -> str:
        """What a person reads (competency and domain come with select_related)."""
        from ..items import answer_label

        competency = self.competency if self.competency_id else None
        return answer_label(
            competency.code if competency else None,
            competency.heading if competency else None,
            self.domain_id,
            self.domain.name,
        )

    @property
    def item_key(self) -> str:
        """'1.07' for a competency, 'D3' for a domain rated as a whole."""
        return self.competency.code if self.competency_id else whole_domain_code(self.domain_id)


class RatingChange(models.Model):
    """One saved change to a rating: who, when, and what it said before and after."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    old_status = models.CharField(max_length=20, choices=Status)
    new_status = models.CharField(max_length=20, choices=Status)
    old_evidence = models.TextField(blank=True)
    new_evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.rating.item_key}: {self.old_status} → {self.new_status}"
