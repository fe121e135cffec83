"""Who may see what; the one place that decides it.

A practitioner's own pages look nothing up by an id from the URL. Team pages
take a team id and a member id: they come through managed_team and team_member,
so anything the user may not see is reported as missing (404)."""

from django.http import Http404

from .accounts import audit
from .models import Invite, Membership, Team


def _refused(user, what: str, pk) -> Http404:
    """Log a refused look at an object (ASVS 16.3.2), then report it as missing."""
    audit.event("access.refused", None, user_id=getattr(user, "pk", None), object=f"{what}:{pk}")
    return Http404("Not found")


def managed_team(user, pk: int):
    """A team the user manages, or 404: a manager of team A learns nothing of team B."""
    team = Team.objects.managed_by(user).filter(pk=pk).first()
    if team is None:
        raise _refused(user, "team", pk)
    return team


def team_member(team, member_id: int):
    """A member of `team` (which must come from managed_team), or 404."""
    membership = (
        Membership.objects.select_related("user")
        .filter(team=team, user_id=member_id, role=Membership.Role.MEMBER)
        .first()
    )
    if membership is None:
        raise _refused(None, f"team:{team.pk}/member", member_id)
    return membership


def own_membership(user, pk: int):
    """One of the user's own memberships (to share or withdraw evidence), or 404."""
    membership = Membership.objects.select_related("team").filter(pk=pk, user=user).first()
    if membership is None:
        raise _refused(user, "membership", pk)
    return membership


def team_invite(team, invite_id: int):
    """An invitation to `team` (which must come from managed_team), or 404."""
    invite = Invite.objects.select_related("used_by").filter(team=team, pk=invite_id).first()
    if invite is None:
        raise _refused(None, f"team:{team.pk}/invite", invite_id)
    return invite
