"""A person's own record through the API (/api/v1/me/...): what her pages say, read
with her own session; never anyone else's, never by an organisation's key."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import TrainingRecord
from assessments.plans import pages
from tests.assessments.helpers import rate
from tests.factories import CourseFactory, FeeFactory

pytestmark = pytest.mark.django_db

ME = ["api:me", "api:my_ratings", "api:my_gaps", "api:my_plan", "api:my_training_records"]


@pytest.fixture
def signed_in(client: Client, alice) -> Client:
    client.force_login(alice)
    return client


def get(client: Client, name: str, **params):
    return client.get(reverse(name), params, HTTP_ACCEPT="application/json")


def test_she_reads_where_she_stands(signed_in, alice):
    rate(
        alice,
        {(1, 1): ("achieved", "Observed feeds with a mother."), (1, 2): ("working_towards", "")},
    )

    body = get(signed_in, "api:me").json()

    assert body["email"] == "alice@example.org"
    assert body["job_role"] == {"code": "health_visitor", "label": "Health visitor"}
    assert body["target_level"] == 2
    level_1 = body["progress"][0]
    assert level_1["level"] == 1 and level_1["complete"] is False
    domain_1, domain_2 = level_1["domains"][:2]
    assert domain_1["number"] == 1 and domain_1["achieved"] == domain_1["items"] > 0
    assert domain_2["working_towards"] == domain_2["items"] and domain_2["achieved"] == 0
    assert body["links"]["my_plan"].endswith("/api/v1/me/plan/")


def test_her_ratings_carry_her_evidence_and_the_ones_never_rated_say_not_assessed(signed_in, alice):
    rate(alice, {(1, 1): ("achieved", "Observed feeds with a mother.")})

    rows = get(signed_in, "api:my_ratings", level=1).json()

    assert {row["level"] for row in rows} == {1}
    rated = [row for row in rows if row["domain"] == 1]
    assert rated and all(row["status"]["code"] == "achieved" for row in rated)
    assert rated[0]["evidence"] == "Observed feeds with a mother."
    assert rated[0]["version"] == 1 and rated[0]["updated_at"]
    other = [row for row in rows if row["domain"] == 2]
    assert other[0]["status"] == {"code": "not_assessed", "label": "Not yet assessed"}
    assert other[0]["version"] is None


def test_her_gaps_are_the_gaps_page_s(signed_in, alice):
    rate(alice, {(1, 1): ("achieved", "")})

    body = get(signed_in, "api:my_gaps").json()
    page = pages.practitioner_gaps(alice)

    assert body["count"] == len(page.gaps) > 0
    assert [gap["key"] for gap in body["gaps"]] == [gap.key for gap in page.gaps]
    assert body["closable"] == page.closable
    with_courses = [gap for gap in body["gaps"] if gap["courses"]]
    assert with_courses, "the shipped catalogue reaches some of her gaps"
    cover = with_courses[0]["courses"][0]
    assert cover["effect"].startswith(("closes", "contributes to")) and cover["source"]


def test_her_plan_never_counts_a_contribution_as_closing(signed_in, alice):
    body = get(signed_in, "api:my_plan", budget="3000").json()
    page = pages.practitioner_plan(alice, objective="cost", nhs=False, budget=Decimal(3000))

    assert body["gap_count"] == page.gap_count
    assert body["answer"]["closes"] == page.answer.closes
    assert body["answer"]["limits"] == page.answer.limits
    limited = body["within_limits"]
    assert limited["closes"] == len(page.limited.plan.closed)
    for chosen in limited["courses"]:
        closed = {gap["key"] for gap in chosen["closes"]}
        contributed = {gap["key"] for gap in chosen["contributes"]}
        assert not closed & contributed
    assert {g["key"] for g in limited["only_contributes_to"]} == set(page.limited.plan.contributed)


def test_a_fee_the_provider_does_not_publish_is_null_never_zero(signed_in, alice, catalogue):
    options = [
        chosen["option"]
        for chosen in get(signed_in, "api:my_plan").json()["most_complete"]["courses"]
    ]
    unpublished = [o for o in options if o["fee_label"] == "not published"]
    for option in unpublished:
        assert option["fee"] is None
    assert all(o["fee"] is not None for o in options if o["fee_label"] != "not published")


@pytest.mark.parametrize(
    "params, field",
    [
        ({"objective": "cheapest"}, "objective"),
        ({"budget": "lots"}, "budget"),
        ({"budget": "-5"}, "budget"),
        ({"time_limit": "1e9"}, "time_limit"),
        ({"time_unit": "years"}, "time_unit"),
    ],
)
def test_a_plan_value_the_page_would_refuse_is_a_400_naming_the_field(signed_in, params, field):
    response = get(signed_in, "api:my_plan", **params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [field]


def test_a_level_that_does_not_exist_is_a_400(signed_in):
    response = get(signed_in, "api:my_ratings", level="4")

    assert response.status_code == 400
    assert response.json() == {"level": ["Give level 1, 2 or 3."]}


def test_her_training_records_newest_first(signed_in, alice, catalogue):
    course = CourseFactory(title="Infant observation")
    FeeFactory(course=course)
    for day in (3, 9):
        TrainingRecord.objects.create(
            user=alice, title=f"Study day {day}", finished=f"2026-03-0{day}", course=course, hours=6
        )

    body = get(signed_in, "api:my_training_records").json()

    assert [r["title"] for r in body["results"]] == ["Study day 9", "Study day 3"]
    assert body["results"][0]["course"] == course.slug
    assert body["results"][0]["method"]["code"] == "course"


def test_nobody_else_s_record_is_ever_in_it(client, alice, bob):
    rate(bob, {(1, 1): ("achieved", "Bob's own note")})
    TrainingRecord.objects.create(user=bob, title="Bob's course", finished="2026-01-01", hours=3)
    client.force_login(alice)

    seen = b"".join(get(client, name).content for name in ME)

    assert b"Bob's own note" not in seen and b"Bob's course" not in seen


@pytest.mark.parametrize("name", ME)
def test_without_signing_in_it_is_a_403_in_json_not_a_sign_in_page(client, name):
    response = get(client, name)

    assert response.status_code in (401, 403)
    assert "credentials" in json.loads(response.content)["detail"].lower() or "sign in" in (
        json.loads(response.content)["detail"].lower()
    )


# The session and her user row, then: the framework (2) and her ratings (1); her gaps and
# plan read the catalogue's offers too; her records are counted, then read.
@pytest.mark.parametrize(
    "name, queries",
    [
        ("api:me", 5),
        ("api:my_ratings", 5),
        ("api:my_gaps", 8),
        ("api:my_plan", 8),
        ("api:my_training_records", 4),
    ],
)
def test_each_read_costs_the_same_few_queries_however_much_she_has_rated(
    signed_in, alice, name, queries, django_assert_num_queries
):
    TrainingRecord.objects.create(user=alice, title="Study day", finished="2026-03-03", hours=6)
    with django_assert_num_queries(queries):
        get(signed_in, name)
    everything = {
        (level, domain): ("achieved", "x" * 50) for level in (1, 2, 3) for domain in range(1, 8)
    }
    rate(alice, everything)
    for day in range(1, 20):
        TrainingRecord.objects.create(
            user=alice, title="Day", finished=f"2026-04-{day:02}", hours=1
        )
    with django_assert_num_queries(queries):
        get(signed_in, name)
