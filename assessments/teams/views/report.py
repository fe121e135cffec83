"""The team report, its heat-map downloads, the team list, where signing in lands, and
who recorded which training."""

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from imhcf.routers import replica_reads

from ... import downloads
from ...items import FrameworkView, Item, load_framework
from ...models import INVITE_DAYS, JobRole, Membership
from ...portfolio import pages as portfolio_pages
from ...security import access, roles
from .. import exports, heatmap, reports
from ..forms import TeamReportForm


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


def report_filters(
    request: HttpRequest, framework: FrameworkView
) -> tuple[TeamReportForm, dict[str, Any], int, list[Item]]:
    """The report's filter form as the query string fills it, its valid filters, the
    level (1 unless chosen) and the items shown (the team plan reads the same form)."""
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
    form, filters, level, _ = report_filters(request, framework)
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
    _, filters, level, items = report_filters(request, framework)
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
