"""Organisations are records (issue 12, item 1 in part): the migration turns each
team's organisation text into a record without losing a word, and back again."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assessments", "0009_user_session_stamp")]
AFTER = [("assessments", "0010_organisation_records")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_each_teams_organisation_over_and_back():
    try:
        old = migrate(BEFORE)
        Team = old.get_model("assessments", "Team")
        # The Team of before the migration, from its state: no factory builds that.
        Team.objects.create(name="North", organisation="Trust A")  # historical model
        Team.objects.create(name="South", organisation="Trust A")  # historical model
        Team.objects.create(name="East", organisation="Health Board B")  # historical model
        new = migrate(AFTER)
        Organisation = new.get_model("assessments", "Organisation")
        Team = new.get_model("assessments", "Team")
        assert sorted(Organisation.objects.values_list("name", flat=True)) == [
            "Health Board B",
            "Trust A",
        ]
        by_team = dict(Team.objects.values_list("name", "organisation__name"))
        assert by_team == {"North": "Trust A", "South": "Trust A", "East": "Health Board B"}
        back = migrate(BEFORE)
        Team = back.get_model("assessments", "Team")
        assert dict(Team.objects.values_list("name", "organisation")) == {
            "North": "Trust A",
            "South": "Trust A",
            "East": "Health Board B",
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_tally_migration_counts_what_is_already_there(catalogue, team, alice, bob):
    """Teams with members and ratings before the tallies existed get them on migrating,
    and so do each person's achievements (migration 0015)."""
    from assessments.models import Achieved
    from assessments.teams import tallies
    from tests.assessments.helpers import rate

    rate(alice, {(1, 1): ("achieved", ""), (2, 3): ("achieved", "")})
    rate(bob, {(1, 1): ("achieved", "")})
    try:
        migrate([("assessments", "0010_organisation_records")])
        migrate([("assessments", "0011_team_tallies")])
        assert tallies.stored() == {k: v for k, v in tallies.counted().items() if v}
        assert tallies.team_counts(team.pk, level=1).achieved == {-1: 2}
        migrate([("assessments", "0014_member_order_index")])
        migrate([("assessments", "0015_achieved_per_member")])
        assert tallies.drift() == []
        assert Achieved.objects.get(user=alice, level=2).refs == "-3"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_competencies_migration_counts_what_is_there_and_goes_back(catalogue, team, alice):
    """Migration 0023 counts the competencies each team has achieved per level from the
    tallies already there, its triggers keep them, and going back leaves the tallies of
    0011 (kept by its triggers again)."""
    from assessments.items import load_framework
    from assessments.models import Rating, TeamTally
    from assessments.ops.demo import build_full_framework
    from assessments.teams import tallies
    from tests.assessments.helpers import rate

    build_full_framework()
    competencies = len(load_framework().items[(1, 1)])
    rate(alice, {(1, 1): ("achieved", "")})
    at_0023 = {"team_id": team.pk, "level": 1, "ref": 0}
    try:
        migrate([("assessments", "0022_background_work")])
        assert not TeamTally.objects.filter(**at_0023).exists()
        rate(alice, {(1, 2): ("achieved", "")})  # kept by 0011's triggers
        migrate([("assessments", "0023_team_tally_competencies")])
        both = competencies + len(load_framework().items[(1, 2)])
        assert TeamTally.objects.get(**at_0023).people == both
        assert tallies.drift() == []
        ratings = Rating.objects.filter(user=alice, level_id=1)
        ratings.filter(domain_id=2).update(status="working_towards")  # 0023's triggers
        assert TeamTally.objects.get(**at_0023).people == competencies
        migrate([("assessments", "0022_background_work")])
        assert not TeamTally.objects.filter(**at_0023).exists()
        ratings.update(status="working_towards")  # 0011's triggers again
        assert not TeamTally.objects.filter(**at_0023).exists()
        assert TeamTally.objects.filter(team=team, level=1).exclude(people=0).count() == 0
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert tallies.drift() == []


# Training leads: an organisation's own people in charge of its teams.

from django.urls import reverse  # noqa: E402

from assessments.models import Membership, Organisation  # noqa: E402
from assessments.security import two_factor  # noqa: E402
from tests.assessments.helpers import rate  # noqa: E402
from tests.factories import (  # noqa: E402
    MembershipFactory,
    TeamFactory,
    TrainingLeadFactory,
    UserFactory,
    with_authenticator,
)
from tests.queries import count_queries  # noqa: E402


def make_team(name, size, organisation, achieved_domains=()):
    team = TeamFactory(name=name, organisation=organisation)
    for i in range(size):
        person = MembershipFactory(team=team, user__username=f"{name}-{i}").user
        rate(person, {(1, d): ("achieved", "") for d in achieved_domains})
    return team


def test_a_lead_sees_statuses_of_their_teams_but_never_evidence_or_reviews(
    client, team, alice, manager, tess
):
    rate(alice, {(1, 1): ("achieved", "Ran the baby-room group")})
    Membership.objects.filter(user=alice).update(shares_evidence=True)
    client.force_login(tess)
    report = client.get(reverse("assessments:team_report", args=[team.pk]))
    assert report.status_code == 200 and alice.username in report.content.decode()
    assert 'aria-current="page">Organisation' in report.content.decode()  # the menu
    assert "evidence and reviews stay between each member and this team" in report.content.decode()
    page = client.get(reverse("assessments:member_assessment", args=[team.pk, alice.pk]))
    text = page.content.decode()
    assert "Achieved" in text
    assert "Ran the baby-room group" not in text and "Save review" not in text
    assert "evidence and reviews stay between the member and this team" in text
    refused = client.post(
        reverse("assessments:review", args=[team.pk, alice.pk]), {"comment": "Well done"}
    )
    assert refused.status_code == 404
    client.force_login(manager)  # the team's manager still reads the shared evidence
    page = client.get(reverse("assessments:member_assessment", args=[team.pk, alice.pk]))
    assert "Ran the baby-room group" in page.content.decode()
    assert 'aria-current="page">My assessment' in page.content.decode()


def test_a_lead_of_another_organisation_gets_404_on_every_page_of_this_one(client, team, tess):
    other = with_authenticator(UserFactory(username="uma"))
    TrainingLeadFactory(organisation__name="Trust B", user=other)
    client.force_login(other)
    for url in [
        reverse("assessments:organisation", args=[team.organisation_id]),
        reverse("assessments:team_report", args=[team.pk]),
        reverse("assessments:team_plan", args=[team.pk]),
        reverse("assessments:team_budget", args=[team.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("assessments:organisations"))
    assert listing.status_code == 302 and listing["Location"].endswith(
        reverse("assessments:organisation", args=[Organisation.objects.get(name="Trust B").pk])
    )


def test_leads_must_sign_in_with_two_factors_and_land_on_their_organisation(client, team, tess):
    plain = UserFactory(username="ulla")
    assert not two_factor.required(plain)
    TrainingLeadFactory(organisation=team.organisation, user=plain)
    assert two_factor.required(plain)
    client.force_login(tess)
    start = client.get(reverse("assessments:start"))
    assert start["Location"] == reverse("assessments:organisations")


def test_the_overview_sorts_and_pages_through_teams_and_hides_small_ones(client, tess, team):
    trust = team.organisation  # North locality: Alice and Bob, 2 members (hidden)
    make_team("Full marks", 3, trust, achieved_domains=range(1, 8))
    make_team("Half way", 4, trust, achieved_domains=range(1, 5))
    make_team("Big and new", 6, trust)
    client.force_login(tess)
    url = reverse("assessments:organisation", args=[trust.pk])

    def names(**query):
        page = client.get(url, {"level": 1, **query})
        return [row.team.name for row in page.context["overview"].page.object_list]

    assert names() == ["Big and new", "Full marks", "Half way", "North locality"]
    assert names(sort="size") == ["Big and new", "Half way", "Full marks", "North locality"]
    assert names(sort="share") == ["Full marks", "Half way", "Big and new", "North locality"]
    assert names(sort="share_low")[0] == "North locality"  # no figures: never ranked
    assert names(q="half") == ["Half way"]
    page = client.get(url, {"level": 1, "sort": "share"}).content.decode()
    assert page.count("hidden: fewer than 3 members") == 1
    row = page[page.index("Half way") :]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row[:700])
    assert cells[:6] == ["4", "100%", "100%", "100%", "100%", "0%"]


def test_the_overview_pages_teams_with_a_constant_number_of_queries(client, tess, team):
    client.force_login(tess)
    url = reverse("assessments:organisation", args=[team.organisation_id])
    few = count_queries(client, url, data={"sort": "share"})
    for i in range(30):
        make_team(f"Team {i:02d}", 3, team.organisation, achieved_domains=[1])
    many = count_queries(client, url, data={"sort": "share"})
    second = client.get(url, {"sort": "share", "page": 2})
    assert len(second.context["overview"].page.object_list) == 31 - 25
    # session, user, the organisation, domains, competencies, count of teams, a page of
    # teams, their tallies, the organisation's member places
    assert few == many == 9


def test_sorted_by_share_on_a_full_framework_teams_keep_their_order_across_pages(
    client, tess, team, catalogue
):
    """Once every competency is worded at level 1 (the share is then read from one row
    per team and job role), teams sort by the share of every item their members have
    achieved, highest first (lowest first for share_low), ties by name, on every page;
    teams under three members never rank; a domain achieved as a whole before its
    wording was added counts for nothing, as on every other page."""
    from assessments.items import achieved_in, load_framework
    from assessments.models import Rating
    from assessments.ops.demo import build_full_framework
    from assessments.teams import tallies

    trust = team.organisation  # North locality: Alice and Bob, 2 members (hidden)
    assert load_framework().items[(1, 1)][0].is_whole_domain  # the shipped wording
    before = make_team("Before the wording", 3, trust, achieved_domains=[1])
    build_full_framework()
    framework = load_framework()
    items = framework.items_at(1)
    assert not any(item.is_whole_domain for item in items)
    for i in range(26):  # teams 2k and 2k+1 achieve as much: ties
        made = make_team(f"Team {25 - i:02d}", 3 + i % 2, trust)
        done = items[: (i // 2) * 5]
        Rating.objects.bulk_create(
            Rating(
                user_id=user_id,
                level_id=1,
                domain_id=item.domain,
                competency_id=item.competency_id,
                status="achieved",
            )
            for user_id in made.memberships.values_list("user_id", flat=True)
            for item in done
        )
    assert tallies.team_counts(before.pk, level=1).achieved == {-1: 3}  # kept, not counted

    def expected(low: bool) -> list[str]:
        shares = []
        for each in trust.teams.all():
            counts = tallies.team_counts(each.pk, level=1)
            share = achieved_in(items, counts.achieved) / counts.members
            shares.append(((-1 if counts.members < 3 else share), each.name, each.pk))
        shares.sort(key=lambda s: (s[0] if low else -s[0], s[1], s[2]))
        return [name for _, name, _ in shares]

    client.force_login(tess)
    url = reverse("assessments:organisation", args=[trust.pk])
    for sort in ("share", "share_low"):
        shown = []
        for page in (1, 2):
            found = client.get(url, {"level": 1, "sort": sort, "page": page})
            shown += [row.team.name for row in found.context["overview"].page.object_list]
        assert shown == expected(low=sort == "share_low")
        assert len(shown) == 28
    first = client.get(url, {"level": 1, "sort": "share"}).context["overview"].page
    assert [row.team.name for row in first.object_list[:4]] == [
        "Team 00",
        "Team 01",
        "Team 02",
        "Team 03",
    ]  # 60 items each: ties by name, though the teams were made in the other order
    # The same queries as on a framework with domains rated as a whole.
    assert count_queries(client, url, data={"level": 1, "sort": "share"}) == 9
