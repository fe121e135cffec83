"""Downloads prepared on the queue (the whole record, the portfolio pack), as a person
gets them: the button's POST, the job's page, then the file."""

from dataclasses import dataclass

from django.test import TestCase
from django.urls import reverse

from assessments.models import Job


@dataclass
class Prepared:
    job: Job
    page: object  # the job's page (a test client response)
    response: object  # the download (a streaming response)
    body: bytes


def prepared_download(client, name: str) -> Prepared:
    """Ask for the download named `name` (e.g. "assessments:export_zip") as its button
    does, let the task run (eagerly, once the request's transaction commits), open the
    job's page and download the file its button links to."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(reverse(name))
    assert asked.status_code == 302, asked.status_code
    page = client.get(asked["Location"])
    assert page.status_code == 200
    assert page.context["state"] == "ready", page.context["state"]
    response = client.get(page.context["file_url"])
    assert response.status_code == 200, response.status_code
    return Prepared(
        job=page.context["job"],
        page=page,
        response=response,
        body=b"".join(response.streaming_content),
    )
