"""The team plan and the budget plan: pages, printable pages and their CSV, XLSX and PDF
downloads."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from imhcf.routers import replica_reads

from ... import downloads
from ...items import load_framework
from ...plans.offers import read_offers
from ...security import access
from .. import exports
from ..budget_plan import answered_team_plan, team_budget
from ..forms import TeamBudgetForm
from .report import report_filters


def _team_plan(request, pk):
    team = access.team_in_charge(request, pk)
    framework = load_framework()
    form, _, level, _ = report_filters(request, framework)
    with replica_reads():
        plan, answer = answered_team_plan(team, framework, read_offers(), level=level)
    return team, form, plan, answer


@require_GET
def team_plan(request, pk):
    """What to fund first, then which courses close or teach the most member-gaps, for
    whom, at what total cost and time; printable with ?print=1."""
    team, form, plan, answer = _team_plan(request, pk)
    context = {"team": team, "form": form, "plan": plan, "answer": answer}
    return _page_or_print(request, "assessments/team_plan", context)


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
    return _page_or_print(
        request, "assessments/team_budget", {"team": team, "form": form, "plan": plan}
    )


def _page_or_print(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    """The page, or with ?print=1 its printable version; both keep the query (less
    `print`) for their links to each other and to the downloads."""
    printing = bool(request.GET.get("print"))
    query = request.GET.copy()
    query.pop("print", None)
    context = {**context, "query": query.urlencode(), "printing": printing}
    return render(request, f"{template}_print.html" if printing else f"{template}.html", context)


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
