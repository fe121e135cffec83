"""Who may see what: every practitioner URL tried anonymously and as another
practitioner. The pages name no object ids, so "another practitioner" must see
only their own data, never Alice's."""

import pytest
from django.urls import reverse

from assessments import urls
from tests.assessments.helpers import grid_post
from tests.assessments.test_pages import rate

pytestmark = pytest.mark.django_db

# Every assessments URL, with example arguments. A new URL fails the guard below
# until it is added here (and so tried by the tests that follow).
URLS = {
    "dashboard": [],
    "profile": [],
    "grid": [1, 1],
    "gaps": [],
    "plan": [],
    "plan_print": [],
    "plan_pdf": [],
    "history": [],
    "export_json": [],
    "export_csv": [],
    "delete_account": [],
    "change_email": [],
}
SECRET = "Alice's private note about a family"
# URLs that take an object id; each is tried with every wrong user in test_teams.py.
OBJECT_URLS = {
    "share",
    "teams",
    "team_report",
    "team_report_csv",
    "team_report_xlsx",
    "team_plan",
    "team_plan_csv",
    "team_plan_xlsx",
    "member_assessment",
    "review",
    "invite",
    "invite_link",
    "organisation",  # staff only: tried in test_teams.py
}


def test_every_assessments_url_is_in_an_access_table():
    assert {p.name for p in urls.urlpatterns} == URLS.keys() | OBJECT_URLS


@pytest.mark.parametrize("name", sorted(URLS))
def test_anonymous_visitor_is_sent_to_sign_in(client, alice, name):
    url = reverse(f"assessments:{name}", args=URLS[name])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(URLS))
def test_another_practitioner_never_sees_alices_evidence(client, alice, bob, name):
    alice.first_name, alice.last_name = "Alice", "Hughes"
    alice.save()
    rate(alice, {(1, 1): ("working_towards", SECRET)})
    client.force_login(bob)
    response = client.get(reverse(f"assessments:{name}", args=URLS[name]))
    assert response.status_code == 200
    body = response.content.decode("utf-8", errors="ignore")
    assert "Hughes" not in body and "private note" not in body


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
    response = strict.post(reverse("assessments:grid", args=[1, 1]), {"s-D1": "achieved"})
    assert response.status_code == 403
    assert not alice.ratings.exists()


def test_evidence_with_markup_is_shown_as_text(client, alice):
    rate(alice, {(1, 1): ("achieved", "<script>alert(1)</script>")})
    client.force_login(alice)
    for name in ("dashboard", "grid", "history", "plan_print"):
        body = client.get(reverse(f"assessments:{name}", args=URLS[name])).content.decode()
        assert "<script>alert(1)</script>" not in body
