"""Learning brought in from another system (an xAPI file, a CSV) as proposed training
records: the practitioner's upload, her proposals with Confirm and Discard, and the
record form for one that needs more (its hours). Her proposals come through
access.own_proposal only; nothing here writes a training record but her confirming."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogue.importing import MAX_BYTES, ImportProblem

from .. import downloads
from ..models import TrainingRecord
from ..security import access, audit
from ..security.signed_in import SignedInRequest
from . import learning_import, proposals
from .forms import RecordForm


class LearningFileForm(forms.Form):
    """A file of completed learning; its content is checked by learning_import, and
    every problem is shown beside this field."""

    file = forms.FileField(
        label="File of completed learning (.json or .csv)",
        help_text=f"An xAPI statements file (.json), or a CSV made from the template. At "
        f"most {MAX_BYTES // 1024 // 1024} MB and {learning_import.MAX_STATEMENTS:,} "
        "statements or rows.",
    )

    def clean_file(self) -> "UploadedFile[bytes]":
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".json", ".csv")):
            raise ValidationError("Use an xAPI file (.json) or a CSV file (.csv).", code="bad_type")
        if (upload.size or 0) > MAX_BYTES:
            raise ValidationError(
                f"The file is larger than {MAX_BYTES // 1024 // 1024} MB; split it.",
                code="too_large",
            )
        return upload


def summary(outcome: proposals.Outcome, *, lead: bool = False) -> list[str]:
    """The outcome in sentences a person reads (the lead's page lists who, too)."""
    found = outcome.found
    lines = []
    first = f"{found} completion{'s' if found != 1 else ''} found"
    if outcome.proposed:
        parts = []
        if outcome.recognised:
            courses = "is a course" if outcome.recognised == 1 else "are courses"
            parts.append(f"{outcome.recognised} {courses} in the catalogue")
        if outcome.other:
            parts.append(f"{outcome.other} {'is' if outcome.other == 1 else 'are'} other learning")
        first += ": " + " and ".join(parts) + " (now proposed"
        first += ", for each person to confirm or discard)" if lead else ", for you to confirm)"
    lines.append(first + ".")
    if outcome.duplicates:
        count = len(outcome.duplicates)
        lines.append(
            f"{count} {'was' if count == 1 else 'were'} already in the records or brought in "
            "before, and " + ("is" if count == 1 else "are") + " not proposed again."
        )
    if outcome.not_completions:
        count = outcome.not_completions
        lines.append(
            f"{count} statement{'s were' if count != 1 else ' was'} not a completion "
            "(started, failed or another kind) and left out."
        )
    if outcome.voided:
        count = len(outcome.voided)
        lines.append(
            f"{count} statement{'s were' if count != 1 else ' was'} withdrawn (voided) by the "
            "system that made the file and left out."
        )
    if outcome.more:
        lines.append(
            "The file says the learning system holds more statements than it gave: only "
            "these were read."
        )
    return lines


@require_http_methods(["GET", "POST"])
def bring_in(request: SignedInRequest) -> HttpResponse:
    """Upload an xAPI file or a CSV of her completed learning: each completion of hers
    becomes a proposed record; the file's problems are listed beside the field."""
    user = request.user
    form = LearningFileForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                read = learning_import.read(upload.name, upload.read())
                outcome = proposals.bring_in(read=read, user=user)
            except ImportProblem as problem:
                for error in problem.errors:
                    form.add_error("file", error)
            except proposals.Changed:
                form.add_error(
                    "file", "The same learning was brought in at this moment: upload it again."
                )
            else:
                audit.event(
                    "portfolio.learning_brought_in",
                    request,
                    proposed=len(outcome.proposed),
                    source=read.source,
                )
                messages.success(request, " ".join(summary(outcome)))
                if outcome.refused:
                    messages.warning(request, " ".join(_not_hers(outcome)))
                return redirect("assessments:proposals")
        status = 400
    context = {"form": form, "columns": learning_import.CSV_COLUMNS[:-1]}
    return render(request, "assessments/portfolio/bring_in.html", context, status=status)


def _not_hers(outcome: proposals.Outcome) -> list[str]:
    count = len(outcome.refused)
    who = ", ".join(outcome.refused_learners[:5])
    return [
        f"{count} completion{'s' if count != 1 else ''} could not be matched to an e-mail "
        f"address you have confirmed ({who}): not brought in. Only learning recorded under an "
        "e-mail address you have confirmed on your profile becomes yours."
    ]


@require_GET
def bring_in_template(request: SignedInRequest) -> HttpResponse:
    """The CSV template (header and two example rows)."""
    return downloads.attachment(
        learning_import.template_csv(),
        filename="imhcf-learning-template.csv",
        content_type=downloads.CSV,
    )


@require_GET
def proposal_list(request: SignedInRequest) -> HttpResponse:
    """Her proposed records, each with Confirm and Discard, and Confirm all. One query
    after the session and the user, however many."""
    waiting = proposals.waiting(request.user)
    complete = sum(p.hours is not None for p in waiting)
    context = {"proposals": waiting, "complete": complete}
    return render(request, "assessments/portfolio/proposals.html", context)


@require_POST
def proposal_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    """Make the training record from one proposal; one without its hours opens the
    record form instead, for her to give them."""
    found = access.own_proposal(request, pk)
    try:
        record = proposals.confirm(proposal=found)
    except proposals.Incomplete as incomplete:
        if set(incomplete.errors) == {"hours"}:
            messages.info(request, f"Give the CPD hours of “{found.title}” to confirm it.")
        else:
            messages.info(request, f"“{found.title}” needs a change before it can be confirmed.")
        return redirect("assessments:proposal", pk=found.pk)
    except proposals.Decided:
        messages.info(request, f"“{found.title}” was already decided.")
        return redirect("assessments:proposals")
    audit.event("portfolio.proposal_confirmed", request, record=record.pk, proposal=found.pk)
    messages.success(request, f"Recorded “{record.title}” in your portfolio.")
    return redirect("assessments:proposals")


@require_http_methods(["GET", "POST"])
def proposal(request: SignedInRequest, pk: int) -> HttpResponse:
    """One proposal in the record form, to give what it lacks (or change anything)
    before confirming it."""
    found = access.own_proposal(request, pk)
    if request.method == "POST":
        try:
            record = proposals.confirm(proposal=found, data=request.POST)
        except proposals.Incomplete:
            pass  # the form below, bound to what she typed, shows each error
        except proposals.Decided:
            messages.info(request, f"“{found.title}” was already decided.")
            return redirect("assessments:proposals")
        else:
            audit.event(
                "portfolio.proposal_confirmed", request, record=record.pk, proposal=found.pk
            )
            messages.success(request, f"Recorded “{record.title}” in your portfolio.")
            return redirect(record)
    if request.method == "POST":
        form = RecordForm(request.POST, used=0, instance=TrainingRecord(user=request.user))
    else:
        initial = proposals.record_data(found)
        form = RecordForm(used=0, instance=TrainingRecord(user=request.user), initial=initial)
    form.fields.pop("file")  # files are added to the record once it is made
    context = {"form": form, "proposal": found}
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/portfolio/proposal_form.html", context, status=status)


@require_POST
def proposal_discard(request: SignedInRequest, pk: int) -> HttpResponse:
    """Discard one proposal: it is not proposed again from the same file."""
    found = access.own_proposal(request, pk)
    try:
        proposals.discard(proposal=found)
    except proposals.Decided:
        messages.info(request, f"“{found.title}” was already decided.")
    else:
        audit.event("portfolio.proposal_discarded", request, proposal=found.pk)
        messages.success(request, f"Discarded “{found.title}”: it is not in your records.")
    return redirect("assessments:proposals")


@require_POST
def proposal_confirm_all(request: SignedInRequest) -> HttpResponse:
    """Confirm every proposal that has what a record needs; say which still need hours."""
    done = proposals.confirm_all(user=request.user)
    audit.event("portfolio.proposals_confirmed", request, records=len(done.records))
    count = len(done.records)
    messages.success(
        request,
        f"Recorded {count} training record{'s' if count != 1 else ''} in your portfolio.",
    )
    if done.incomplete:
        left = len(done.incomplete)
        messages.info(
            request,
            "1 proposal needs its CPD hours before it can be confirmed: open it below."
            if left == 1
            else f"{left} proposals need their CPD hours before they can be confirmed: "
            "open each below.",
        )
    return redirect("assessments:proposals")
