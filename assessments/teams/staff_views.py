"""A training lead's pages (admins' too): who is on a team and in what role, new teams,
invitations as member or manager, and the staff import. Every page comes through
access.organisation or access.led_team, so another organisation's lead gets 404."""

import hashlib
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from catalogue.importing import ImportProblem

from .. import downloads
from ..models import INVITE_DAYS, Invite, Job, Membership
from ..security import access, audit
from ..tasks import invitations
from . import importing, services
from .forms import InviteForm, StaffImportForm, TeamNameForm

PEOPLE_PER_PAGE = 50
IMPORT = "imhcf_staff_import"  # the checked rows between preview and confirmation


def _link(request, invite: Invite) -> str:
    return invitations.link(request.build_absolute_uri("/").rstrip("/"), invite)


@require_GET
def people(request, pk):
    """Who is on the team, as member or manager, a page at a time; the open invitations;
    and forms to change a role, take someone off, or invite someone."""
    team = access.led_team(request, pk)
    paginator = Paginator(
        Membership.objects.filter(team=team).select_related("user").in_member_order(),
        PEOPLE_PER_PAGE,
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    open_invites = list(
        Invite.objects.filter(team=team, used_at__isnull=True).order_by("-created_at")[:50]
    )
    context = {
        "team": team,
        "page": page,
        "invites": open_invites,
        "invite_form": InviteForm(),
        "invite_days": INVITE_DAYS,
        "now": timezone.now(),
    }
    return render(request, "assessments/people.html", context)


@require_http_methods(["POST"])
def change_person(request, pk, member_id):
    """Make someone a manager or a member, or take them off the team."""
    team = access.led_team(request, pk)
    membership = Membership.objects.select_related("user").filter(team=team, user_id=member_id)
    membership = membership.first()
    if membership is None:
        audit.event("access.refused", request, object=f"team:{team.pk}/person:{member_id}")
        raise Http404("Not found")
    action = request.POST.get("action")
    name = membership.user.display_name
    if action == "remove":
        services.remove_from_team(membership=membership)
        messages.success(
            request, f"{name} is no longer on {team.name}; their assessment is theirs."
        )
    elif action in Membership.Role.values:
        try:
            services.set_role(membership=membership, role=action, by=request.user)
        except services.SelfPromotion:
            messages.error(
                request,
                "You cannot make yourself one of the team's managers: ask another training "
                "lead or a site admin.",
            )
            return redirect("assessments:people", pk=team.pk)
        messages.success(request, f"{name} is now a {Membership.Role(action).label.lower()}.")
    else:
        messages.error(request, "Choose what to change.")
    audit.event("team.person_changed", request, team=team.pk, person=member_id, action=action)
    return redirect("assessments:people", pk=team.pk)


@require_http_methods(["POST"])
def new_team(request, pk):
    """A new team in the organisation; its people come by invitation or import."""
    organisation = access.organisation(request, pk)
    form = TeamNameForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, form.errors["name"][0])
        return redirect("assessments:organisation", pk=organisation.pk)
    team = services.create_team(organisation=organisation, name=form.cleaned_data["name"])
    audit.event("team.created", request, team=team.pk)
    messages.success(request, f"{team.name} is ready: invite its people.")
    return redirect("assessments:people", pk=team.pk)


def _digest(rows: list[dict]) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:32]


@require_http_methods(["GET", "POST"])
def staff_import(request, pk):
    """Upload a staff list: every problem named by row and field beside the field, or a
    preview of what confirming would do. Nothing is written here."""
    organisation = access.organisation(request, pk)
    form = StaffImportForm(request.POST or None, request.FILES or None)
    steps = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = importing.parse(upload.name, upload.read())
            except ImportProblem as problem:
                for error in problem.errors:
                    form.add_error("file", error)
            else:
                steps = importing.plan(organisation, rows)
                data = importing.to_session(rows)
                request.session[IMPORT] = {
                    "organisation": organisation.pk,
                    "digest": _digest(data),
                    "rows": data,
                    "file": upload.name,
                }
        if steps is None:
            status = 400
    context = {
        "organisation": organisation,
        "form": form,
        "steps": steps,
        "digest": request.session.get(IMPORT, {}).get("digest") if steps else "",
        "invites": sum(step.invite for step in steps or []),
        "new_teams": sum(step.new_team for step in steps or []),
        "unchanged": sum(not step.invite for step in steps or []),
        "columns": importing.COLUMNS,
    }
    return render(request, "assessments/staff_import.html", context, status=status)


@require_http_methods(["POST"])
def staff_import_confirm(request, pk):
    """Write the previewed import (all or nothing) and queue its invitation e-mails; the
    lead then follows them on the sending page. No e-mail is sent in this request."""
    organisation = access.organisation(request, pk)
    kept = request.session.get(IMPORT)
    if (
        not kept
        or kept["organisation"] != organisation.pk
        or kept["digest"] != request.POST.get("digest")
    ):
        messages.error(request, "That preview is no longer current: upload the file again.")
        return redirect("assessments:staff_import", pk=organisation.pk)
    with transaction.atomic():
        done = importing.apply(
            organisation, importing.from_session(kept["rows"]), lead=request.user
        )
        job = invitations.start(
            invites=done.invites,
            lead=request.user,
            organisation=organisation,
            site=request.build_absolute_uri("/").rstrip("/"),
            detail={
                "file": kept["file"],
                "teams": [team.name for team in done.teams],
                "unchanged": done.unchanged,
            },
        )
    del request.session[IMPORT]
    audit.event(
        "staff.imported",
        request,
        organisation=organisation.pk,
        invites=len(done.invites),
        teams=len(done.teams),
        job=job.pk,
    )
    return redirect(job)


SENDING_SHOWN = 200  # names listed on the sending page; the rest are counted


@require_GET
def staff_import_sending(request, pk, job):
    """How far a staff import's invitation e-mails have got: sent, still to send, and
    every one that could not be sent with its link, to pass on another way. Four
    queries after access, whatever the size of the import."""
    organisation = access.organisation(request, pk)
    job = access.import_sending(request, organisation, job)
    invites = Invite.objects.filter(job=job)
    tally = invites.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(mailed_at__isnull=False)),
        refused=Count("pk", filter=~Q(mail_problem="")),
    )
    stopped = job.state == Job.State.FAILED
    not_sent = invites.filter(mailed_at=None)
    if not stopped:
        not_sent = not_sent.exclude(mail_problem="")
    listed = list(
        not_sent.select_related("team").order_by("team__name", "name", "pk")[:SENDING_SHOWN]
    )
    waiting = tally["total"] - tally["sent"] - tally["refused"]
    context = {
        "organisation": organisation,
        "job": job,
        "detail": job.detail,
        "total": tally["total"],
        "sent": tally["sent"],
        "waiting": 0 if stopped else waiting,
        "stopped": stopped,
        "not_sent_count": tally["refused"] + (waiting if stopped else 0),
        "not_sent": [(invite, _link(request, invite)) for invite in listed],
        "invite_days": INVITE_DAYS,
    }
    return render(request, "assessments/staff_import_sending.html", context)


@require_GET
def staff_import_template(request, pk, kind):
    """The staff list template (header and two example rows), as CSV or XLSX."""
    access.organisation(request, pk)
    if kind == "csv":
        body, content_type = importing.template_csv(), downloads.CSV
    elif kind == "xlsx":
        body, content_type = importing.template_xlsx(), downloads.XLSX
    else:
        raise Http404("No such template")
    return downloads.attachment(
        body, filename=f"imhcf-staff-template.{kind}", content_type=content_type
    )
