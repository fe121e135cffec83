"""The practitioner's own assessment: dashboard, grid and history."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..items import LEVELS, grid_domain, load_framework, wording_at
from ..models import RatingChange, Status
from ..portfolio.forms import UploadForm
from ..portfolio.pages import coming_up, item_files, proposed_in_grid
from ..security import access, kept
from ..teams.services import latest_reviews
from .forms import ChangesSinceForm, GridRow, GridSubmission
from .history import recent_changes
from .progress import answers_by_key, progress, ratings_by_key
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
        rows.append({"domain": domain, "cells": cells})
    context = {
        "progress": standing,
        "rows": rows,
        "since_form": since_form,
        "since": since,
        "changes": recent_changes(user, since=since, limit=200 if since else 8),
        "reviews": latest_reviews(user, 3),
        "dates": coming_up(user, timezone.localdate()),
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

    GET: seven queries (session, user, domains, competencies, wordings, ratings, files). A
    successful POST reads no wording or rating before the save itself: at most ten."""
    user = request.user
    framework = load_framework()
    domain_obj = grid_domain(framework, level, domain)
    items = framework.items[(level, domain)]
    conflicts = {}
    as_whole = offered = None
    if request.method == "GET":
        ratings = ratings_by_key(user, level=level, domain=domain)
        rows = _grid_rows(items, ratings)
        as_whole = _starting_point(items, ratings, level, domain)
        if as_whole is not None:
            for row in rows:  # offered, not saved: the form's "seen" stays empty
                row.status, row.evidence = as_whole.status, as_whole.evidence
        offered = _offer_record(request, rows, level, domain)
        typed = kept.take(request, request.path)
        if typed is not None:
            GridSubmission(typed, rows).entries()  # fills the rows; saves nothing
            messages.warning(
                request,
                "You were signed out before this was saved. What you typed is back below "
                "and is not saved yet: check it and press Save.",
            )
    elif request.POST.get("use_saved"):
        # "Use the saved version" of one item: nothing is saved; that item shows what is
        # stored, every other item keeps what was typed.
        rows = _grid_rows(items, {})
        GridSubmission(request.POST, rows).entries()
        code = request.POST["use_saved"]
        stored = {
            r.item.code: r
            for r in _grid_rows(items, ratings_by_key(user, level=level, domain=domain))
        }
        rows = [stored[row.item.code] if row.item.code == code else row for row in rows]
        if code in stored:
            messages.info(
                request,
                "That item now shows the saved version. Nothing was saved: press Save to keep "
                "your other changes.",
            )
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
                after = _next_grid(framework, level, domain)
                if request.POST.get("then") == "next" and after:
                    return redirect("assessments:grid", *after.args)
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
        row.conflict = conflicts.get(row.item.code)
        row.conflict_missing = row.item.code in conflicts and conflicts[row.item.code] is None
    files = item_files(user, level, domain)
    for row in rows:
        row.files = files.pop(row.item.key, [])
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
        "next_grid": _next_grid(framework, level, domain),
        "as_whole": as_whole,
        "offered": offered,
        # Files on items this page no longer shows (a domain once rated as a whole).
        "other_files": [f for group in files.values() for f in group],
        "has_files": bool(files) or any(row.files for row in rows),
        "upload": UploadForm(used=0),
        "offered_here": any(row.proposed for row in rows),
        "idle_minutes": settings.IMHCF_SESSION_IDLE_MINUTES,
        "draft_hours": settings.IMHCF_SESSION_MAX_HOURS,
    }
    return render(request, "assessments/grid.html", context)


def _offer_record(request, rows, level: int, domain: int):
    """?record=<id> (one of the user's own training records): the items its catalogue
    course links to are marked, and a line naming the record is added to their
    evidence, unsaved, unless it is already there. Two queries; the record or None."""
    record_id = request.GET.get("record", "")
    if not record_id.isdigit():
        return None
    record = access.own_record(request, int(record_id))
    linked = proposed_in_grid(record, level, domain)
    line = f"Training: {record.title}, finished {record.finished:%-d %B %Y} (training record)."
    for row in rows:
        # A whole-domain link covers every item; a domain rated as a whole takes any link.
        if linked and (None in linked or row.item.competency_id in (None, *linked)):
            row.proposed = True
            if line not in row.evidence:
                row.evidence = f"{row.evidence}\n{line}".strip()
    return record


def _starting_point(items, ratings, level, domain):
    """The answer for the domain as a whole, given before its wording was added, when
    none of its competencies has been rated yet: each competency starts from it."""
    if not items or items[0].is_whole_domain:
        return None
    whole = ratings.get((level, domain, None))
    if whole is None or any(item.key in ratings for item in items):
        return None
    return whole


@dataclass(frozen=True)
class NextGrid:
    args: tuple[int, int]
    label: str


def _next_grid(framework, level: int, domain: int) -> NextGrid | None:
    """The grid after this one: the next domain, or the next level's first."""
    numbers = [d.number for d in framework.domains]
    later = [n for n in numbers if n > domain]
    if later:
        return NextGrid((level, later[0]), f"Domain {later[0]}")
    if level < LEVELS[-1]:
        return NextGrid((level + 1, numbers[0]), f"Level {level + 1}, Domain {numbers[0]}")
    return None


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


@require_GET
def history(request):
    """Every change to the user's ratings: who, when, old and new."""
    changes = RatingChange.objects.filter(rating__user=request.user).select_related(
        "rating__competency", "rating__domain", "changed_by"
    )
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read here, not while the template renders
    return render(request, "assessments/history.html", {"page": page})
