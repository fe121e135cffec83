"""A member's assessment as their team sees it, and a manager's review or sign-off of it."""

from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ...items import LEVELS, load_framework
from ...models import Review, Status
from ...portfolio import pages as portfolio_pages
from ...ratings.progress import answers_by_key
from ...security import access, audit
from .. import services
from ..forms import ReviewForm


def _member_page(request, team, membership, form: ReviewForm):
    """A member's statuses at every level; their evidence only if they share it."""
    framework = load_framework()
    answers = answers_by_key(membership.user)
    # Evidence is shared with the team's managers: a lead or admin sees statuses only.
    shared = access.visible_evidence(team, membership)
    files = portfolio_pages.item_files(membership.user) if shared else {}
    levels = []
    for level in LEVELS:
        rows = []
        for item in framework.items_at(level):
            answer = answers.get(item.key)
            rows.append(
                {
                    "item": item,
                    "status": Status(answer.status if answer else Status.NOT_ASSESSED).label,
                    "evidence": answer.evidence if answer and shared else "",
                    "files": files.get(item.key, []),
                }
            )
        levels.append((level, rows))
    reviews = (
        list(
            Review.objects.filter(team=team, member=membership.user).select_related("manager")[:20]
        )
        if team.managed
        else []
    )
    form.fields["comment"].label = f"Comment for {membership.user.display_name}"
    context = {
        "team": team,
        "membership": membership,
        "member": membership.user,
        "shared": shared,
        "levels": levels,
        "reviews": reviews,
        "form": form,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "assessments/member_assessment.html", context, status=status)


@require_GET
def member_assessment(request, pk, member_id):
    """A member's statuses at every level; their evidence only if they share it."""
    team = access.team_in_charge(request, pk)
    membership = access.team_member(request, team, member_id)
    return _member_page(request, team, membership, ReviewForm())


@require_http_methods(["POST"])
def review(request, pk, member_id):
    """A manager comments on, or signs off, a member's shared assessment. A comment that
    cannot be saved comes back with the page, every word of it kept."""
    team = access.managed_team(request, pk)
    membership = access.team_member(request, team, member_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _member_page(request, team, membership, form)
    try:
        made = services.review_assessment(
            team=team,
            membership=membership,
            manager=request.user,
            comment=form.cleaned_data["comment"],
            sign_off=form.cleaned_data["sign_off"],
        )
    except services.NotShared:
        return HttpResponseForbidden("This member has not shared their assessment with you.")
    audit.event(
        "review.signed_off" if made.signed_off else "review.commented",
        request,
        team=team.pk,
        member=membership.user_id,
    )
    messages.success(
        request,
        "Signed off, with a snapshot of the assessment." if made.signed_off else "Comment saved.",
    )
    return redirect("assessments:member_assessment", pk=team.pk, member_id=member_id)
