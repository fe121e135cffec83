"""People who self-assess, their ratings and the history of every change.

A rating is one person's answer for one item at one level: either a single
competency, or a whole domain while its wording is not loaded (DESIGN.md).
Rows are created on first save; a missing row reads as "not yet assessed".
"""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

EVIDENCE_MAX = 4000


class JobRole(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years practitioner"
    NURSERY_MANAGER = "nursery_manager", "Nursery manager"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    MIDWIFE = "midwife", "Midwife"
    SOCIAL_WORKER = "social_worker", "Social worker"
    MEDIC = "medic", "Medic (doctor)"
    NURSE = "nurse", "Nurse"
    PSYCHOLOGIST = "psychologist", "Psychologist"
    PSYCHOTHERAPIST = "psychotherapist", "Parent-infant psychotherapist"
    SPECIALIST_HV = "specialist_hv", "Specialist health visitor"
    OTHER = "other", "Other"


# The level each role usually works at, from the framework introduction:
# Level 1 early years staff; Level 2 medics, health visitors, midwives, social
# workers (and nursery managers); Level 3 specialist infant mental health
# practitioners. Nurses and psychologists are not named there: nurses sit with
# the Level 2 health professions, psychologists with the specialists.
SUGGESTED_LEVEL = {
    JobRole.EARLY_YEARS: 1,
    JobRole.NURSERY_MANAGER: 2,
    JobRole.HEALTH_VISITOR: 2,
    JobRole.MIDWIFE: 2,
    JobRole.SOCIAL_WORKER: 2,
    JobRole.MEDIC: 2,
    JobRole.NURSE: 2,
    JobRole.PSYCHOLOGIST: 3,
    JobRole.PSYCHOTHERAPIST: 3,
    JobRole.SPECIALIST_HV: 3,
    JobRole.OTHER: 1,
}


class User(AbstractUser):
    """A person who signs in: practitioner, manager or admin."""

    job_role = models.CharField(
        max_length=20, choices=JobRole, blank=True, help_text="e.g. Health visitor"
    )
    chosen_level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="The level the practitioner aims for; empty = the one their role suggests.",
    )

    class Meta:
        db_table = "assessments_user"

    @property
    def suggested_level(self) -> int | None:
        return SUGGESTED_LEVEL.get(self.job_role) if self.job_role else None

    @property
    def target_level(self) -> int:
        """The level to assess up to: chosen, else suggested by role, else Level 1."""
        return self.chosen_level or self.suggested_level or 1


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
                condition=Q(status__in=["not_assessed", "working_towards", "achieved"]),
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
    def item_key(self) -> str:
        """'1.07' for a competency, 'D3' for a domain rated as a whole."""
        return self.competency.code if self.competency_id else f"D{self.domain_id}"


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


class TeamQuerySet(models.QuerySet):
    def managed_by(self, user):
        """The only definition of "teams this user manages"."""
        return self.filter(
            memberships__user=user, memberships__role=Membership.Role.MANAGER
        ).distinct()


class Team(models.Model):
    """A group of practitioners with one or more managers."""

    name = models.CharField(max_length=200, help_text="e.g. North locality health visiting")
    organisation = models.CharField(max_length=200, help_text="e.g. Anytown NHS Trust")

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class Membership(models.Model):
    """A person on a team, as a member or as one of its managers."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        MANAGER = "manager", "Manager"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role, default=Role.MEMBER)
    shares_evidence = models.BooleanField(
        default=False,
        help_text="The member lets this team's managers read their evidence notes. "
        "Managers always see statuses.",
    )
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["team", "user__last_name", "user__first_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_one_per_team_user"),
            models.CheckConstraint(
                condition=Q(role__in=["member", "manager"]), name="membership_role_known"
            ),
        ]
        indexes = [models.Index(fields=["team", "role"], name="membership_team_role")]

    def __str__(self):
        return f"{self.user} – {self.team} ({self.get_role_display()})"


class Review(models.Model):
    """A manager's comment on a member's shared assessment, optionally a sign-off.
    The snapshot keeps what the assessment said at that moment."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reviews")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True, max_length=EVIDENCE_MAX)
    signed_off = models.BooleanField(default=False)
    snapshot = models.JSONField(default=list, help_text="Every rating at the time, as saved.")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        kind = "Sign-off" if self.signed_off else "Comment"
        return f"{kind} for {self.member} by {self.manager} ({self.created_at:%d %b %Y})"


def invite_token() -> str:
    return secrets.token_urlsafe(24)


class Invite(models.Model):
    """A single-use link a manager sends to bring a practitioner onto a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=64, unique=True, default=invite_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invite to {self.team} ({'used' if self.used_at else 'open'})"


class RecoveryCode(models.Model):
    """One single-use code for signing in when the authenticator app is lost. Codes
    carry 125 random bits, so only their SHA-256 is stored (ASVS 6.5.2): the table
    cannot be read back into working codes, and checking one is a single lookup."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64, help_text="SHA-256 of the code, in hex.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique")
        ]

    def __str__(self):
        return f"Recovery code of {self.user} ({self.created_at:%d %b %Y})"
