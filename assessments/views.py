"""The practitioner's pages. Every view reads and writes only request.user's own
records (see access.py); query counts are pinned by tests."""

import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import access, exports, reports, services
from .changes import recent_changes
from .forms import (
    ChangesSinceForm,
    GridRow,
    GridSubmission,
    PlanForm,
    ProfileForm,
    SignUpForm,
    TeamReportForm,
)
from .matching import best_plan
from .models import EVIDENCE_MAX, Membership, Rating, RatingChange, Review, Status, Team
from .plans import build_options, find_gaps, group_gaps, load_catalogue
from .progress import (
    LEVELS,
    answers_by_key,
    load_framework,
    progress,
    ratings_by_key,
    wording_at,
)
from .services import fingerprint, save_domain


@require_GET
def dashboard(request):
    """Progress per level and domain, what blocks the next level, and recent changes."""
    user = request.user
    framework = load_framework()
    statuses = answers_by_key(user)
    since_form = ChangesSinceForm(request.GET or None)
    since = since_form.cleaned_data["since"] if since_form.is_valid() else None
    standing = progress(framework, statuses, user.target_level)
    rows = []
    for index, domain in enumerate(framework.domains):
        cells = [standing.cells[level][index] for level in LEVELS]
        for cell in cells:
            cell.url = reverse("assessments:grid", args=[cell.level, domain.number])
        rows.append({"domain": domain, "cells": cells})
    context = {
        "progress": standing,
        "rows": rows,
        "since_form": since_form,
        "since": since,
        "changes": recent_changes(user, since=since, limit=200 if since else 8),
    }
    return render(request, "assessments/dashboard.html", context)


def _grid_rows(items, ratings) -> list[GridRow]:
    rows = []
    for item in items:
        rating = ratings.get(item.key)
        status = rating.status if rating else Status.NOT_ASSESSED
        evidence = rating.evidence if rating else ""
        rows.append(
            GridRow(
                item,
                status,
                evidence,
                rating.version if rating else 0,
                status,
                fingerprint(evidence),
            )
        )
    return rows


@require_http_methods(["GET", "POST"])
def grid(request, level, domain):
    """One domain at one level: status and evidence per item, saved without losing a word.

    GET: six queries (session, user, domains, competencies, wordings, ratings). A
    successful POST reads no wording or rating before the save itself: at most ten."""
    user = request.user
    framework = load_framework()
    domain_obj = access.own_grid(framework, level, domain)
    items = framework.items[(level, domain)]
    conflicts = {}
    if request.method == "GET":
        rows = _grid_rows(items, ratings_by_key(user, level=level, domain=domain))
    else:
        rows = _grid_rows(items, {})  # every value comes from the form
        entries = GridSubmission(request.POST, rows).entries()
        if entries is None:
            messages.error(request, "Nothing was saved: see the marked items. Your text is kept.")
        else:
            result = save_domain(
                user=user, editor=user, level=level, domain=domain, entries=entries
            )
            if result.saved:
                messages.success(
                    request,
                    f"Saved {len(result.saved)} item{'s' if len(result.saved) != 1 else ''} in "
                    f"Domain {domain} at Level {level}.",
                )
            if not result.conflicts:
                if not result.saved:
                    messages.info(request, "No changes to save.")
                return redirect(request.path)
            conflicts = _mark_conflicts(rows, result.conflicts)
            messages.warning(
                request,
                f"{len(result.conflicts)} item{'s were' if len(result.conflicts) != 1 else ' was'} "
                "changed elsewhere since you opened this page, so your version was not saved. "
                "Both versions are shown below: save again to keep yours.",
            )
    wording = wording_at(domain, level)  # after a successful save we have redirected
    for row in rows:
        row.wording = wording.get(row.item.competency_id)
        row.conflict = conflicts.get(row.item.code, False)
        row.conflict_missing = row.item.code in conflicts and conflicts[row.item.code] is None
    competencies = framework.competencies.get(domain, [])
    whole_domain = bool(items) and items[0].is_whole_domain
    context = {
        "level": level,
        "domain": domain_obj,
        "rows": rows,
        "whole_domain": whole_domain,
        "guidance": [(c, wording.get(c.pk)) for c in competencies] if whole_domain else [],
        "statuses": Status.choices,
        "target": user.target_level,
        "domains": framework.domains,
    }
    return render(request, "assessments/grid.html", context)


def _mark_conflicts(rows, found) -> dict:
    """Keep what this person typed, and make it the next save's edit against the
    version now stored, so saving again is a deliberate choice of theirs."""
    by_code = {row.item.code: row for row in rows}
    conflicts = {}
    for conflict in found:
        row = by_code[conflict.entry.item.code]
        current = conflict.current
        row.version = current.version if current else 0
        row.seen_status = current.status if current else Status.NOT_ASSESSED
        row.seen_fingerprint = fingerprint(current.evidence if current else "")
        conflicts[row.item.code] = current
    return conflicts


@require_http_methods(["GET", "POST"])
def profile(request):
    """Job role and target level (the role suggests one; the practitioner may choose another)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(
            request, f"Profile saved. You are assessing up to Level {user.target_level}."
        )
        return redirect("assessments:dashboard")
    memberships = list(Membership.objects.filter(user=request.user).select_related("team"))
    reviews = list(
        Review.objects.filter(member=request.user).select_related("team", "manager")[:20]
    )
    context = {"form": form, "memberships": memberships, "reviews": reviews}
    return render(request, "assessments/profile.html", context)


@require_GET
def history(request):
    """Every change to the user's ratings: who, when, old and new."""
    changes = RatingChange.objects.filter(rating__user=request.user).select_related(
        "rating__competency", "changed_by"
    )
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read here, not while the template renders
    return render(request, "assessments/history.html", {"page": page})


def _gaps_and_catalogue(user):
    framework = load_framework()
    ratings = answers_by_key(user)
    catalogue = load_catalogue()
    return (
        find_gaps(framework, ratings, user.target_level, catalogue),
        catalogue,
        framework,
        ratings,
    )


@require_GET
def gaps(request):
    """Every item below achieved up to the target level, grouped by level and domain,
    with the courses that cover them (reasons, fees, time, delivery, endorsement)."""
    found, catalogue, framework, _ = _gaps_and_catalogue(request.user)
    groups = group_gaps(found, framework)
    for group in groups:
        group.grid_url = reverse("assessments:grid", args=[group.level, group.domain])
    covering = {m.row.course_id for g in found for m in g.matches}
    context = {
        "gaps": found,
        "groups": groups,
        "courses": [
            c
            for pk, c in sorted(catalogue.courses.items(), key=lambda i: i[1].title)
            if pk in covering
        ],
        "uncovered": [g for g in found if not g.matches],
        "target": request.user.target_level,
    }
    return render(request, "assessments/gaps.html", context)


def _plan_context(request):
    data = request.GET.copy()
    data.setdefault("objective", "cost")
    form = PlanForm(data)
    form.is_valid()  # a bad value is reported beside its field; the default applies
    objective = form.cleaned_data.get("objective") or "cost"
    nhs = bool(form.cleaned_data.get("nhs"))
    user = request.user
    found, catalogue, framework, ratings = _gaps_and_catalogue(user)
    options = build_options(found, catalogue, nhs=nhs)
    plan = best_plan(frozenset(g.key for g in found), options, objective)
    by_key = {g.key: g for g in found}
    chosen = [
        {"option": option, "gaps": [by_key[k] for k in sorted(option.covers & plan.covered)]}
        for option in plan.chosen
    ]
    return {
        "form": form,
        "objective": objective,
        "nhs": nhs,
        "plan": plan,
        "chosen": chosen,
        "uncovered": [by_key[k] for k in sorted(plan.uncovered)],
        "gap_count": len(found),
        "target": user.target_level,
        "progress": progress(framework, ratings, user.target_level),
        "highlights": [a for a in ratings.values() if a.evidence][:10],
        "today": timezone.localdate(),
        "query": request.GET.urlencode(),
    }


@require_GET
def plan(request):
    """The recommended set of courses for the practitioner's gaps, and what none covers."""
    return render(request, "assessments/plan.html", _plan_context(request))


@require_GET
def plan_print(request):
    """The development plan for an appraisal, laid out for printing."""
    return render(request, "assessments/plan_print.html", _plan_context(request))


@require_GET
def plan_pdf(request):
    """The same development plan as a PDF (WeasyPrint)."""
    from weasyprint import HTML  # imported here: loading it costs ~0.5 s at start-up

    html = render_to_string("assessments/plan_print.html", _plan_context(request), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="development-plan.pdf"'
    return response


def _export_rows(user):
    ratings = (
        Rating.objects.filter(user=user)
        .select_related("competency")
        .order_by("level", "domain", "competency__code")
    )
    changes = RatingChange.objects.filter(rating__user=user).select_related(
        "rating__competency", "changed_by"
    )
    return ratings, changes


@require_GET
def export_json(request):
    """Everything the user owns, as JSON."""
    user = request.user
    ratings, changes = _export_rows(user)
    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "job_role": user.job_role,
            "target_level": user.target_level,
        },
        "ratings": [
            {
                "level": r.level_id,
                "item": r.item_key,
                "status": r.status,
                "evidence": r.evidence,
                "version": r.version,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in ratings
        ],
        "history": [
            {
                "item": c.rating.item_key,
                "level": c.rating.level_id,
                "changed_at": c.changed_at.isoformat(),
                "changed_by": c.changed_by.username if c.changed_by else None,
                "old_status": c.old_status,
                "new_status": c.new_status,
                "old_evidence": c.old_evidence,
                "new_evidence": c.new_evidence,
            }
            for c in changes
        ],
    }
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-imhcf-data.json"'
    return response


@require_GET
def export_csv(request):
    """The user's ratings and their history, as one CSV."""
    ratings, changes = _export_rows(request.user)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["record", "level", "item", "status", "evidence", "when", "old status", "old evidence"]
    )
    for r in ratings:
        writer.writerow(
            [
                "rating",
                r.level_id,
                r.item_key,
                r.status,
                exports.cell(r.evidence),
                r.updated_at.isoformat(),
                "",
                "",
            ]
        )
    for c in changes:
        writer.writerow(
            [
                "change",
                c.rating.level_id,
                c.rating.item_key,
                c.new_status,
                exports.cell(c.new_evidence),
                c.changed_at.isoformat(),
                c.old_status,
                exports.cell(c.old_evidence),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-imhcf-data.csv"'
    return response


@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Delete the account and everything in it, after the password is given again."""
    error = ""
    if request.method == "POST":
        if request.user.check_password(request.POST.get("password", "")):
            user = request.user
            logout(request)
            user.delete()
            messages.success(request, "Your account and all your assessment data were deleted.")
            return redirect("catalogue:home")
        error = "That password is not right; nothing was deleted."
    return render(request, "assessments/delete_account.html", {"error": error})


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    """Self sign-up, when the site allows it (IMHCF_SIGNUP_OPEN)."""
    if not settings.IMHCF_SIGNUP_OPEN:
        raise Http404("Sign-up is closed")
    if request.user.is_authenticated:
        return redirect("assessments:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. Check your job role and target level, then start.")
        return redirect(reverse("assessments:profile"))
    return render(request, "registration/signup.html", {"form": form})


# Teams ------------------------------------------------------------------------------


@require_GET
def teams(request):
    """The teams the user manages."""
    managed = list(Team.objects.managed_by(request.user))
    return render(request, "assessments/teams.html", {"teams": managed})


@require_GET
def team_report(request, pk):
    """Members x items at one level, with text symbols; per-domain share achieved and
    top gaps for the whole team. Nine queries whatever the team size."""
    team = access.managed_team(request.user, pk)
    framework = load_framework()
    form, filters, level, _ = _report_filters(request, framework)
    report = reports.team_report(
        team,
        framework,
        level=level,
        domain=filters.get("domain"),
        job_role=filters.get("job_role", ""),
        page=request.GET.get("page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "team": team,
        "form": form,
        "report": report,
        "query": query.urlencode(),
        "symbols": reports.SYMBOL.values(),
    }
    return render(request, "assessments/team_report.html", context)


@require_GET
def member_assessment(request, pk, member_id):
    """A member's statuses at every level; their evidence only if they share it."""
    team = access.managed_team(request.user, pk)
    membership = access.team_member(team, member_id)
    framework = load_framework()
    answers = answers_by_key(membership.user)
    levels = []
    for level in LEVELS:
        rows = []
        for item in framework.items_at(level):
            answer = answers.get(item.key)
            rows.append(
                {
                    "item": item,
                    "status": Status(answer.status).label if answer else Status.NOT_ASSESSED.label,
                    "evidence": answer.evidence if answer and membership.shares_evidence else "",
                }
            )
        levels.append((level, rows))
    reviews = list(
        Review.objects.filter(team=team, member=membership.user).select_related("manager")[:20]
    )
    context = {
        "team": team,
        "membership": membership,
        "member": membership.user,
        "levels": levels,
        "reviews": reviews,
    }
    return render(request, "assessments/member_assessment.html", context)


@require_http_methods(["POST"])
def review(request, pk, member_id):
    """A manager comments on, or signs off, a member's shared assessment."""
    team = access.managed_team(request.user, pk)
    membership = access.team_member(team, member_id)
    comment = request.POST.get("comment", "").strip()
    sign_off = request.POST.get("sign_off") == "1"
    url = reverse("assessments:member_assessment", args=[team.pk, member_id])
    if not membership.shares_evidence:
        return HttpResponseForbidden("This member has not shared their assessment with you.")
    if not comment and not sign_off:
        messages.error(request, "Write a comment or tick sign-off; nothing was saved.")
        return redirect(url)
    if len(comment) > EVIDENCE_MAX:
        messages.error(request, f"Keep the comment under {EVIDENCE_MAX:,} characters.")
        return redirect(url)
    services.review_assessment(
        team=team,
        membership=membership,
        manager=request.user,
        comment=comment,
        sign_off=sign_off,
    )
    messages.success(
        request, "Signed off, with a snapshot of the assessment." if sign_off else "Comment saved."
    )
    return redirect(url)


@require_http_methods(["POST"])
def share(request, pk):
    """Share one's evidence with a team's managers, or withdraw it."""
    membership = access.own_membership(request.user, pk)
    sharing = request.POST.get("share") == "1"
    membership.shares_evidence = sharing
    membership.shared_at = timezone.now() if sharing else None
    membership.save(update_fields=["shares_evidence", "shared_at"])
    if sharing:
        messages.success(
            request, f"The managers of {membership.team.name} can now read your evidence."
        )
    else:
        messages.success(
            request, f"You withdrew your evidence from {membership.team.name}'s managers."
        )
    return redirect("assessments:profile")


def _report_filters(request, framework):
    form = TeamReportForm(request.GET or None, domains=framework.domains)
    filters = form.filters()
    level = filters.get("level") or 1
    domain = filters.get("domain")
    items = [i for i in framework.items_at(level) if domain is None or i.domain == domain]
    return form, filters, level, items


@require_GET
def team_report_csv(request, pk):
    """The whole heat map (every member, every item shown), streamed as CSV."""
    team = access.managed_team(request.user, pk)
    framework = load_framework()
    _, filters, level, items = _report_filters(request, framework)
    rows = exports.heatmap_rows(team, items, level=level, job_role=filters.get("job_role", ""))
    response = StreamingHttpResponse(exports.csv_stream(rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}-level-{level}.csv"'
    return response


@require_GET
def team_report_xlsx(request, pk):
    """The whole heat map as an Excel workbook."""
    team = access.managed_team(request.user, pk)
    framework = load_framework()
    _, filters, level, items = _report_filters(request, framework)
    rows = exports.heatmap_rows(team, items, level=level, job_role=filters.get("job_role", ""))
    response = HttpResponse(
        exports.xlsx_bytes(rows, f"Level {level}"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}-level-{level}.xlsx"'
    return response


def _team_plan(request, pk):
    team = access.managed_team(request.user, pk)
    framework = load_framework()
    form, _, level, _ = _report_filters(request, framework)
    plan = reports.team_plan(team, framework, load_catalogue(), level=level)
    return team, form, plan


@require_GET
def team_plan(request, pk):
    """Which courses close the most member-gaps, for whom, at what total cost and time."""
    team, form, plan = _team_plan(request, pk)
    context = {"team": team, "form": form, "plan": plan, "query": request.GET.urlencode()}
    template = (
        "assessments/team_plan_print.html"
        if request.GET.get("print")
        else ("assessments/team_plan.html")
    )
    return render(request, template, context)


@require_GET
def team_plan_csv(request, pk):
    """The team plan as CSV."""
    team, _, plan = _team_plan(request, pk)
    response = StreamingHttpResponse(
        exports.csv_stream(exports.plan_rows(plan)), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}-plan.csv"'
    return response


@require_GET
def team_plan_xlsx(request, pk):
    """The team plan as an Excel workbook."""
    team, _, plan = _team_plan(request, pk)
    response = HttpResponse(
        exports.xlsx_bytes(exports.plan_rows(plan), "Team plan"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="team-{team.pk}-plan.xlsx"'
    return response


@require_http_methods(["POST"])
def invite(request, pk):
    """A manager makes a single-use invitation link to the team."""
    team = access.managed_team(request.user, pk)
    made = services.create_invite(team=team, manager=request.user)
    link = request.build_absolute_uri(reverse("join", args=[made.token]))
    messages.success(
        request,
        f"Invitation link (single use, valid {services.INVITE_DAYS} days): {link}",
    )
    return redirect("assessments:team_report", pk=team.pk)


@require_http_methods(["GET", "POST"])
def join(request, token):
    """Accept an invitation (sign in first; the link brings you back here)."""
    if request.method == "POST":
        try:
            membership, created = services.accept_invite(token=token, user=request.user)
        except services.InviteProblem as problem:
            messages.error(request, str(problem))
            return redirect("assessments:profile")
        messages.success(
            request,
            f"You joined {membership.team.name}."
            if created
            else f"You were already on {membership.team.name}.",
        )
        return redirect("assessments:profile")
    return render(request, "assessments/join.html", {"token": token})


@require_GET
def organisation(request):
    """For admins: share achieved per team and domain across every team; groups of
    fewer than three people are hidden."""
    if not request.user.is_staff:
        raise Http404("Not found")
    framework = load_framework()
    form, _, level, _ = _report_filters(request, framework)
    context = {
        "form": form,
        "level": level,
        "domains": framework.domains,
        "overview": reports.organisation_overview(framework, level=level),
        "min_group": reports.MIN_GROUP,
    }
    return render(request, "assessments/organisation.html", context)
