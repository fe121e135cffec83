"""The organisation API's reads (/api/v1/organisations/…): a training lead (or a key of
her organisation) sees its teams, members' statuses, tallies and team plans with the
pages' own figures; never a member's evidence; nobody else sees anything; bad input is a
400 in JSON; query counts stay flat as teams and members grow."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework import serializers

from assessments.items import load_framework
from assessments.models import Membership, Rating, Status
from assessments.plans.offers import read_offers
from assessments.teams import reports, tallies
from assessments.teams.budget_plan import answered_team_plan
from tests.assessments.helpers import rate
from tests.factories import (
    MembershipFactory,
    TeamFactory,
    TrainingLeadFactory,
    UserFactory,
    api_key,
    with_authenticator,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

NOTE = "PRIVATE-EVIDENCE-7f3a: saw a mother settle her baby at the clinic"


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def key_header(key: str) -> dict:
    return {"authorization": f"Api-Key {key}"}


@pytest.fixture
def rated(team, alice, bob):
    """North locality: Alice has achieved Domain 2 at Level 1 (with an evidence note),
    Bob works towards it; Carl, a third member, has rated nothing. Three members, so
    the organisation page shows the team's figures."""
    carl = UserFactory(username="carl", first_name="Carl", last_name="Ash", job_role="midwife")
    MembershipFactory(team=team, user=carl)
    rate(alice, {(1, 2): (Status.ACHIEVED, NOTE), (1, 3): (Status.ACHIEVED, NOTE)})
    rate(bob, {(1, 2): (Status.WORKING_TOWARDS, NOTE)})
    return team


def test_a_lead_lists_her_organisation_and_a_key_its_one(client, tess, team):
    TeamFactory(organisation__name="Trust B")
    client.force_login(tess)
    data = client.get(url("organisations")).json()
    assert [(o["id"], o["name"]) for o in data] == [(team.organisation_id, "Trust A")]
    client.logout()
    _, key = api_key(team.organisation)
    data = client.get(url("organisations"), headers=key_header(key)).json()
    assert [o["name"] for o in data] == ["Trust A"]
    assert data[0]["detail"].endswith(url("organisation", team.organisation_id))


def test_the_organisation_says_its_teams_and_members_as_its_page_does(client, tess, rated):
    client.force_login(tess)
    data = client.get(url("organisation", rated.organisation_id)).json()
    assert data["name"] == "Trust A"
    assert data["teams"] == 1
    assert data["member_places"] == 3  # Alice, Bob, Carl: members, not managers
    assert [lv["number"] for lv in data["levels"]] == [1, 2, 3]


def test_teams_share_achieved_is_the_organisation_pages(client, tess, rated):
    small = TeamFactory(name="Baby room", organisation=rated.organisation)
    MembershipFactory(team=small, user__username="dee")
    client.force_login(tess)
    data = client.get(url("organisation_teams", rated.organisation_id)).json()
    assert data["count"] == 2
    by_name = {t["name"]: t for t in data["results"]}
    assert by_name["North locality"]["members"] == 3
    framework = load_framework()
    for level in (1, 2, 3):
        page = reports.organisation_overview(rated.organisation, framework, level=level)
        for row in page.page.object_list:
            mine = by_name[row.team.name]["levels"][level - 1]
            assert [d["percent"] for d in mine["by_domain"]] == row.percents
    north_1 = by_name["North locality"]["levels"][0]
    assert north_1["by_domain"][1] == {"domain": 2, "percent": 33}  # 1 of 3 members
    # A team of one shows no figures (it would single her out), never 0.
    assert by_name["Baby room"]["levels"][0]["percent"] is None
    assert {d["percent"] for d in by_name["Baby room"]["levels"][0]["by_domain"]} == {None}


def test_members_say_each_status_and_when_it_was_saved(client, tess, rated, alice, manager):
    client.force_login(tess)
    data = client.get(url("team_members", rated.organisation_id, rated.pk)).json()
    people = {p["name"]: p for p in data["results"]}
    assert set(people) == {"alice", "bob", "Carl Ash", "mina"}
    mine = people["alice"]
    assert (mine["email"], mine["job_role"], mine["role"]) == (
        "alice@example.org",
        "health_visitor",
        "member",
    )
    by_code = {s["code"]: s for s in mine["statuses"]}
    assert by_code["D2"]["status"] == "achieved" and by_code["D2"]["status_label"] == "Achieved"
    saved = Rating.objects.get(user=alice, level=1, domain=2, competency=None).updated_at
    assert by_code["D2"]["changed_at"] == serializers.DateTimeField().to_representation(saved)
    assert by_code["D4"] == {
        "code": "D4",
        "status": "not_assessed",
        "status_label": "Not yet assessed",
        "changed_at": None,
    }
    assert {s["code"]: s["status"] for s in people["bob"]["statuses"]}["D2"] == "working_towards"
    assert people["mina"]["role"] == "manager" and people["mina"]["statuses"] is None
    level_2 = client.get(url("team_members", rated.organisation_id, rated.pk), {"level": 2})
    assert {s["status"] for s in level_2.json()["results"][0]["statuses"]} == {"not_assessed"}


def test_the_tally_counts_as_the_team_report_does(client, tess, rated):
    client.force_login(tess)
    data = client.get(url("team_tally", rated.organisation_id, rated.pk), {"level": 1}).json()
    framework = load_framework()
    report = reports.team_report(rated, framework, level=1)
    assert data["members"] == report.member_count == 3
    assert [(d["domain"], d["achieved"], d["possible"], d["percent"]) for d in data["domains"]] == [
        (d.number, d.achieved, d.possible, d.percent) for d in report.summaries
    ]
    counts = tallies.team_counts(rated.pk, level=1)
    by_code = {i["code"]: i for i in data["items"]}
    assert by_code["D2"]["achieved"] == 1 and by_code["D2"]["missing"] == 2
    assert all(
        i["achieved"] == counts.achieved.get(item.ref, 0)
        for i, item in zip(data["items"], framework.items_at(1), strict=True)
    )


def test_the_team_plan_is_the_pages(client, tess, rated):
    client.force_login(tess)
    data = client.get(url("team_plan", rated.organisation_id, rated.pk), {"level": 1}).json()
    plan, answer = answered_team_plan(rated, load_framework(), read_offers(), level=1)
    assert data["member_count"] == plan.member_count == 3
    assert [c["key"] for c in data["courses"]] == [c.option.key for c in plan.courses]
    assert [c["members"] for c in data["courses"]] == [c.members for c in plan.courses]
    assert data["closes"] == answer.closes and data["reaches"] == answer.reaches
    assert (data["total_standard"], data["total_nhs_funded"]) == (
        answer.total_standard,
        answer.total_nhs,
    )
    assert data["member_gaps"] == answer.member_gaps
    page = client.get(reverse("assessments:team_plan", args=[rated.pk])).content.decode()
    assert data["summary"] in " ".join(page.split())
    for course in data["courses"]:
        fee = course["standard"]
        # A fee nobody published is null beside "not published", never 0.
        assert (fee["each"] is None) == (fee["label"] == "not published")
        assert (fee["total"] is None) == (fee["label"] == "not published")
        for taught in course["teaches"]:
            assert taught["sources"] and all(s["reason"] for s in taught["sources"])
    assert data["courses"]


def test_a_members_evidence_never_appears_in_any_answer(client, tess, rated, manager):
    Membership.objects.filter(team=rated).update(shares_evidence=True)
    org, pk = rated.organisation_id, rated.pk
    for who in (tess, manager):  # a manager of the team reads it on the pages, never here
        client.force_login(who)
        for name, args in [
            ("organisations", ()),
            ("organisation", (org,)),
            ("organisation_teams", (org,)),
            ("team_members", (org, pk)),
            ("team_tally", (org, pk)),
            ("team_plan", (org, pk)),
        ]:
            response = client.get(url(name, *args))
            if who is tess:
                assert response.status_code == 200, name
            assert b"PRIVATE-EVIDENCE" not in response.content, name


def test_nobody_but_the_organisations_lead_or_its_key_gets_in(client, rated, tess, manager, bob):
    other_lead = with_authenticator(UserFactory(username="uma"))
    TrainingLeadFactory(organisation__name="Trust B", user=other_lead)
    other_team = TeamFactory(name="East", organisation__name="Trust B")
    org, pk = rated.organisation_id, rated.pk
    urls = [
        url("organisation", org),
        url("organisation_teams", org),
        url("team_members", org, pk),
        url("team_tally", org, pk),
        url("team_plan", org, pk),
    ]
    # Another organisation's lead, a practitioner, and the team's own manager who leads
    # nothing: the organisation is missing for them.
    for person in (other_lead, bob, manager):
        client.force_login(person)
        for each in urls:
            response = client.get(each)
            assert response.status_code == 404, (person.username, each)
            assert response["Content-Type"] == "application/json"
    client.logout()
    for each in [*urls, url("organisations")]:
        response = client.get(each)
        assert response.status_code in (401, 403), each
        assert response["Content-Type"] == "application/json"
    # Her own organisation with another organisation's team in the URL: missing.
    client.force_login(tess)
    assert client.get(url("team_members", org, other_team.pk)).status_code == 404
    assert client.get(url("team_plan", org, other_team.pk)).status_code == 404
    # A key reads its own organisation only.
    client.logout()
    _, key = api_key(rated.organisation)
    assert client.get(url("team_tally", org, pk), headers=key_header(key)).status_code == 200
    elsewhere = url("team_tally", other_team.organisation_id, other_team.pk)
    assert client.get(elsewhere, headers=key_header(key)).status_code == 404


@pytest.mark.parametrize(
    "name, query, field",
    [
        ("team_members", {"level": "7"}, "level"),
        ("team_members", {"level": "one"}, "level"),
        ("team_members", {"page": "many"}, "page"),
        ("team_members", {"page": "99"}, "page"),
        ("team_tally", {"level": "0"}, "level"),
        ("team_tally", {"level": "x" * 10_000}, "level"),
        ("team_plan", {"objective": "fastest"}, "objective"),
        ("team_plan", {"level": "true"}, "level"),
        ("organisation_teams", {"page": "-1"}, "page"),
    ],
)
def test_bad_query_strings_get_a_400_naming_the_field(client, tess, rated, name, query, field):
    client.force_login(tess)
    args = (
        (rated.organisation_id,)
        if name == "organisation_teams"
        else (rated.organisation_id, rated.pk)
    )
    response = client.get(url(name, *args), query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


def test_a_nul_in_the_query_string_is_a_400_before_any_view(client, tess, rated):
    client.force_login(tess)
    response = client.get(url("team_members", rated.organisation_id, rated.pk), {"level": "1\x00"})
    assert response.status_code == 400  # the site's own guard (security.middleware)


def test_reads_refuse_writes(client, tess, rated):
    client.force_login(tess)
    response = client.post(url("team_tally", rated.organisation_id, rated.pk), {})
    assert response.status_code == 405


def _grow(team, members: int) -> None:
    for i in range(members):
        user = UserFactory(username=f"{team.name}-{i}", job_role="health_visitor")
        MembershipFactory(team=team, user=user)
        if i % 2:
            rate(user, {(1, 2): (Status.ACHIEVED, NOTE)})


def test_query_counts_stay_flat_as_the_team_grows(client, tess, team):
    """Pinned, each with the session's and the person's two queries and the
    organisation's one: members 9 (the team, the framework's 2, the count, the page,
    its ratings), tally 7, plan 10, teams 10, organisation 6, organisations 3."""
    client.force_login(tess)
    org = team.organisation
    counts = []
    for size in (5, 50):
        grown = TeamFactory(name=f"Team of {size}", organisation=org)
        _grow(grown, size)
        TeamFactory.create_batch(size // 5, organisation=org)
        counts.append(
            {
                name: count_queries(client, url(name, *args))
                for name, args in [
                    ("organisations", ()),
                    ("organisation", (org.pk,)),
                    ("organisation_teams", (org.pk,)),
                    ("team_members", (org.pk, grown.pk)),
                    ("team_tally", (org.pk, grown.pk)),
                    ("team_plan", (org.pk, grown.pk)),
                ]
            }
        )
    assert counts[0] == counts[1]
    assert counts[0] == {
        "organisations": 3,
        "organisation": 6,
        "organisation_teams": 10,
        "team_members": 9,
        "team_tally": 7,
        "team_plan": 10,
    }


def test_a_lead_who_has_not_given_her_second_factor_is_told_so(client, team):
    lead = UserFactory(username="lee")  # no authenticator: a password-only sign-in
    TrainingLeadFactory(organisation=team.organisation, user=lead)
    client.force_login(lead)
    for each in (url("organisations"), url("organisation_teams", team.organisation_id)):
        response = client.get(each)
        assert response.status_code == 403, each
        assert "second factor" in response.json()["detail"]


def test_the_openapi_description_documents_every_organisation_endpoint(client):
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    mine = {
        "/api/v1/organisations/",
        "/api/v1/organisations/{id}/",
        "/api/v1/organisations/{id}/teams/",
        "/api/v1/organisations/{id}/teams/{team}/members/",
        "/api/v1/organisations/{id}/teams/{team}/tally/",
        "/api/v1/organisations/{id}/teams/{team}/plan/",
        "/api/v1/organisations/{id}/staff/",
    }
    assert mine <= set(paths)
    text = str([paths[path] for path in mine]).lower()
    for word in ("seed", "loaded", "solved", "queries", "queryset"):
        assert word not in text, word


def test_members_come_25_a_page_as_on_the_team_report(client, tess, team):
    _grow(team, 30)
    client.force_login(tess)
    first = client.get(url("team_members", team.organisation_id, team.pk)).json()
    assert first["count"] == 32 and len(first["results"]) == 25  # Alice, Bob and 30
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 7 and second["next"] is None
    named = [p["name"] for p in first["results"] + second["results"]]
    assert len(set(named)) == 32


def test_with_a_key_query_counts_stay_flat_too(team):
    """A program's calls: the key's one query (it comes with its organisation) instead of
    the session's, the person's and the organisation's three."""
    _, key = api_key(team.organisation)
    program = Client(headers=key_header(key))
    program.get(url("organisations"))  # its last use written (once a minute at most)
    org = team.organisation
    counts = []
    for size in (5, 50):
        grown = TeamFactory(name=f"Team of {size}", organisation=org)
        _grow(grown, size)
        counts.append(
            [
                count_queries(program, url(name, *args))
                for name, args in [
                    ("organisations", ()),
                    ("organisation_teams", (org.pk,)),
                    ("team_members", (org.pk, grown.pk)),
                    ("team_tally", (org.pk, grown.pk)),
                    ("team_plan", (org.pk, grown.pk)),
                ]
            ]
        )
    assert counts[0] == counts[1] == [1, 8, 7, 5, 8]
