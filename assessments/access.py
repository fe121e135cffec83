"""Who may see what; the one place that decides it.

A practitioner's own pages look nothing up by an id from the URL. Team pages
take a team id and a member id: they come through managed_team and team_member,
so anything the user may not see is reported as missing (404), and every refusal
is logged with who asked and from where (ASVS 16.3.2). Team pages also need the
second factor of this sign-in, checked on each request (two_factor.is_verified),
so a person made a manager while signed in gives it before the first team page."""

from django.http import Http404

from .accounts import audit, two_factor
from .models import Invite, Membership, Team, User


def _refused(request, what: str, pk) -> Http404:
    """Log a refused look at an object, then report it as missing."""
    audit.event("access.refused", request, object=f"{what}:{pk}")
    return Http404("Not found")


def _second_factor_given(request) -> None:
    if not two_factor.is_verified(request):
        raise two_factor.SecondFactorNeeded


def organisation_admin(user: User) -> bool:
    """Who sees every team of every organisation: the site's admins."""
    return user.is_authenticated and user.is_staff


def managed_teams(request) -> list[Team]:
    """The teams the signed-in person manages (the second factor is needed to list
    them, as to open them). One query."""
    teams = list(Team.objects.managed_by(request.user))
    if teams:
        _second_factor_given(request)
    return teams


def managed_team(request, pk: int) -> Team:
    """A team the user manages, or 404: a manager of team A learns nothing of team B."""
    team = Team.objects.managed_by(request.user).filter(pk=pk).first()
    if team is None:
        raise _refused(request, "team", pk)
    _second_factor_given(request)
    return team


def team_member(request, team: Team, member_id: int) -> Membership:
    """A member of `team` (which must come from managed_team), or 404."""
    membership = (
        Membership.objects.members()
        .select_related("user")
        .filter(team=team, user_id=member_id)
        .first()
    )
    if membership is None:
        raise _refused(request, f"team:{team.pk}/member", member_id)
    return membership


def visible_evidence(membership: Membership) -> bool:
    """May the team's managers read this member's evidence notes (and review or sign
    off their assessment)? Only while the member shares it; statuses are always seen."""
    return membership.shares_evidence


def own_membership(request, pk: int) -> Membership:
    """One of the user's own memberships (to share or withdraw evidence), or 404."""
    membership = Membership.objects.select_related("team").filter(pk=pk, user=request.user).first()
    if membership is None:
        raise _refused(request, "membership", pk)
    return membership


def team_invite(request, team: Team, invite_id: int) -> Invite:
    """An invitation to `team` (which must come from managed_team), or 404."""
    invite = Invite.objects.select_related("used_by").filter(team=team, pk=invite_id).first()
    if invite is None:
        raise _refused(request, f"team:{team.pk}/invite", invite_id)
    return invite
