"""People who sign in: the user model, job roles and the level each role suggests,
and recovery codes for two-factor sign-in."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.crypto import salted_hmac


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


class Regulator(models.TextChoices):
    """Who a practitioner is registered with (the cycle rules are in CycleRule)."""

    NMC = "nmc", "Nursing and Midwifery Council (NMC)"
    HCPC = "hcpc", "Health and Care Professions Council (HCPC)"
    SWE = "swe", "Social Work England"
    SSSC = "sssc", "Scottish Social Services Council (SSSC)"
    UKCP = "ukcp", "UK Council for Psychotherapy (UKCP)"


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


def target_level(chosen_level: int | None, job_role: str) -> int:
    """The level a person assesses up to: chosen, else suggested by role, else Level 1.
    A function so that pages reading many people as plain rows apply the same rule."""
    return chosen_level or SUGGESTED_LEVEL.get(job_role) or 1


def display_name(first_name: str, last_name: str, username: str) -> str:
    """How a person is named on every page and export: their name, or their username
    when they have given none. (Rows read with values_list use this directly.)"""
    return f"{first_name} {last_name}".strip() or username


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
    holds_degree_or_registration = models.BooleanField(
        "I hold a degree or a professional registration",
        null=True,
        blank=True,
        help_text="Some courses ask for a degree (e.g. a 2:1 Honours in a relevant subject) or "
        "a registered health or social care qualification. No: plans leave those courses out "
        "and say so; empty: not said, plans show the requirement beside the course.",
    )
    session_stamp = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text="Changed to end every other session of the person (after a change to "
        "their e-mail address or two-factor sign-in); empty until the first such change.",
    )

    class Meta:
        db_table = "assessments_user"
        indexes = [
            # MEMBER_ORDER: a big team's first page of members walks this index instead
            # of sorting every member (5,000 members: 14 ms -> 4 ms on PostgreSQL).
            models.Index(
                fields=["last_name", "first_name", "username", "id"], name="user_member_order"
            )
        ]

    def _get_session_auth_hash(self, secret=None):
        """Django ends a session whose stored hash no longer matches this one. It covers
        the password (Django's own rule) and, once set, the session stamp."""
        if not self.session_stamp:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "imhcf.User.session_auth_hash",
            f"{self.password}:{self.session_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_sessions(self) -> None:
        """Every session of this person ends at its next request (their password and
        data are untouched); a caller keeping its own session renews its hash after."""
        self.session_stamp = secrets.token_hex(16)
        self.save(update_fields=["session_stamp"])

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.username)

    @property
    def is_site_admin(self) -> bool:
        """The one definition of a site admin: a superuser, or a staff account given the
        permission "Administer every organisation" in admin (security.roles). Staff
        status alone is not enough. No query but for a staff account that is not a
        superuser (Django's permission check, cached on the user)."""
        if not self.is_active:
            return False
        return self.is_superuser or (
            self.is_staff and self.has_perm("assessments.administer_organisations")
        )

    @property
    def suggested_level(self) -> int | None:
        return SUGGESTED_LEVEL.get(self.job_role) if self.job_role else None

    @property
    def target_level(self) -> int:
        """The level to assess up to: chosen, else suggested by role, else Level 1."""
        return target_level(self.chosen_level, self.job_role)
