"""Invitation links to a team: made by its managers and leads, shown on a page of their own."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ...models import INVITE_DAYS
from ...security import access
from .. import services
from ..forms import InviteForm


@require_http_methods(["POST"])
def invite(request, pk):
    """A manager or lead makes a single-use invitation link to the team (a lead may make
    one for a manager)."""
    team = access.team_in_charge(request, pk)
    form = InviteForm(request.POST)
    # Only a lead (or admin) brings in managers; a manager's invitations make members.
    role = form.cleaned_data["role"] if form.is_valid() and team.led else "member"
    made = services.create_invite(team=team, manager=request.user, role=role)
    return redirect("assessments:invite_link", pk=team.pk, invite_id=made.pk)


@require_GET
def invite_link(request, pk, invite_id):
    """The invitation link to copy, on a page of its own rather than in a message
    cookie. The token is a bearer secret in the link's path, so it does reach access
    logs and the sign-in redirect's ?next=; it is single use, expires after
    INVITE_DAYS days and carries 192 random bits, which keeps that risk low."""
    team = access.team_in_charge(request, pk)
    made = access.team_invite(request, team, invite_id)
    context = {
        "team": team,
        "invite": made,
        "link": request.build_absolute_uri(reverse("join", args=[made.token])),
        "usable": not made.problem(timezone.now()),
        "invite_days": INVITE_DAYS,
    }
    return render(request, "assessments/invite.html", context)
