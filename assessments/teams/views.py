"""Manager pages: team report, exports, team plan, member review and invitations;
and the admins' organisation view."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from imhcf.routers import replica_reads

from .. import downloads
from ..items import LEVELS, load_framework
from ..models import INVITE_DAYS, JobRole, Membership, Review, Status, Team
from ..plans.offers import read_offers
from ..portfolio import pages as portfolio_pages
from ..ratings.progress import answers_by_key
from ..security import access, audit, roles
from . import exports, heatmap, reports, services
from .budget_plan import answered_team_plan, team_budget
from .forms import (
    InviteForm,
    OverviewForm,
    ReviewForm,
    TeamBudgetForm,
    TeamNameForm,
    TeamReportForm,
)


@require_GET
def teams(request):
    """The teams the user manages."""
    managed = access.managed_teams(request)
    return render(request, "assessments/teams.html", {"teams": managed})


@require_GET
def start(request):
    """Where signing in lands: a training lead on their organisation, a manager on
    their team (or their list of teams), a site admin on the admin, anyone else on
    their own progress."""
    who = roles.who(request)
    if who.leads and not who.admin:
        return redirect("assessments:organisations")
    if not who.manages:
        # A site admin who manages no team comes to keep the catalogue and the teams
        # right, not to assess herself: she lands on the admin.
        if who.admin or request.user.is_staff:
            return redirect("admin:index")
        return redirect("assessments:dashboard")
    managed = access.managed_teams(request)
    if len(managed) == 1:
        return redirect("assessments:team_report", managed[0].pk)
    return redirect("assessments:teams" if managed else "assessments:dashboard")


def _report_filters(request, framework):
    form = TeamReportForm(request.GET or None, domains=framework.domains)
    filters = form.filters()
    level = filters.get("level") or 1
    domain = filters.get("domain")
    items = [i for i in framework.items_at(level) if domain is None or i.domain == domain]
    return form, filters, level, items


@require_GET
def team_report(request, pk):
    """Members x items at one level, with text symbols; per-domain share achieved and
    top gaps for the whole team. Nine queries whatever the team size."""
    team = access.team_in_charge(request, pk)
    framework = load_framework()
    form, filters, level, _ = _report_filters(request, framework)
    with replica_reads():
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
        "symbols": heatmap.SYMBOL.values(),
        "invite_days": INVITE_DAYS,
    }
    return render(request, "assessments/team_report.html", context)


def _heatmap(request, pk):
    """The team, the file's name and the heat map's rows (every member, every item
    shown), named and titled by the team, level and filters."""
    team = access.team_in_charge(request, pk)
    framework = load_framework()
    _, filters, level, items = _report_filters(request, framework)
    job_role = filters.get("job_role", "")
    domain = filters.get("domain")
    shown = [f"Level {level}"]
    name = [slugify(team.name) or f"team-{team.pk}", f"level-{level}"]
    if domain:
        shown.append(f"Domain {domain}: {framework.domain(domain).name}")
        name.append(f"domain-{domain}")
    if job_role:
        shown.append(f"job role: {JobRole(job_role).label.lower()}")
        name.append(job_role.replace("_", "-"))
    title = f"Heat map for {team.name} ({team.organisation}), " + ", ".join(shown)
    rows = exports.heatmap_rows(team, items, level=level, job_role=job_role, title=title)
    return "-".join(name), level, rows


@require_GET
def team_report_csv(request, pk):
    """The whole heat map, streamed as CSV."""
    name, level, rows = _heatmap(request, pk)
    return downloads.csv_response(rows, f"{name}.csv")


@require_GET
def team_report_xlsx(request, pk):
    """The whole heat map as an Excel workbook."""
    name, level, rows = _heatmap(request, pk)
    return downloads.xlsx_response(rows, f"Level {level}", f"{name}.xlsx")


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


def _team_plan(request, pk):
    team = access.team_in_charge(request, pk)
    framework = load_framework()
    form, _, level, _ = _report_filters(request, framework)
    with replica_reads():
        plan, answer = answered_team_plan(team, framework, read_offers(), level=level)
    return team, form, plan, answer


@require_GET
def team_plan(request, pk):
    """What to fund first, then which courses close or teach the most member-gaps, for
    whom, at what total cost and time; printable with ?print=1."""
    team, form, plan, answer = _team_plan(request, pk)
    printing = bool(request.GET.get("print"))
    query = request.GET.copy()
    query.pop("print", None)
    context = {
        "team": team,
        "form": form,
        "plan": plan,
        "answer": answer,
        "query": query.urlencode(),
        "printing": printing,
    }
    template = "assessments/team_plan_print.html" if printing else "assessments/team_plan.html"
    return render(request, template, context)


@require_GET
def team_plan_pdf(request, pk):
    """The team plan as a PDF, laid out as its printable page."""
    team, form, plan, answer = _team_plan(request, pk)
    context = {
        "team": team,
        "form": form,
        "plan": plan,
        "answer": answer,
        "query": "",
        "printing": True,
    }
    name = f"{slugify(team.name) or 'team'}-level-{plan.level}-training-plan.pdf"
    return downloads.pdf_response(request, "assessments/team_plan_print.html", context, name)


@require_GET
def team_budget_pdf(request, pk):
    """The funded places as a PDF, laid out as the printable page."""
    team, form, plan = _team_budget(request, pk)
    context = {"team": team, "form": form, "plan": plan, "query": "", "printing": True}
    return downloads.pdf_response(
        request, "assessments/team_budget_print.html", context, _budget_filename(team, plan, "pdf")
    )


@require_GET
def team_plan_csv(request, pk):
    """The team plan as CSV."""
    team, _, plan, _ = _team_plan(request, pk)
    return downloads.csv_response(exports.plan_rows(plan), f"team-{team.pk}-plan.csv")


@require_GET
def team_plan_xlsx(request, pk):
    """The team plan as an Excel workbook."""
    team, _, plan, _ = _team_plan(request, pk)
    return downloads.xlsx_response(
        exports.plan_rows(plan), "Team plan", f"team-{team.pk}-plan.xlsx"
    )


def _team_budget(request, pk):
    team = access.team_in_charge(request, pk)
    form = TeamBudgetForm(request.GET)
    chosen = form.choices()
    plan = team_budget(team, load_framework(), read_offers(), **chosen)
    return team, form, plan


@require_GET
def team_budget_plan(request, pk):
    """The funded places that close the most member-gaps within a budget (exact), and
    what other budgets would buy; printable with ?print=1."""
    team, form, plan = _team_budget(request, pk)
    printing = bool(request.GET.get("print"))
    query = request.GET.copy()
    query.pop("print", None)
    context = {
        "team": team,
        "form": form,
        "plan": plan,
        "query": query.urlencode(),
        "printing": printing,
    }
    template = "assessments/team_budget_print.html" if printing else "assessments/team_budget.html"
    return render(request, template, context)


def _budget_filename(team, plan, extension: str) -> str:
    return (
        f"{slugify(team.name) or 'team'}-level-{plan.level}-budget-{int(plan.budget)}.{extension}"
    )


@require_GET
def team_budget_csv(request, pk):
    """The funded places as CSV."""
    team, _, plan = _team_budget(request, pk)
    rows = exports.budget_rows(team, plan)
    return downloads.csv_response(rows, _budget_filename(team, plan, "csv"))


@require_GET
def team_budget_xlsx(request, pk):
    """The funded places as an Excel workbook."""
    team, _, plan = _team_budget(request, pk)
    rows = exports.budget_rows(team, plan)
    return downloads.xlsx_response(rows, "Funded places", _budget_filename(team, plan, "xlsx"))


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


@require_GET
def organisations(request):
    """The organisations whose overview the user sees: a lead's own (straight to it
    when there is one), every one for admins."""
    found = access.organisations(request)
    if not found:
        audit.event("access.refused", request, object="organisations")
        raise Http404("Not found")
    if len(found) == 1 and not roles.who(request).admin:
        return redirect("assessments:organisation", found[0].pk)
    counted = {
        row["organisation"]: row
        for row in Team.objects.filter(organisation__in=found)
        .values("organisation")
        .annotate(teams=Count("pk"))
    }
    rows = [(o, counted.get(o.pk, {}).get("teams", 0)) for o in found]
    return render(request, "assessments/organisations.html", {"rows": rows})


@require_GET
def organisation(request, pk):
    """One organisation's teams, a page at a time, with their share achieved per domain;
    groups of fewer than three people are hidden. For its leads and the site's admins."""
    found = access.organisation(request, pk)
    framework = load_framework()
    form = OverviewForm(request.GET or None)
    filters = form.filters()
    with replica_reads():
        overview = reports.organisation_overview(
            found,
            framework,
            level=filters.get("level") or 1,
            sort=filters.get("sort", "name"),
            search=filters.get("q", ""),
            page=request.GET.get("page"),
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": found,
        "form": form,
        "overview": overview,
        "domains": framework.domains,
        "min_group": reports.MIN_GROUP,
        "query": query.urlencode(),
        "team_form": TeamNameForm(organisation=found),
    }
    return render(request, "assessments/organisation.html", context)


@require_GET
def team_training(request, pk):
    """Which members recorded which training (catalogue courses counted for the whole
    team), 50 members a page. Files are linked only for the team's managers, and only
    while the member shares their evidence. Seven queries whatever the team size."""
    team = access.team_in_charge(request, pk)
    paginator = Paginator(
        Membership.objects.members_of(team).select_related("user").in_member_order(), 50
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    records, counts = portfolio_pages.team_records(team, page.object_list)
    by_user = {}
    for record in records:
        by_user.setdefault(record.user_id, []).append(record)
    rows = [
        {
            "membership": m,
            "records": by_user.get(m.user_id, []),
            "files_shown": access.visible_evidence(team, m),
        }
        for m in page.object_list
    ]
    file_rows = portfolio_pages.files_of_records(
        [r for row in rows if row["files_shown"] for r in row["records"]]
    )
    for record in records:
        record.shown_files = file_rows.get(record.pk, [])
    context = {"team": team, "page": page, "rows": rows, "counts": counts}
    return render(request, "assessments/team_training.html", context)
