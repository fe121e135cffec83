"""Recommendations on the shipped fixtures, worked by hand: what a health visitor and a
small team are told, now that coverage is graded and only strong links close gaps."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.items import load_framework
from assessments.models import Membership
from assessments.plans.gaps import find_gaps
from assessments.plans.offers import build_options, read_offers
from assessments.plans.optimiser import TAUGHT
from assessments.plans.pages import practitioner_plan
from assessments.teams.budget_plan import team_budget
from assessments.teams.team_plan import team_plan
from catalogue.models import Coverage, Module
from tests.assessments.helpers import rate
from tests.assessments.test_pages import all_achieved_except
from tests.factories import MembershipFactory, TeamFactory, build_full_framework

pytestmark = pytest.mark.django_db

# The issue's health visitor (target Level 2): gaps in Level 1 domains 2, 4 and 6 and
# Level 2 domains 1, 2, 4, 5, 6 and 7.
HEALTH_VISITOR_GAPS = [(1, 2), (1, 4), (1, 6), (2, 1), (2, 2), (2, 4), (2, 5), (2, 6), (2, 7)]


def keys(plan):
    return [o.key for o in plan.chosen]


def test_the_health_visitor_starts_free_and_meets_the_msc_only_where_nothing_cheaper_reaches(
    alice,
):
    all_achieved_except(alice, *HEALTH_VISITOR_GAPS)
    page = practitioner_plan(alice, objective="cost", nhs=False)
    steps = [step.view.plan for step in page.steps]
    # Step 1 is free: the NES module, which teaches Level 1 domains 2 and 4 in part.
    assert keys(steps[0]) == ["nes-imh-elearning/Course fee"] and steps[0].total_fee == 0
    assert steps[0].reached == {"1:D2", "1:D4"} and not steps[0].closed
    assert steps[0].strength("1:D2") == TAUGHT
    # Then the cheapest paid steps, each dearer than the last and worth more.
    fees = [plan.total_fee for plan in steps]
    assert fees == sorted(fees) and len(set(fees)) == len(fees)
    assert all(later.worth > before.worth for before, later in zip(steps, steps[1:], strict=False))
    # Closing a gap needs a core module and the programme around it: only the Glasgow
    # PGCert (its year-1 modules together) closes Level 1 Domain 2; no module alone does.
    first_close = next(plan for plan in steps if plan.closed)
    assert first_close.closed == {"1:D2"} and "glasgow-imh-msc/PGCert" in keys(first_close)
    assert first_close.total_fee == Decimal("5000")
    assert all(not o.closes for plan in steps for o in plan.chosen if "/module/" in o.key)
    # The MSc comes last: the only listed way to Level 2 Domain 4.
    assert "2:D4" in steps[-1].reached and all("2:D4" not in p.reached for p in steps[:-1])
    assert any(k.startswith("glasgow-imh-msc/MSc") for k in keys(steps[-1]))
    # Level 2 Domain 7 is reached by no listed course: said, not hidden.
    assert [gap.key for gap in page.uncovered] == ["2:D7"]


def answer_text(response) -> str:
    page = response.content.decode()
    section = page[page.index('data-testid="answer">') + len('data-testid="answer">') :]
    return " ".join(re.sub(r"<[^>]+>", " ", section[: section.index("</section>")]).split())


def test_within_3000_and_12_months_she_reads_what_to_take_that_it_closes_nothing_and_what_would(
    client, alice
):
    """The issue's health visitor: her limits in words, what the plan teaches by gap name
    and strength, that it closes no gap, and the cheapest plan that would, with its price."""
    all_achieved_except(alice, *HEALTH_VISITOR_GAPS)
    client.force_login(alice)
    response = client.get(
        reverse("assessments:plan"), {"budget": "3000", "time_limit": "12", "time_unit": "months"}
    )
    limited = response.context["limited"]
    assert keys(limited.plan) == ["nes-imh-elearning/Course fee", "northampton-pgcert/PGCert"]
    answer = answer_text(response)
    assert answer.startswith("Your plan within £3,000 and 12 months, at standard fees")
    assert (
        "Taught in part: Level 1, Domain 2: Normal and atypical development; Level 1, "
        "Domain 4: Assessment of caregiving" in answer
    )
    assert "Named as a topic: Level 1, Domain 2: Normal and atypical development" in answer
    # Northampton's fee is for one dated run, which has ended: said beside it.
    assert "£2,550 standard; no NHS-funded fee is published" in answer
    assert "for the January–September 2023 run only; that run has ended" in answer
    assert "This plan closes none of your gaps" in answer
    assert "a gap closes when you can show the competence in your practice" in answer.lower()
    assert (
        "The cheapest plan that would close a gap: Infant Mental Health (MSc): PGCert (60 "
        "credits); Infant Mental Health: Developing Positive Early Attachments: £5,000 "
        "standard, £3,710 NHS-funded; about 12 months. It would close Level 1, Domain 2: "
        "Normal and atypical development." in answer
    )
    assert "time worked out by us from the 36 months" in answer  # PGCert length is ours
    assert "entry: University of Glasgow asks for a degree" in answer
    # Nowhere a column of 0 closes or the old repeated phrase.
    body = response.content.decode()
    assert "contributed to, not closed" not in body and "Closes 0" not in body
    assert ">0 gaps<" not in body and "Solved exactly" not in body


def test_nhs_funded_keeps_a_course_without_a_published_nhs_fee_at_its_standard_fee(client, alice):
    all_achieved_except(alice, *HEALTH_VISITOR_GAPS)
    client.force_login(alice)
    response = client.get(
        reverse("assessments:plan"),
        {"budget": "3000", "time_limit": "12", "time_unit": "months", "nhs": "on"},
    )
    limited = response.context["limited"]
    assert "northampton-pgcert/PGCert" in keys(limited.plan)  # not silently dropped
    assert limited.nhs == "£2,550 (with 1 standard fee: no NHS-funded fee is published)"
    assert "at NHS-funded fees" in answer_text(response)
    assert "the standard fee, as no NHS-funded fee is published" in response.content.decode()


def test_a_time_limit_leaves_out_what_takes_longer_or_has_no_published_length(alice):
    all_achieved_except(alice, *HEALTH_VISITOR_GAPS)
    page = practitioner_plan(alice, objective="cost", nhs=False, hours=Decimal(24))
    assert keys(page.limited.plan) == ["nes-imh-elearning/Course fee"]  # 2 to 4 hours
    assert all(keys(step.view.plan) == ["nes-imh-elearning/Course fee"] for step in page.steps)
    # What more time would add is still said, from the plans without the limit.
    assert page.answer.more is not None and page.answer.more.adds


def test_a_bad_budget_is_reported_beside_its_field_and_the_plan_still_shows(client, alice):
    all_achieved_except(alice, (1, 4))
    client.force_login(alice)
    page = client.get(reverse("assessments:plan"), {"budget": "-5", "time_limit": "lots"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Enter a budget of £0 or more, like 3000" in body
    assert "Enter the time limit as a number, like 12" in body
    assert page.context["limited"] is None and page.context["complete"].chosen


def test_no_option_built_from_one_module_closes_a_gap_on_the_shipped_catalogue(alice):
    """Every item of every level is a gap: whatever links the catalogue holds, a single
    module never closes one (a closing link rests on the programme around it too), and
    the PGCert, which holds all of year 1, still closes Level 1 Domain 2."""
    alice.chosen_level = 3
    alice.save()
    framework, catalogue = load_framework(), read_offers()
    found = find_gaps(framework, {}, 3, catalogue)
    for nhs in (False, True):
        options = build_options(found, catalogue, nhs=nhs)
        modules = [o for o in options if "/module/" in o.key]
        assert modules and all(not o.closes for o in modules)
        pgcert = next(o for o in options if o.key == "glasgow-imh-msc/PGCert")
        assert pgcert.closes == {"1:D2"}
        assert "worked out by us" in pgcert.time_note and pgcert.entry


def test_an_award_counts_one_optional_module_a_year_not_both(alice):
    """Glasgow's year 2 has two 20-credit options and a student takes one: with a link
    on each, the PGDip is offered once per choice, each reaching only its own option."""
    clinical = Module.objects.get(title="Clinical Skills in Infant Mental Health")
    Coverage.objects.filter(course__slug="glasgow-imh-msc", level=2, domain=1).update(
        module=clinical
    )
    framework, catalogue = load_framework(), read_offers()
    found = find_gaps(framework, {}, 2, catalogue)
    pgdips = [o for o in build_options(found, catalogue, nhs=False) if "/PGDip" in o.key]
    reach = {o.label: {"2:D1", "2:D5"} & o.reaches for o in pgdips}
    assert reach == {
        "PGDip (120 credits), choosing Clinical Skills in Infant Mental Health": {"2:D1"},
        "PGDip (120 credits), choosing Infant Mental Health Intervention Training": {"2:D5"},
    }


def test_she_can_say_she_holds_no_degree_and_those_courses_leave_her_plan_with_the_reason(
    client, alice
):
    all_achieved_except(alice, *HEALTH_VISITOR_GAPS)
    client.force_login(alice)
    before = client.get(reverse("assessments:plan"))
    assert "Entry: University of Glasgow asks for a degree" in before.content.decode()
    profile = {"first_name": "Alice", "last_name": "Ames", "job_role": "health_visitor"}
    saved = client.post(
        reverse("assessments:profile"), {**profile, "holds_degree_or_registration": "False"}
    )
    assert saved.status_code == 302
    alice.refresh_from_db()
    assert alice.holds_degree_or_registration is False
    after = client.get(reverse("assessments:plan"))
    page = after.context["page"]
    assert all(not o.key.startswith("glasgow") for s in page.steps for o in s.view.plan.chosen)
    left = after.content.decode()
    left = left[left.index('data-testid="left-out"') :]
    assert "Infant Mental Health (MSc)" in left[:600]
    assert "its entry asks for a degree or a professional registration" in left[:600]


def small_team(manager):
    team = TeamFactory(name="West", organisation__name="Trust C")
    MembershipFactory(team=team, user=manager, role=Membership.Role.MANAGER)
    members = [MembershipFactory(team=team, user__username=f"w{i}").user for i in range(3)]
    return team, members


def test_after_the_wording_import_a_four_hour_module_no_longer_closes_161_gaps(manager):
    """One domain-level link graded below 'taught in a core module' used to count as
    closing every competency of the domain: 161 member-gaps for a team of 3."""
    team, _ = small_team(manager)
    build_full_framework()
    framework, catalogue = load_framework(), read_offers()
    plan = team_plan(team, framework, catalogue, level=1)
    nes = next(c for c in plan.courses if c.option.key == "nes-imh-elearning/Course fee")
    assert nes.closes == 0
    assert nes.contributes > 0
    # Glasgow's year-1 modules are taught in core modules, but the link is to Domain 2
    # as a whole: once its competencies are worded, it only contributes to each of them.
    assert all(c.closes == 0 for c in plan.courses)
    budget = team_budget(team, framework, catalogue, level=1, budget=Decimal(100000))
    assert budget.result.closed == 0


def test_a_manager_funds_places_within_a_budget(client, manager):
    team, (w0, w1, w2) = small_team(manager)
    # w0 misses only Level 1 Domain 2 (which Glasgow's PGCert closes); w1 and w2 miss
    # only Domain 5, which NES and Northampton contribute to.
    everything = {(1, d): ("achieved", "") for d in range(1, 8)}
    rate(w0, {**everything, (1, 2): ("working_towards", "")})
    rate(w1, {**everything, (1, 5): ("working_towards", "")})
    rate(w2, {**everything, (1, 5): ("working_towards", "")})
    client.force_login(manager)
    url = reverse("assessments:team_budget", args=[team.pk])
    small = client.get(url, {"level": "1", "budget": "2500"}).context["plan"]
    # Free places first: NES for everyone it reaches; £2,500 buys no paid place.
    assert small.result.closed == 0 and small.result.fee == 0
    assert {p.option.key for p in small.places} == {"nes-imh-elearning/Course fee"}
    big = client.get(url, {"level": "1", "budget": "5000"}).context["plan"]
    assert big.result.closed == 1 and big.result.fee == Decimal("5000")
    pgcert = next(p for p in big.places if p.option.key == "glasgow-imh-msc/PGCert")
    assert pgcert.members == ["w0"] and pgcert.closes == 1
    frontier = [(s.budget, s.result.closed, s.result.reached) for s in big.frontier]
    assert frontier[0] == (Decimal(0), 0, 3)
    assert (Decimal(5000), 1, 3) in frontier
    csv = b"".join(
        client.get(
            reverse("assessments:team_budget_csv", args=[team.pk]), {"level": "1", "budget": "5000"}
        ).streaming_content
    ).decode()
    assert csv.startswith('"Funded places for West, Level 1"')
    assert "Infant Mental Health (MSc),University of Glasgow,PGCert (60 credits),1,w0,1,0," in csv
    assert "Member-gaps closed,1" in csv


def test_a_funded_place_names_the_members_who_recorded_its_course(client, manager):
    import datetime

    from assessments.models import TrainingRecord
    from catalogue.models import Course

    team, (w0, w1, w2) = small_team(manager)
    everything = {(1, d): ("achieved", "") for d in range(1, 8)}
    for member in (w1, w2):
        rate(member, {**everything, (1, 5): ("working_towards", "")})
    rate(w0, everything)
    TrainingRecord.objects.create(
        user=w1, course=Course.objects.get(slug="nes-imh-elearning"), title="NES",
        finished=datetime.date(2026, 10, 1), hours=3,
    )  # fmt: skip
    client.force_login(manager)
    url = reverse("assessments:team_budget", args=[team.pk])
    response = client.get(url, {"level": "1", "budget": "0"})
    [nes] = response.context["plan"].places
    assert nes.option.course_slug == "nes-imh-elearning" and sorted(nes.members) == ["w1", "w2"]
    assert nes.recorded == ["w1"]
    assert "With a training record of it: w1" in response.content.decode()
    csv = b"".join(
        client.get(
            reverse("assessments:team_budget_csv", args=[team.pk]), {"level": "1", "budget": "0"}
        ).streaming_content
    ).decode()
    nes_row = next(line for line in csv.splitlines() if line.startswith("Infant Mental Health:"))
    assert "With a training record of it" in csv and nes_row.endswith(",w1")


def test_a_bad_team_budget_is_reported_and_the_default_applies(client, manager, team):
    client.force_login(manager)
    response = client.get(
        reverse("assessments:team_budget", args=[team.pk]), {"budget": "a lot", "level": "9"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the budget as an amount in pounds, like 3000" in body
    assert "Choose Level 1, 2 or 3" in body
    assert response.context["plan"].budget == Decimal(5000)


def test_the_team_plan_does_not_count_an_unpublished_nhs_fee_as_nothing(client, manager):
    """Northampton publishes no NHS-funded fee: the total must say so, not add £0. Its
    links only name topics, so a member's most complete plan now prefers Glasgow's
    stronger ones; a £5,100 budget on standard fees funds it for two."""
    team, members = small_team(manager)
    for member in members[:2]:
        rate(member, {(2, d): ("achieved", "") for d in range(1, 8) if d != 3})
    rate(members[2], {(2, d): ("achieved", "") for d in range(1, 8)})
    client.force_login(manager)
    page = client.get(
        reverse("assessments:team_budget", args=[team.pk]), {"level": "2", "budget": "5100"}
    )
    body = page.content.decode()
    [northampton] = page.context["plan"].places
    assert northampton.option.key == "northampton-pgcert/PGCert"
    assert northampton.members == ["w0", "w1"] and northampton.nhs_label == "not published"
    assert "£5,100 standard; no NHS-funded fee is published" in body
    places = body[body.index('data-testid="funded-places"') :].split("</table>")[0]
    assert '<td data-label="NHS-funded">not published' in places and "£0" not in places


def test_once_a_domain_is_worded_its_whole_domain_link_only_contributes(client, alice):
    build_full_framework()
    rate(alice, {(1, d): ("achieved", "") for d in range(1, 8) if d != 2})
    client.force_login(alice)
    page = client.get(reverse("assessments:gaps"))
    body = page.content.decode()
    assert page.context["page"].closable == 0  # nothing closes 2.01 ... 2.NN one by one
    assert "Taught in part</strong> (a link to the whole domain)" in body  # Glasgow year 1


def test_the_team_plan_and_the_funded_places_download_as_pdf(client, manager):
    import io

    from pypdf import PdfReader

    team, (w0, _, _) = small_team(manager)
    rate(w0, {**{(1, d): ("achieved", "") for d in range(1, 8)}, (1, 2): ("working_towards", "")})
    client.force_login(manager)
    for name, data in (
        ("assessments:team_plan_pdf", {"level": "1"}),
        ("assessments:team_budget_pdf", {"level": "1", "budget": "5000"}),
    ):
        response = client.get(reverse(name, args=[team.pk]), data)
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="west-level-1')
        reader = PdfReader(io.BytesIO(response.content))
        flat = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
        assert "West" in flat and "University of Glasgow" in flat
        assert reader.trailer["/Root"]["/Lang"] == "en-GB"
