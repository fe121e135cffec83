"""A learning platform sends an organisation's completed learning as xAPI statements with
a write key: each completion of a person on its teams becomes a proposal she confirms
or discards, nothing is applied by the call, and the same statements again propose
nothing new."""

import json
from pathlib import Path

import pytest
from django.test import Client

from assessments.models import ProposedRecord, TrainingRecord
from tests.factories import TeamFactory, api_key

pytestmark = pytest.mark.django_db

TEAM_FILE = Path(__file__).parent.parent / "assessments" / "xapi" / "team_statements.json"


def send(team, key: str, body) -> object:
    return Client().post(
        f"/api/v1/organisations/{team.organisation_id}/learning/",
        json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        headers={"authorization": f"Api-Key {key}"},
    )


@pytest.fixture
def write_key(team, tess) -> str:
    return api_key(team.organisation, scope="write", made_by=tess)[1]


def test_a_platform_s_statements_become_proposals_for_the_organisation_s_people(
    team, alice, bob, tess, write_key
):
    statements = json.loads(TEAM_FILE.read_text())

    response = send(team, write_key, statements)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["found"], body["proposed"], body["people"]) == (3, 2, 2)
    assert body["not_members"] == ["sam.stranger@elsewhere.example"]
    assert {p.user for p in ProposedRecord.objects.all()} == {alice, bob}
    assert all(p.brought_by == tess for p in ProposedRecord.objects.all())
    assert not TrainingRecord.objects.exists()  # nothing applied: each waits for her

    again = send(team, write_key, {"statements": statements, "more": ""}).json()

    assert again["proposed"] == 0 and again["not_again"] == 2
    assert "alice@example.org" not in json.dumps(again)  # nothing said of whose or why
    assert ProposedRecord.objects.count() == 2


def test_a_read_key_cannot_send_learning_and_another_organisation_s_key_gets_404(team, alice, tess):
    statements = json.loads(TEAM_FILE.read_text())
    _, read = api_key(team.organisation, scope="read", made_by=tess)
    other = TeamFactory(name="West", organisation__name="Trust B")
    _, theirs = api_key(other.organisation, scope="write")

    assert send(team, read, statements).status_code == 403
    assert send(team, theirs, statements).status_code == 404
    assert not ProposedRecord.objects.exists()


@pytest.mark.parametrize(
    "body, said",
    [
        ({"statements": "nope"}, "not xAPI statements"),
        ([{"id": "x", "actor": {}, "verb": {}, "object": {}}], "statement 1"),
        (
            {"statements": [{"verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}}]},
            "statement 1",
        ),
    ],
)
def test_statements_with_a_problem_are_a_400_naming_it_and_propose_nothing(
    team, alice, write_key, body, said
):
    response = send(team, write_key, body)

    assert response.status_code == 400
    assert any(said in error for error in response.json()["errors"]), response.json()
    assert not ProposedRecord.objects.exists()


def statement(**changes) -> dict:
    """One completion by Alice, with `changes` made to it."""
    made = {
        "actor": {"mbox": "mailto:alice@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "https://learning.example/a", "definition": {"name": {"en": "A"}}},
        "timestamp": "2026-03-05T16:00:00Z",
    }
    return made | changes


@pytest.mark.parametrize(
    "body",
    [
        "[" * 200_000,  # brackets nested past what any reader follows
        [statement(result={"duration": "PT" + "9" * 40 + "H"})],  # a length past reason
        [statement(timestamp="0001-01-01T00:00:00+14:00")],  # before the first day there is
        [statement(timestamp="9999-12-31T23:59:59-14:00")],  # after the last
    ],
)
def test_statements_no_reader_could_use_are_a_4xx_or_read_without_the_odd_part_never_a_500(
    team, alice, write_key, body
):
    response = send(team, write_key, body)

    assert response.status_code in (200, 400), response.content[:300]
    assert response["Content-Type"] == "application/json"


def test_a_sender_learns_nothing_of_what_a_person_has_recorded(team, alice, tess, write_key):
    first = send(team, write_key, [statement()]).json()
    proposal = ProposedRecord.objects.get()
    assert "sent by a program" in proposal.file_name

    again = send(team, write_key, [statement(id="6690e6c9-3ef0-4ed3-8b37-7f3964730bee")]).json()

    assert first["proposed"] == 1 and again["proposed"] == 0 and again["not_again"] == 1
    assert set(again) == set(first)  # the same fields: no reason, no name
