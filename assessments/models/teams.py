"""Teams, who is on them (members and managers), managers' reviews and invitations."""

import secrets
from typing import Self

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value

from .people import JobRole, User
from .ratings import EVIDENCE_MAX

# How members are listed on every page and export: by surname, first name, username.
MEMBER_ORDER = ("user__last_name", "user__first_name", "user__username", "user_id")
INVITE_DAYS = 14  # an invitation link works this many days after it is made


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: User) -> Self:
        """Every organisation for the site's admins (User.is_site_admin); the ones they
        lead for others."""
        if user.is_site_admin:
            return self
        return self.filter(leads__user=user)


class Organisation(models.Model):
    """An employer or service that owns teams, e.g. an NHS trust or a health board."""

    name = models.CharField(max_length=200, unique=True, help_text="e.g. Anytown NHS Trust")
    requires_work_account = models.BooleanField(
        "its people sign in with their work account",
        default=False,
        help_text="When ticked, its teams' members and its training leads cannot sign in "
        "with a password here: only with the work account (Entra ID or another OpenID "
        "Connect provider) their organisation gives them.",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            (
                "administer_organisations",
                "Administer every organisation (its teams, people, reports and imports)",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def named(cls, name: str) -> "Organisation":
        """The organisation of that name, made if new."""
        return cls.objects.get_or_create(name=name)[0]


class TrainingLead(models.Model):
    """A person who runs an organisation's teams in the app: its overview and reports,
    its teams, their managers, members and invitations, and staff imports. A role of
    its own, not `is_staff`: a lead sees nothing of any other organisation, nor the
    admin."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="leads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leads"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="lead_one_per_org_user")
        ]

    def __str__(self):
        return f"{self.user} leads {self.organisation}"


class TeamQuerySet(models.QuerySet["Team"]):
    def managed_by(self, user: User) -> Self:
        """The teams this user manages (Membership.objects.managers()), with their
        organisation (pages name it)."""
        return self.filter(
            pk__in=Membership.objects.managers().filter(user=user).values("team_id")
        ).select_related("organisation")

    def in_charge_of(self, user: User) -> Self:
        """The teams whose reports, plans and invitations this user may see: teams they
        manage, teams of an organisation they lead, every team for the site's admins.
        Each carries `managed` (the user is one of its managers: only they read shared
        evidence and review) and `led` (the user may change who is on it)."""
        managed = Membership.objects.managers().filter(user=user, team=OuterRef("pk"))
        led = TrainingLead.objects.filter(user=user, organisation=OuterRef("organisation"))
        admin = user.is_site_admin
        teams = self.select_related("organisation").annotate(
            managed=Exists(managed), led=Value(True) if admin else Exists(led)
        )
        if admin:
            return teams
        return teams.filter(Q(Exists(managed)) | Q(Exists(led)))


class MembershipQuerySet(models.QuerySet["Membership"]):
    """The one definition of who is a team's member and who its manager."""

    def members(self) -> Self:
        return self.filter(role=Membership.Role.MEMBER)

    def managers(self) -> Self:
        return self.filter(role=Membership.Role.MANAGER)

    def members_of(self, team: "Team", *, job_role: str = "") -> Self:
        """The team's members (not its managers), optionally of one job role."""
        members = self.members().filter(team=team)
        return members.filter(user__job_role=job_role) if job_role else members

    def in_member_order(self) -> Self:
        return self.order_by(*MEMBER_ORDER)


class Team(models.Model):
    """A group of practitioners with one or more managers."""

    name = models.CharField(max_length=200, help_text="e.g. North locality health visiting")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    MANAGER = "manager", "Manager"


class Membership(models.Model):
    """A person on a team, as a member or as one of its managers."""

    Role = MembershipRole

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

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team", *MEMBER_ORDER[:3]]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_one_per_team_user"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_known"
            ),
        ]
        indexes = [models.Index(fields=["team", "role"], name="membership_team_role")]

    def __str__(self):
        return f"{self.user} – {self.team} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role == Membership.Role.MANAGER


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
    role = models.CharField(
        max_length=10,
        choices=MembershipRole,
        default=MembershipRole.MEMBER,
        help_text="What the person becomes on the team: a member, or one of its managers.",
    )
    # Filled when the invitation is e-mailed (a training lead's staff import): who it is
    # for, so the sign-up page can offer their name and job role back.
    email = models.EmailField(blank=True, help_text="e.g. sam.jones@example.nhs.uk")
    name = models.CharField(max_length=300, blank=True, help_text="e.g. Sam Jones")
    job_role = models.CharField(max_length=20, choices=JobRole, blank=True)
    # The e-mail of an addressed invitation is sent in the background (tasks/invitations).
    job = models.ForeignKey(
        "assessments.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invites",
        help_text="The sending of the staff import that made it.",
    )
    mail_claim = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="The task sending its e-mail now: another copy of the work leaves it alone.",
    )
    mailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mail server took its e-mail."
    )
    mail_problem = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why its e-mail was not sent, e.g. 'the mail server refused the address'.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["team", "email"], name="invite_team_email")]

    def __str__(self):
        return f"Invite to {self.team} ({'used' if self.used_at else 'open'})"

    def problem(self, now) -> str:
        """Why this link cannot be used now, in words; "" when it can (the one rule)."""
        if self.used_at is not None:
            return "This invitation link has already been used."
        if self.expires_at <= now:
            return "This invitation link has expired; ask your manager for a new one."
        return ""

    def problem_for(self, user) -> str:
        """Why `user` may not use this invitation ("" if they may): one sent to an
        address is for the account with that address, so a forwarded link does not
        let someone else in (or make them a manager). Nobody makes themselves a manager:
        an invitation to manage a team is for someone other than the person who made it
        (a training lead asks another lead or a site admin)."""
        if self.email and not user_has_verified(user, self.email):
            if self.email.casefold() == (user.email or "").casefold():
                return (
                    f"This invitation was sent to {self.email}, which is your address, but "
                    "you have not confirmed it yet. Follow the link we e-mailed you (or ask "
                    "for a new one on your profile), then use the invitation again."
                )
            return (
                f"This invitation was sent to {self.email}. Sign in with the account that "
                "uses that address, or create one with it."
            )
        if self.role == Membership.Role.MANAGER and self.created_by_id == user.pk:
            return (
                "You made this invitation, so it cannot make you one of the team's managers. "
                "Ask another training lead or a site admin to invite you."
            )
        return ""


def user_has_verified(user, email: str) -> bool:
    """Has `user` proved that `email` is theirs (followed the link sent to it, signed up
    from an invitation e-mailed to it, or signed in with a work account vouching for it)?"""
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
