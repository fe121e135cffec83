"""Staff written through the organisation API (POST /api/v1/organisations/<pk>/staff/):
the staff import's checks and messages row by row, all or nothing, its invitations
e-mailed by the same job, idempotent by e-mail (2,000 people sent twice are invited
once), a key that can write or a lead's session, and garbage answered 400, never 500."""

import json
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.models import Invite, Job, Membership, Organisation, Team
from assessments.teams import importing
from catalogue.importing import ImportProblem
from tests.factories import (
    MembershipFactory,
    TeamFactory,
    TrainingLeadFactory,
    UserFactory,
    api_key,
    with_authenticator,
)

pytestmark = pytest.mark.django_db


def staff_url(organisation) -> str:
    return reverse("api:organisation_staff", args=[organisation.pk])


def person(i: int, team: str = "North locality", **changes) -> dict:
    return {
        "name": f"Person {i}",
        "email": f"person{i}@trust-a.example",
        "job_role": "Health visitor",
        "team": team,
        "manager": False,
        **changes,
    }


def post(client, organisation, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(
        staff_url(organisation), data, content_type="application/json", headers=headers
    )


def test_a_lead_invites_staff_and_each_row_says_what_was_done(
    client, tess, team, bob, django_capture_on_commit_callbacks
):
    client.force_login(tess)
    staff = [
        person(1),
        person(2, team="Baby room", manager=True),
        {"name": "Bob", "email": "BOB@example.org", "team": "North locality"},  # on it
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, team.organisation, {"staff": staff})
    assert response.status_code == 201
    data = response.json()
    assert (data["invited"], data["unchanged"], data["new_teams"]) == (2, 1, ["Baby room"])
    assert [(r["row"], r["invited"], r["outcome"]) for r in data["rows"]] == [
        (1, True, "invitation e-mailed"),
        (2, True, "new team; invitation e-mailed"),
        (3, False, "already a member of the team: nothing to do"),
    ]
    job = Job.objects.get(pk=data["job"])
    assert data["sending"].endswith(job.get_absolute_url())
    assert job.owner == tess and job.detail["file"] == "a list sent through the API"
    invite = Invite.objects.get(email="person2@trust-a.example")
    assert (invite.team.name, invite.role, invite.created_by) == ("Baby room", "manager", tess)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "person1@trust-a.example",
        "person2@trust-a.example",
    ]
    # The lead follows them on the import's own sending page.
    page = client.get(data["sending"])
    assert page.status_code == 200 and "a list sent through the API" in page.content.decode()
    # The same list again: nobody new, no new sending, each row says why.
    again = post(client, team.organisation, {"staff": staff}).json()
    assert (again["invited"], again["job"], again["sending"]) == (0, None, None)
    assert again["rows"][0]["outcome"].startswith("already invited on ")
    assert Invite.objects.count() == 2 and Job.objects.count() == 1


def test_row_problems_are_the_imports_own_by_row_and_field_and_nothing_is_written(
    client, tess, team
):
    staff = [
        {"name": "Sam Jones", "email": "sam@trust-a.example", "team": "North locality"},
        {"name": "", "email": "nobody@trust-a.example", "team": "North locality"},
        {"name": "Ann Lee", "email": "not-an-address", "job_role": "Nursery nurse", "team": ""},
        {"name": "Sam Again", "email": "SAM@trust-a.example", "team": "north locality"},
    ]
    client.force_login(tess)
    response = post(client, team.organisation, {"staff": staff})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [
        (2, "name"),
        (3, "email"),
        (3, "job_role"),
        (3, "team"),
        (4, "email"),
    ]
    assert errors[3]["message"] == "empty; name the team"
    assert errors[4]["message"].startswith("SAM@trust-a.example is already on row 1")
    # The same rows as a file: the same messages (the file numbers rows from 2).
    csv = "name,email,job role,team,manager\n" + "".join(
        f"{p['name']},{p['email']},{p.get('job_role', '')},{p['team']},no\n" for p in staff
    )
    with pytest.raises(ImportProblem) as problem:
        importing.parse("staff.csv", csv.encode())
    assert [
        f"Row {e['row'] + 1}, {e['field'].replace('_', ' ')}: {e['message']}".replace(
            "row 1 for", "row 2 for"
        )
        for e in errors
    ] == problem.value.errors
    assert Invite.objects.count() == 0 and Team.objects.count() == 1


@pytest.mark.parametrize(
    "body, row, field, words",
    [
        ("{}", None, "staff", "missing"),
        ("[]", None, "staff", "send an object"),
        ('"staff"', None, "staff", "send an object"),
        ({"staff": "everyone"}, None, "staff", "not a list"),
        ({"staff": []}, None, "staff", "nobody"),
        ({"staff": [person(1)], "extra": 1}, None, "extra", "not a field we know"),
        ({"staff": [person(i) for i in range(2_001)]}, None, "staff", "more than 2,000"),
        ({"staff": ["Sam Jones"]}, 1, "staff", "not an object"),
        ({"staff": [person(1, manager="yes")]}, 1, "manager", "true or false"),
        ({"staff": [person(1, manager=1)]}, 1, "manager", "true or false"),
        ({"staff": [person(1, name=12)]}, 1, "name", "must be text"),
        ({"staff": [person(1, team=["North"])]}, 1, "team", "must be text"),
        ({"staff": [person(1, email=None)]}, 1, "email", "is not an e-mail address"),
        ({"staff": [person(1, name="x" * 100_000)]}, 1, "name", "longer than 300"),
        ({"staff": [person(1, email="a" * 300 + "@x.example")]}, 1, "email", "longer than 254"),
        ({"staff": [person(1, team="North\x00")]}, 1, "team", "control character"),
        ({"staff": [person(1, name="Sam\x00Jones")]}, 1, "name", "control character"),
        ({"staff": [person(1, job_role="x" * 5_000)]}, 1, "job_role", "not one of ours"),
        ({"staff": [{**person(1), "e-mail": "x"}]}, 1, "e-mail", "not a field we know"),
    ],
)
def test_garbage_is_a_400_with_field_errors_never_a_500(
    client, tess, team, body, row, field, words
):
    client.force_login(tess)
    response = post(client, team.organisation, body)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    errors = response.json()["errors"]
    assert any(e["row"] == row and e["field"] == field and words in e["message"] for e in errors)
    assert Invite.objects.count() == 0


@pytest.mark.parametrize(
    "body", ["{not json", "", "[" * 100_000 + "]" * 100_000, '{"staff": NaN}', "\x00\x01"]
)
def test_a_body_that_is_not_json_is_a_400_saying_so(client, tess, team, body):
    client.force_login(tess)
    response = post(client, team.organisation, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert Invite.objects.count() == 0


def test_a_content_length_that_is_not_a_number_is_a_400(client, tess, team):
    client.force_login(tess)
    response = client.generic(
        "POST",
        staff_url(team.organisation),
        json.dumps({"staff": [person(1)]}),
        content_type="application/json",
        CONTENT_LENGTH="lots",
    )
    assert response.status_code == 400, response.content  # read as no body at all
    assert response["Content-Type"] == "application/json"
    assert Invite.objects.count() == 0


def test_10000_people_are_refused_before_they_are_read(client, tess, team):
    client.force_login(tess)
    response = post(client, team.organisation, {"staff": [person(i) for i in range(10_000)]})
    assert response.status_code == 413  # over the API's limit (api.limits): never read
    assert "send fewer rows" in response.json()["detail"]
    assert Invite.objects.count() == 0


def test_a_form_instead_of_json_is_refused_not_an_error(client, tess, team):
    client.force_login(tess)
    response = client.post(staff_url(team.organisation), {"staff": "Sam"})
    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"


def test_a_write_key_invites_in_the_name_of_the_lead_who_made_it(client, tess, team):
    _, read = api_key(team.organisation, made_by=tess)
    _, write = api_key(team.organisation, scope="write", made_by=tess)
    body = {"staff": [person(1)]}
    refused = post(client, team.organisation, body, authorization=f"Api-Key {read}")
    assert refused.status_code == 403 and Invite.objects.count() == 0
    done = post(client, team.organisation, body, authorization=f"Api-Key {write}")
    assert done.status_code == 201 and done.json()["invited"] == 1
    assert Invite.objects.get().created_by == tess
    assert Job.objects.get().owner == tess


def test_a_key_whose_maker_is_gone_invites_in_the_name_of_a_lead_still_there(client, team):
    _, write = api_key(team.organisation, scope="write")  # its maker's account is gone
    body = {"staff": [person(1)]}
    response = post(client, team.organisation, body, authorization=f"Api-Key {write}")
    assert response.status_code == 403 and "no training lead" in response.json()["detail"]
    assert Invite.objects.count() == 0
    first = TrainingLeadFactory(organisation=team.organisation).user
    TrainingLeadFactory(organisation=team.organisation)
    response = post(client, team.organisation, body, authorization=f"Api-Key {write}")
    assert response.status_code == 201
    assert Invite.objects.get().created_by == first == Job.objects.get().owner


def test_nobody_else_writes_staff(client, team, tess, manager, bob):
    uma = with_authenticator(UserFactory(username="uma"))
    TrainingLeadFactory(organisation__name="Trust B", user=uma)
    for who in (uma, manager, bob):
        client.force_login(who)
        assert post(client, team.organisation, {"staff": [person(1)]}).status_code == 404
    client.logout()
    response = post(client, team.organisation, {"staff": [person(1)]})
    assert response.status_code in (401, 403)
    _, other_key = api_key(uma.leads.get().organisation, scope="write", made_by=uma)
    response = post(
        client, team.organisation, {"staff": [person(1)]}, authorization=f"Api-Key {other_key}"
    )
    assert response.status_code == 404
    assert Invite.objects.count() == 0


def test_2000_staff_written_twice_leave_one_set_of_invitations(
    client, tess, team, django_capture_on_commit_callbacks
):
    """The import's limit, sent twice: 2,000 invitations, one sending job, 40 batches
    queued (50 e-mails each) and 2,000 e-mails, not 4,000."""
    MembershipFactory(team=team, user=UserFactory(email="person6@trust-a.example"))
    staff = [person(i, team=("North locality", "Baby room")[i % 2]) for i in range(2_000)]
    client.force_login(tess)
    with django_capture_on_commit_callbacks(execute=True) as first_queued:
        first = post(client, team.organisation, {"staff": staff})
    assert first.status_code == 201
    assert first.json()["invited"] == 1_999  # person 6 is on North already
    assert first.json()["new_teams"] == ["Baby room"]
    with django_capture_on_commit_callbacks(execute=True) as second_queued:
        second = post(client, team.organisation, {"staff": staff})
    assert second.status_code == 201
    assert (second.json()["invited"], second.json()["unchanged"]) == (0, 2_000)
    assert Invite.objects.count() == 1_999
    assert Invite.objects.filter(mailed_at__isnull=False).count() == 1_999
    assert Job.objects.filter(kind=Job.Kind.INVITATIONS).count() == 1
    assert len(first_queued) == 40 and len(second_queued) == 0
    assert len(mail.outbox) == 1_999
    assert len({m.to[0] for m in mail.outbox}) == 1_999
    assert Membership.objects.count() == 3  # nobody is put on a team until they accept


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_list_at_the_same_moment_invite_once(catalogue, settings):
    """PostgreSQL: both requests run at once on their own connections; the lock on the
    organisation's row makes the second wait and find the first's invitations."""
    team = TeamFactory(name="North locality", organisation=Organisation.named("Trust A"))
    lead = with_authenticator(UserFactory(username="tess"))
    TrainingLeadFactory(organisation=team.organisation, user=lead)
    staff = {"staff": [person(i) for i in range(50)]}
    answers = []
    start = threading.Barrier(2)

    def send():
        try:
            client = Client()
            client.force_login(lead)
            start.wait()
            answers.append(post(client, team.organisation, staff).json()["invited"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [0, 50]
    assert Invite.objects.count() == 50
    assert Job.objects.filter(kind=Job.Kind.INVITATIONS).count() == 1
