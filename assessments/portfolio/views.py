"""The practitioner's portfolio: training records, reflections, their files, her
regulator's cycle and reminders (the pack and the whole record are prepared on the
queue: prepared.py). Her own pages take ids only through access.own_*; a file is served
only through evidence_file."""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogue.models import Course, Module

from .. import downloads
from ..items import grid_domain, load_framework
from ..models import Reflection, ReflectionKind, Registration, Template, TrainingRecord, User
from ..security import access, audit, kept
from ..security.signed_in import SignedInRequest
from . import files, pages, proposals, reminders, services
from .forms import RecordForm, ReflectionForm, RegistrationForm, UploadForm


def _typed(request: SignedInRequest) -> QueryDict | dict[str, str] | None:
    """What a form is bound to: the POST; on a GET, what was posted here when a time-out
    ended the session (security.kept), offered back unsaved; else None."""
    if request.method == "POST":
        return request.POST
    typed = kept.take(request, request.path)
    if typed is None:
        return None
    messages.warning(
        request,
        "You were signed out before this was saved. What you typed is back below and is "
        "not saved yet: check it and press Save. (Files must be chosen again.)",
    )
    return typed


@require_GET
def portfolio(request: SignedInRequest) -> HttpResponse:
    """Records, reflections, files and where they stand against the regulator's rules.
    Seven queries however many records."""
    user = request.user
    registration = pages.registration_of(user)
    records = pages.records_of(user)
    reflections = pages.reflections_of(user)
    rule, progress = pages.standing(registration, records, reflections, timezone.localdate())
    used, proposed = proposals.used_and_waiting(user)  # one query, as used_bytes was
    context = {
        "registration": registration,
        "records": records,
        "reflections": reflections,
        "rule": rule,
        "progress": progress,
        "dates": reminders.key_dates(registration, rule),
        "used": files.megabytes(used),
        "quota": settings.IMHCF_UPLOAD_QUOTA_MB,
        "proposed": proposed,
    }
    return render(request, "assessments/portfolio/portfolio.html", context)


@require_http_methods(["GET", "POST"])
def registration(request: SignedInRequest) -> HttpResponse:
    """Regulator, next renewal and appraisal dates, and which e-mails to receive."""
    current = pages.registration_of(request.user)
    form = RegistrationForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved your registration dates and e-mail choices.")
        return redirect("assessments:portfolio")
    context = {
        "form": form,
        "upcoming": reminders.upcoming(current, pages.rule_of(current), timezone.localdate()),
        "renewal_days": ", ".join(map(str, settings.IMHCF_RENEWAL_REMINDER_DAYS)),
        "appraisal_days": ", ".join(map(str, settings.IMHCF_APPRAISAL_REMINDER_DAYS)),
    }
    return render(request, "assessments/portfolio/registration.html", context)


def _initial_from_catalogue(request: SignedInRequest) -> dict[str, Any]:
    """?course=<slug>[&module=<id>] from a plan or a course page prefills the record."""
    course = (
        Course.objects.select_related("provider").filter(slug=request.GET.get("course")).first()
    )
    if course is None:
        return {}
    initial: dict[str, Any] = {
        "course": course.pk,
        "title": course.title,
        "provider": course.provider.name,
    }
    if course.mode == Course.Mode.ELEARNING:
        initial["method"] = "elearning"
    module_id = request.GET.get("module", "")
    module = (
        Module.objects.filter(course=course, pk=module_id).first() if module_id.isdigit() else None
    )
    if module:
        initial.update(module=module.pk, title=module.title)
    return initial


@require_http_methods(["GET", "POST"])
def record_new(request: SignedInRequest) -> HttpResponse:
    """Record training done: from the catalogue (prefilled from a plan) or anything else."""
    user = request.user
    used = files.used_bytes(user)
    form = RecordForm(
        _typed(request),
        request.FILES or None,
        used=used,
        instance=TrainingRecord(user=user),
        initial=_initial_from_catalogue(request),
    )
    if request.method == "POST" and form.is_valid():
        record = services.save_record(
            record=form.save(commit=False), checked=form.cleaned_data["file"]
        )
        audit.event("portfolio.record_added", request, record=record.pk)
        messages.success(request, f"Recorded “{record.title}”.")
        return redirect(record)
    return render(request, "assessments/portfolio/record_form.html", {"form": form, "new": True})


@require_http_methods(["GET", "POST"])
def record(request: SignedInRequest, pk: int) -> HttpResponse:
    """One training record: edit it, its files, and the ratings it proposes to look at."""
    found = access.own_record(request, pk)
    used = files.used_bytes(request.user)
    form = RecordForm(_typed(request), request.FILES or None, used=used, instance=found)
    if request.method == "POST" and form.is_valid():
        services.save_record(record=form.save(commit=False), checked=form.cleaned_data["file"])
        messages.success(request, f"Saved “{found.title}”.")
        return redirect(found)
    return _record_page(request, found, form, UploadForm(used=used))


def _record_page(
    request: SignedInRequest, found: TrainingRecord, form: RecordForm, upload: UploadForm
) -> HttpResponse:
    """The record page, with its form and its upload form as they stand."""
    context = {
        "form": form,
        "record": found,
        "files": list(found.files.all()),
        "upload": upload,
        "proposals": pages.proposals(found, request.user.target_level),
        "reflections": list(found.reflections.all()),
        "new": False,
    }
    return render(request, "assessments/portfolio/record_form.html", context)


@require_POST
def record_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Delete a record and its files."""
    found = access.own_record(request, pk)
    services.delete_record(record=found)
    audit.event("portfolio.record_deleted", request, record=pk)
    messages.success(request, f"Deleted “{found.title}” and its files.")
    return redirect("assessments:portfolio")


def _upload(
    request: SignedInRequest,
    back: TrainingRecord | Reflection | str,
    refused: Callable[[UploadForm], HttpResponse] | None = None,
    **parent: Any,
) -> HttpResponse:
    """Store the POSTed file for `parent` (record=, reflection= or item=), then back to
    the page it came from. A refused file: `refused(form)` renders that page again with
    the reason in its error summary and beside the field; without it (the grid), the
    reason comes as a message on the page it goes back to."""
    form = UploadForm(request.POST, request.FILES, used=files.used_bytes(request.user))
    if form.is_valid():
        made = services.add_file(owner=request.user, checked=form.cleaned_data["file"], **parent)
        audit.event("portfolio.file_added", request, file=made.pk)
        messages.success(request, f"Added {made.name}.")
        return redirect(back)
    if refused is not None:
        return refused(form)
    for error in form.errors.get("file", []):
        messages.error(request, f"Nothing was stored: {error}")
    return redirect(back)


@require_POST
def record_file(request: SignedInRequest, pk: int) -> HttpResponse:
    """Add a file to a record."""
    found = access.own_record(request, pk)

    def refused(upload: UploadForm) -> HttpResponse:
        used = upload.used
        return _record_page(request, found, RecordForm(used=used, instance=found), upload)

    return _upload(request, found, refused, record=found)


@require_http_methods(["GET", "POST"])
def reflection_new(request: SignedInRequest, kind: str) -> HttpResponse:
    """A reflective account, a piece of feedback, or a reflective discussion."""
    if kind not in ReflectionKind.values:
        raise Http404("No such kind")
    user = request.user
    initial: dict[str, Any] = {"happened_on": timezone.localdate()}
    regulator = pages.registration_of(user).regulator
    if kind == ReflectionKind.ACCOUNT and regulator in Template.values:
        initial["template"] = regulator  # her regulator's own form, where we have one
    record_id = request.GET.get("record", "")
    if record_id.isdigit():
        initial["record"] = record_id
    form = ReflectionForm(
        _typed(request),
        request.FILES or None,
        user=user,
        kind=kind,
        used=files.used_bytes(user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        made = services.save_reflection(form=form, user=user, checked=form.cleaned_data.get("file"))
        messages.success(request, f"Saved your {made.get_kind_display().lower()}.")
        return redirect(made)
    context = {"form": form, "kind": ReflectionKind(kind), "new": True}
    return render(request, "assessments/portfolio/reflection_form.html", context)


@require_http_methods(["GET", "POST"])
def reflection(request: SignedInRequest, pk: int) -> HttpResponse:
    """One reflection: read and edit it, and its files."""
    found = access.own_reflection(request, pk)
    user = request.user
    used = files.used_bytes(user)
    form = ReflectionForm(
        _typed(request),
        request.FILES or None,
        user=user,
        kind=found.kind,
        used=used,
        instance=found,
    )
    if request.method == "POST" and form.is_valid():
        services.save_reflection(form=form, user=user, checked=form.cleaned_data.get("file"))
        messages.success(request, "Saved.")
        return redirect(found)
    return _reflection_page(request, found, form, UploadForm(used=used))


def _reflection_page(
    request: SignedInRequest, found: Reflection, form: ReflectionForm, upload: UploadForm
) -> HttpResponse:
    """The reflection page, with its form and its upload form as they stand."""
    context = {
        "form": form,
        "kind": ReflectionKind(found.kind),
        "reflection": found,
        "files": list(found.files.all()),
        "upload": upload,
        "new": False,
    }
    return render(request, "assessments/portfolio/reflection_form.html", context)


@require_POST
def reflection_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Delete a reflection and its files."""
    found = access.own_reflection(request, pk)
    services.delete_reflection(reflection=found)
    audit.event("portfolio.reflection_deleted", request, reflection=pk)
    messages.success(request, f"Deleted “{found.title}” and its files.")
    return redirect("assessments:portfolio")


@require_POST
def reflection_file(request: SignedInRequest, pk: int) -> HttpResponse:
    """Add a file to a reflection."""
    found = access.own_reflection(request, pk)

    def refused(upload: UploadForm) -> HttpResponse:
        form = ReflectionForm(user=request.user, kind=found.kind, used=upload.used, instance=found)
        return _reflection_page(request, found, form, upload)

    return _upload(request, found, refused, reflection=found)


@require_POST
def item_file(request: SignedInRequest, level: int, domain: int) -> HttpResponse:
    """Add a file to one item of the grid (level, domain): the evidence for a rating."""
    framework = load_framework()
    grid_domain(framework, level, domain)  # 404 for a level or domain that does not exist
    items = {item.code: item for item in framework.items[(level, domain)]}
    back = reverse("assessments:grid", args=[level, domain]) + "#files"
    item = items.get(request.POST.get("item", ""))
    if item is None:
        messages.error(request, "Nothing was stored: choose which item the file is for.")
        return redirect(back)
    return _upload(request, back, item=(item.level, item.domain, item.competency_id))


@require_POST
def file_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Delete one of one's own files."""
    found = access.own_file(request, pk)
    back = found.back_url
    services.delete_file(evidence=found)
    audit.event("portfolio.file_deleted", request, file=pk)
    messages.success(request, f"Deleted {found.name}.")
    return redirect(back)


@require_GET
def evidence_file(request: SignedInRequest, pk: int, name: str) -> StreamingHttpResponse:
    """A file, to its owner, or to a team's manager while its owner shares evidence:
    always as a download (never shown inline), never cached."""
    found = access.evidence_file(request, pk)
    if found.owner_id != request.user.pk:
        audit.event("evidence.file_read", request, file=pk, owner=found.owner_id)
    response = downloads.attachment(
        found.file.open("rb"),
        filename=files.named_for(found.name, found.content_type),  # and files from before
        content_type=found.content_type,
    )
    # Uploaded content: even opened by hand, it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def dates_ics(request: SignedInRequest) -> HttpResponse:
    """The person's renewal, application-window and appraisal dates for a calendar."""
    registration = pages.registration_of(request.user)
    stamp = timezone.now().astimezone(datetime.UTC)
    body = reminders.calendar(registration, pages.rule_of(registration), stamp)
    return downloads.attachment(
        body, filename="imhcf-dates.ics", content_type="text/calendar; charset=utf-8"
    )


@csrf_exempt  # mail clients POST here with no form (RFC 8058); the token is the secret
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe (RFC 8058): a POST stops that kind of e-mail at once, with
    or without signing in; a GET shows a button, so a link scanner cannot unsubscribe."""
    found = reminders.read_token(token)
    if found is None:
        raise Http404("Not found")
    user_id, choice = found
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("Not found")
    done = False
    if request.method == "POST":
        field = "notify_dates" if choice == reminders.DATES else "notify_team"
        Registration.objects.update_or_create(user=user, defaults={field: False})
        done = True
    context = {"label": reminders.CHOICE_LABEL[choice], "done": done}
    return render(request, "assessments/portfolio/unsubscribe.html", context)
