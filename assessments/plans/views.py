"""Gaps and the development plan (page, printable page and PDF)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import downloads
from ..items import load_framework
from ..ratings.progress import answers_by_key, progress
from .forms import PlanForm
from .gaps import find_gaps, group_gaps
from .offers import build_options, read_offers
from .optimiser import best_plan


def _gaps_and_catalogue(user):
    framework = load_framework()
    ratings = answers_by_key(user)
    catalogue = read_offers()
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
    html = render_to_string("assessments/plan_print.html", _plan_context(request), request=request)
    pdf = downloads.pdf_bytes(html, request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="development-plan.pdf"'
    return response
