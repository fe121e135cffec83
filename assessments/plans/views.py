"""Gaps and the development plan (page, printable page and PDF)."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import downloads
from ..security.signed_in import SignedInRequest
from ..teams.services import latest_reviews
from . import pages
from .forms import PlanForm


@require_GET
def gaps(request: SignedInRequest) -> HttpResponse:
    """Every item below achieved up to the target level, grouped by level and domain,
    with the courses that cover them (reasons, fees, time, delivery, endorsement)."""
    page = pages.practitioner_gaps(request.user)
    return render(request, "assessments/gaps.html", {**vars(page), "page": page})


def _plan_context(request: SignedInRequest) -> dict[str, Any]:
    data = request.GET.copy()
    data.setdefault("objective", "cost")
    form = PlanForm(data)
    form.is_valid()  # a bad value is reported beside its field; the default applies
    page = pages.practitioner_plan(
        request.user,
        objective=form.cleaned_data.get("objective") or "cost",
        nhs=bool(form.cleaned_data.get("nhs")),
        budget=form.cleaned_data.get("budget"),
        hours=form.hours(),
        time_words=form.time_words(),
    )
    return {
        **vars(page),
        "page": page,
        "form": form,
        "today": timezone.localdate(),
        "query": request.GET.urlencode(),
    }


@require_GET
def plan(request: SignedInRequest) -> HttpResponse:
    """The plans from free to most complete, the best plan within a budget and time limit,
    the most complete plan, and what no listed course reaches."""
    return render(request, "assessments/plan.html", _plan_context(request))


def _appraisal_context(request: SignedInRequest) -> dict[str, Any]:
    """The plan, and for the appraiser the latest comments and sign-offs."""
    return {**_plan_context(request), "reviews": latest_reviews(request.user, 5)}


@require_GET
def plan_print(request: SignedInRequest) -> HttpResponse:
    """The development plan for an appraisal, laid out for printing."""
    return render(request, "assessments/plan_print.html", _appraisal_context(request))


@require_GET
def plan_pdf(request: SignedInRequest) -> HttpResponse:
    """The same development plan as a PDF (WeasyPrint)."""
    return downloads.pdf_response(
        request, "assessments/plan_print.html", _appraisal_context(request), "development-plan.pdf"
    )
