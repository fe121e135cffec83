"""Writes with rules for teams: a manager's review or sign-off, invitations (made and
e-mailed), and a training lead's changes to who is on a team."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import INVITE_DAYS, Invite, Membership, Organisation, Rating, Review, Team, User
from ..portfolio import reminders
from ..security import access


class NotShared(Exception):
    """The member has not shared their assessment with this team's managers."""


@transaction.atomic
def review_assessment(
    *, team: Team, membership: Membership, manager: User, comment: str, sign_off: bool
) -> Review:
    """Record a manager's comment or sign-off of a shared assessment, with a snapshot
    of every rating as it stands. Refuses (NotShared) an assessment that is not shared."""
    if not access.visible_evidence(team, membership, manager):
        raise NotShared
    snapshot = [
        {
            "level": r.level_id,
            "item": r.item_key,
            "status": r.status,
            "evidence": r.evidence,
            "version": r.version,
        }
        for r in Rating.objects.filter(user=membership.user)
        .select_related("competency")
        .order_by("level", "domain", "competency__code")
    ]
    review = Review.objects.create(
        team=team,
        member=membership.user,
        manager=manager,
        comment=comment,
        signed_off=sign_off,
        snapshot=snapshot,
    )
    what = "signed off" if sign_off else "commented on"
    reminders.notify(
        [membership.user],
        f"{manager.display_name} {what} your assessment",
        f"{manager.display_name}, a manager of {team.name}, {what} your assessment. "
        "Read it on your profile page.\n",
    )
    return review


def create_invite(
    *,
    team: Team,
    manager: User | None,
    role: str = Membership.Role.MEMBER,
    email: str = "",
    name: str = "",
    job_role: str = "",
) -> Invite:
    """A fresh single-use invite to `team` (as a member or a manager), valid for
    INVITE_DAYS days; `email`, `name` and `job_role` when it is e-mailed to someone."""
    return Invite.objects.create(
        team=team,
        created_by=manager,
        expires_at=timezone.now() + timedelta(days=INVITE_DAYS),
        role=role,
        email=email,
        name=name,
        job_role=job_role,
    )


@transaction.atomic
def create_team(*, organisation: Organisation, name: str) -> Team:
    """A new team of `organisation` (the caller leads it)."""
    return Team.objects.create(organisation=organisation, name=name)


class SelfPromotion(Exception):
    """Nobody makes themselves a team's manager; another lead or a site admin must."""


@transaction.atomic
def set_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Make a member one of the team's managers, or a manager a member again. Refuses
    (SelfPromotion) to make `by` a manager: managers read shared evidence, which a
    training lead never does unless someone else gives her the role."""
    if (
        role == Membership.Role.MANAGER
        and membership.user_id == by.pk
        and not membership.is_manager
    ):
        raise SelfPromotion
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_from_team(*, membership: Membership) -> None:
    """Take a person off a team. Their own assessment is theirs and stays; the team's
    reviews of it stay with the team."""
    membership.delete()


class InviteProblem(Exception):
    """The invite cannot be used; the message says why."""


NOT_VALID = "This invitation link is not valid."


def invite_for_link(token: str) -> tuple[Invite | None, str]:
    """The invitation behind a link and why it cannot be used now ("" if it can)."""
    invite = Invite.objects.select_related("team__organisation").filter(token=token).first()
    if invite is None:
        return None, NOT_VALID
    return invite, invite.problem(timezone.now())


@transaction.atomic
def accept_invite(*, token: str, user: User) -> tuple[Membership, bool]:
    """Join the invite's team as a member. The row is locked so two people cannot
    both use one link; an expired or used link is refused with a reason."""
    invite = Invite.objects.select_for_update().select_related("team").filter(token=token).first()
    if invite is None:
        raise InviteProblem(NOT_VALID)
    problem = invite.problem(timezone.now()) or invite.problem_for(user)
    if problem:
        raise InviteProblem(problem)
    membership, created = Membership.objects.get_or_create(
        team=invite.team, user=user, defaults={"role": invite.role}
    )
    if not created and invite.role == Membership.Role.MANAGER and not membership.is_manager:
        membership.role = invite.role  # invited to manage a team they were a member of
        membership.save(update_fields=["role"])
    invite.used_by, invite.used_at = user, timezone.now()
    invite.save(update_fields=["used_by", "used_at"])
    return membership, created


def latest_reviews(member: User, limit: int) -> list[Review]:
    """A member's latest comments and sign-offs, newest first. One query."""
    return list(Review.objects.filter(member=member).select_related("team", "manager")[:limit])
