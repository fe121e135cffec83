"""Who may see what; the one place that decides it.

A practitioner's own pages look nothing up by an id from the URL. Team pages
take a team id and a member id: they come through managed_team and team_member,
so anything the user may not see is reported as missing (404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Team
from .progress import LEVELS, Framework


def own_grid(framework: Framework, level: int, domain: int):
    """The domain to show on the signed-in user's grid, or 404 for a level or
    domain that does not exist."""
    if level not in LEVELS:
        raise Http404("No such level")
    for candidate in framework.domains:
        if candidate.number == domain:
            return candidate
    raise Http404("No such domain")


def managed_team(user, pk: int):
    """A team the user manages, or 404: a manager of team A learns nothing of team B."""
    return get_object_or_404(Team.objects.managed_by(user), pk=pk)


def team_member(team, member_id: int):
    """A member of `team` (which must come from managed_team), or 404."""
    return get_object_or_404(
        Membership.objects.select_related("user"),
        team=team,
        user_id=member_id,
        role=Membership.Role.MEMBER,
    )


def own_membership(user, pk: int):
    """One of the user's own memberships (to share or withdraw evidence), or 404."""
    return get_object_or_404(Membership.objects.select_related("team"), pk=pk, user=user)
