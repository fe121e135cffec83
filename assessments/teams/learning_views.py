"""A training lead brings in a file of completed learning (xAPI or CSV) covering many
of her organisation's staff. Each completion whose learner's proved address is a
person on one of the organisation's teams becomes a proposed record for that person,
who confirms or discards it on her own portfolio; any other address is listed back and
never applied. The lead sees only the summary: never anyone's portfolio or records."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from catalogue.importing import ImportProblem

from .. import downloads
from ..portfolio import learning_import, proposals
from ..portfolio.learning_views import LearningFileForm, summary
from ..security import access, audit
from ..security.signed_in import SignedInRequest

REFUSED_SHOWN = 200  # addresses listed back; the rest are counted


@require_http_methods(["GET", "POST"])
def learning_import_page(request: SignedInRequest, pk: int) -> HttpResponse:
    """Upload the file: its problems beside the field (nothing written), or what was
    proposed to whom in numbers and the addresses that match nobody."""
    organisation = access.organisation(request, pk)
    form = LearningFileForm(request.POST or None, request.FILES or None)
    outcome = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                read = learning_import.read(upload.name, upload.read(), emails=True)
                outcome = proposals.bring_in(
                    read=read, user=request.user, organisation=organisation
                )
            except ImportProblem as problem:
                for error in problem.errors:
                    form.add_error("file", error)
            except proposals.Changed:
                form.add_error(
                    "file", "The same learning was brought in at this moment: upload it again."
                )
            else:
                audit.event(
                    "organisation.learning_brought_in",
                    request,
                    organisation=organisation.pk,
                    proposed=len(outcome.proposed),
                    refused=len(outcome.refused),
                )
        if outcome is None:
            status = 400
    people = len({p.user.pk for p in outcome.proposed}) if outcome else 0
    refused = outcome.refused_learners if outcome else []
    context = {
        "organisation": organisation,
        "form": form,
        "outcome": outcome,
        "lines": summary(outcome, lead=True) if outcome else [],
        "people": people,
        "refused": refused[:REFUSED_SHOWN],
        "refused_more": max(len(refused) - REFUSED_SHOWN, 0),
        "columns": learning_import.CSV_COLUMNS,
    }
    return render(request, "assessments/learning_import.html", context, status=status)


@require_GET
def learning_import_template(request: SignedInRequest, pk: int) -> HttpResponse:
    """The CSV template for a lead's file: every row names the person by e-mail."""
    access.organisation(request, pk)
    return downloads.attachment(
        learning_import.template_csv(emails=True),
        filename="imhcf-staff-learning-template.csv",
        content_type=downloads.CSV,
    )
