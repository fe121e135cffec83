"""Downloads prepared on the queue (tasks/prepared.py): the whole record and the portfolio
pack. Asking is a POST from the page that offers it; the job's page says what is being
prepared and updates itself until the download button shows; the file goes only to its
owner (access.own_job), through downloads.attachment, until it expires."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import downloads
from ..models import Job
from ..security import access
from ..security.signed_in import SignedInRequest
from ..tasks import prepared
from .files import megabytes


def _offered_on(made: prepared.Made) -> str:
    name, _, section = made.offered_on.partition("#")
    return f"{reverse(name)}#{section}"


@require_http_methods(["GET", "POST"])
def ask(request: SignedInRequest, kind: str) -> HttpResponse:
    """Prepare a download (POST), then follow it on its page; a GET, from an old link or
    a bookmark, goes to the page that offers it, where the button asks."""
    made = prepared.KINDS[kind]
    if request.method != "POST":
        return redirect(_offered_on(made))
    return redirect(prepared.start(owner=request.user, kind=kind))


def _state(job: Job) -> str:
    if job.state == Job.State.WAITING:
        return "waiting"
    if job.state == Job.State.FAILED:
        return "failed"
    if not job.file or job.expires_at is None or job.expires_at <= timezone.now():
        return "expired"
    return "ready"


@require_GET
def page(request: SignedInRequest, job: int) -> HttpResponse:
    """A download being prepared: what it is and that the page updates itself, then its
    button; or that it expired or failed, with a button to prepare it again. Three
    queries (session, person, job)."""
    found = access.own_job(request, job)
    made = prepared.KINDS[found.kind]
    state = _state(found)
    context = {
        "job": found,
        "made": made,
        "state": state,
        "back": _offered_on(made),
        "hours": settings.IMHCF_PREPARED_HOURS,
        "size": megabytes(found.detail.get("bytes", 0)) if state == "ready" else "",
        "file_url": reverse("assessments:prepared_file", args=[found.pk, found.filename])
        if state == "ready"
        else "",
    }
    return render(request, "assessments/prepared.html", context)


@require_GET
def download(request: SignedInRequest, job: int, filename: str) -> downloads.Download:
    """A prepared file, to its owner only, until it expires; once gone, its page says
    so and offers to prepare it again."""
    found = access.own_job(request, job)
    if filename != found.filename:
        raise Http404("Not found")
    if _state(found) != "ready":
        return redirect(found)
    try:
        body = found.file.open("rb")
    except FileNotFoundError:  # deleted by the sweep a moment ago
        return redirect(found)
    return downloads.attachment(
        body, filename=found.filename, content_type=prepared.KINDS[found.kind].content_type
    )
