"""Writes with rules for teams: a manager's review or sign-off, and invitations."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Invite, Membership, Rating, Review


@transaction.atomic
def review_assessment(*, team, membership, manager, comment: str, sign_off: bool):
    """Record a manager's comment or sign-off of a shared assessment, with a snapshot
    of every rating as it stands. Refuses an assessment that is not shared."""
    if not membership.shares_evidence:
        raise PermissionError("The member has not shared their assessment with this team.")
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
    return Review.objects.create(
        team=team,
        member=membership.user,
        manager=manager,
        comment=comment,
        signed_off=sign_off,
        snapshot=snapshot,
    )


INVITE_DAYS = 14


def create_invite(*, team, manager):
    """A fresh single-use invite to `team`, valid for INVITE_DAYS days."""
    return Invite.objects.create(
        team=team, created_by=manager, expires_at=timezone.now() + timedelta(days=INVITE_DAYS)
    )


class InviteProblem(Exception):
    """The invite cannot be used; the message says why."""


@transaction.atomic
def accept_invite(*, token: str, user):
    """Join the invite's team as a member. The row is locked so two people cannot
    both use one link; an expired or used link is refused with a reason."""
    invite = Invite.objects.select_for_update().select_related("team").filter(token=token).first()
    if invite is None:
        raise InviteProblem("This invitation link is not valid.")
    if invite.used_at is not None:
        raise InviteProblem("This invitation link has already been used.")
    if invite.expires_at <= timezone.now():
        raise InviteProblem("This invitation link has expired; ask your manager for a new one.")
    membership, created = Membership.objects.get_or_create(team=invite.team, user=user)
    invite.used_by, invite.used_at = user, timezone.now()
    invite.save(update_fields=["used_by", "used_at"])
    return membership, created
