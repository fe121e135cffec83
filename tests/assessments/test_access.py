"""Another practitioner's view: a practitioner's pages name no object ids, so on every
one of them Bob sees only his own data, never Alice's, and cannot change hers."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Reflection, Registration, TrainingRecord
from tests.assessments.helpers import grid_post, rate
from tests.prepared import prepared_download
from tests.security.helpers import prove_again
from tests.security.test_every_url import OWN_PAGES

pytestmark = pytest.mark.django_db

# A practitioner's own pages (named in the URL walk, tests/security/test_every_url.py,
# which also sends anonymous visitors to sign in) and the grid.
# Downloads prepared on the queue: a GET only goes to the page that offers them, so Bob
# asks for each and reads what he gets (below).
PREPARED = ["assessments:export_zip", "assessments:pack_pdf", "assessments:pack_zip"]
PAGES = {name: [] for name in OWN_PAGES if name.startswith("assessments:") and name not in PREPARED}
PAGES["assessments:grid"] = [1, 1]
PAGES["assessments:reflection_new"] = ["account"]
SECRET = "Alice's private note about a family"


@pytest.fixture
def alices_secrets(alice):
    """Alice Hughes's private note on a rating, a training record and a reflection."""
    alice.first_name, alice.last_name = "Alice", "Hughes"
    alice.save()
    rate(alice, {(1, 1): ("working_towards", SECRET)})
    record = TrainingRecord.objects.create(
        user=alice, title="Hughes study day", finished=datetime.date(2026, 5, 1), hours=6,
        covered=SECRET,
    )  # fmt: skip
    Reflection.objects.create(
        user=alice, kind="account", title="Hughes reflection", record=record,
        happened_on=datetime.date(2026, 5, 2), activity=SECRET,
    )  # fmt: skip
    Registration.objects.create(user=alice, regulator="nmc")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_another_practitioner_never_sees_alices_evidence(client, alices_secrets, bob, name):
    client.force_login(bob)
    prove_again(client)  # deleting the account asks who Bob is again first
    response = client.get(reverse(name, args=PAGES[name]))
    assert response.status_code == 200
    body = response.content.decode("utf-8", errors="ignore")
    assert "Hughes" not in body and "private note" not in body


def readable(body: bytes, filename: str) -> str:
    """The words in a download: a PDF's text, each file of a ZIP's (PDFs read as text)."""
    if filename.endswith(".pdf"):
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if filename.endswith(".zip"):
        archive = zipfile.ZipFile(io.BytesIO(body))
        return " ".join(readable(archive.read(n), n) for n in archive.namelist())
    return body.decode("utf-8", errors="ignore")


@pytest.mark.parametrize("name", PREPARED)
def test_another_practitioner_never_gets_alices_evidence_in_a_prepared_download(
    client, alices_secrets, bob, name
):
    Registration.objects.create(user=bob, regulator="nmc")
    client.force_login(bob)
    got = prepared_download(client, name)
    assert got.job.owner == bob
    words = readable(got.body, got.job.filename)
    assert "bob" in words  # his own: the pack names him, record.json has his username
    assert "Hughes" not in words and "private note" not in words


def test_another_practitioner_cannot_change_alices_ratings(client, alice, bob):
    alice.first_name, alice.last_name = "Alice", "Hughes"
    alice.save()
    rate(alice, {(1, 1): ("working_towards", SECRET)})
    client.force_login(bob)
    client.post(
        reverse("assessments:grid", args=[1, 1]), grid_post(bob, 1, 1, {"D1": ("achieved", "bob")})
    )
    assert alice.ratings.get().evidence == SECRET
    assert bob.ratings.get().evidence == "bob"


def test_posting_without_the_csrf_token_is_refused(alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    response = strict.post(reverse("assessments:grid", args=[1, 1]), {"status-D1": "achieved"})
    assert response.status_code == 403
    assert not alice.ratings.exists()
