"""The team plan and the team budget plan open with an answer a manager can act on,
and no page or download writes a fee nobody published as £0 or 0. On the shipped
catalogue, where (by fact, checked in each test) Northampton's PGCert publishes a
£2,550 standard fee and no NHS-funded fee, and only names Level 2 Domains 2, 3 and 5;
Glasgow's PGCert (£5,000) is the only option that closes a gap (Level 1 Domain 2); NES
is free and teaches Level 1 Domains 1–5 and 7 in part; nothing covers Level 2
Domain 7."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments.items import load_framework
from assessments.plans.answers import WHY_NOTHING_CLOSES
from assessments.plans.offers import read_offers
from assessments.teams.budget_plan import answered_team_plan
from assessments.teams.exports import PLACE_HEADER
from assessments.teams.team_plan import team_plan
from tests.assessments.helpers import rate
from tests.assessments.test_recommendations import small_team

pytestmark = pytest.mark.django_db

LEVEL_1 = {(1, d): ("achieved", "") for d in range(1, 8)}
LEVEL_2 = {(2, d): ("achieved", "") for d in range(1, 8)}
AT_STANDARD = "standard fee: no NHS-funded fee is published"


def text(html: str) -> str:
    """What a reader sees, roughly: tags dropped, spaces collapsed, entities read."""
    import html as html_module

    html = re.sub(r"<(script|style).*?</\1>", " ", html, flags=re.S)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def level_1_team(manager, django_user_model):
    """w0 misses only Level 1 Domain 2 (Glasgow's PGCert closes it, NES teaches it in
    part); w1 only Domain 5 (NES teaches it in part); w2 has achieved everything."""
    team, (w0, w1, w2) = small_team(manager)
    rate(w0, {**LEVEL_1, (1, 2): ("working_towards", "")})
    rate(w1, {**LEVEL_1, (1, 5): ("working_towards", "")})
    rate(w2, LEVEL_1)
    return team


def northampton_team(manager, django_user_model):
    """w0 and w1 miss only Level 2 Domain 3; w2 has achieved all of Level 2."""
    team, members = small_team(manager)
    for member in members[:2]:
        rate(member, {**LEVEL_2, (2, 3): ("working_towards", "")})
    rate(members[2], LEVEL_2)
    return team


def downloads(client, team, data, kind):
    """The CSV rows, the XLSX rows and the PDF text of the team `kind` ("plan" or
    "budget") for these choices."""
    url = lambda ext: reverse(f"assessments:team_{kind}_{ext}", args=[team.pk])  # noqa: E731
    response = client.get(url("csv"), data)
    csv_rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    book = load_workbook(io.BytesIO(client.get(url("xlsx"), data).content))
    xlsx_rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    reader = PdfReader(io.BytesIO(client.get(url("pdf"), data).content))
    pdf = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return csv_rows, xlsx_rows, pdf


def place_rows(rows):
    """The rows under the places' header, as dicts by column name."""
    start = next(i for i, row in enumerate(rows) if row[:3] == PLACE_HEADER[:3])
    header = rows[start]
    places = []
    for row in rows[start + 1 :]:
        if not row or not any(cell not in (None, "") for cell in row):
            break
        places.append(dict(zip(header, row, strict=False)))
    return places


def assert_no_unpublished_fee_as_zero(places):
    """A total whose every fee is unpublished is empty and says so; never 0."""
    for place in places:
        members = int(place["Members"])
        for total, missing, note in (
            (
                "Total standard fee (£)",
                "Members with no published standard fee",
                "Standard fee note",
            ),
            (
                "Total NHS-funded fee (£)",
                "Members with no published NHS-funded fee",
                "NHS-funded fee note",
            ),
        ):
            if int(place[missing]) == members:
                assert place[total] in (None, ""), place
                assert "not published" in place[note], place


def test_the_team_plan_opens_with_what_to_fund_first_by_gap_name(
    client, manager, django_user_model
):
    team = level_1_team(manager, django_user_model)
    client.force_login(manager)
    page = client.get(reverse("assessments:team_plan", args=[team.pk]), {"level": "1"})
    body = page.content.decode()
    seen = text(body.split('data-testid="team-answer">')[1])
    # The answer comes before the full table, which sits behind a disclosure.
    assert body.index('data-testid="team-answer"') < body.index('data-testid="team-plan"')
    assert "<details" in body[: body.index('data-testid="team-plan"')]
    assert seen.startswith(
        "What to fund first Courses for Level 1: each of the 3 members' own most complete plan"
    )
    # Glasgow's PGCert closes w0's gap: it is funded first, for her, at both fees.
    assert (
        "Infant Mental Health (MSc): PGCert (60 credits) (University of Glasgow): 1 place, for w0"
        in seen
    )
    assert "£5,000 standard, £3,710 NHS-funded" in seen
    assert "Time worked out by us from the 36 months part-time" in seen
    assert "Taught in a core module: Level 1, Domain 2: Normal and atypical development" in seen
    assert "This plan closes 1 of the members' 2 gaps" in seen
    assert WHY_NOTHING_CLOSES not in seen


def test_when_nothing_closes_the_team_plan_says_so_once_and_shows_no_column_of_closes(
    client, manager, django_user_model
):
    team = northampton_team(manager, django_user_model)
    client.force_login(manager)
    page = client.get(reverse("assessments:team_plan", args=[team.pk]), {"level": "2"})
    body = text(page.content.decode())
    assert page.context["answer"].closes == 0
    assert body.count(WHY_NOTHING_CLOSES) == 1
    assert "Level 2, Domain 3: Factors that influence caregiving capacity (2 members)" in body
    table = page.content.decode().split('data-testid="team-plan"')[1].split("</table>")[0]
    assert "Member-gaps closed" not in table and 'data-label="Member-gaps closed"' not in table
    assert "Member-gaps taught (none closed)" in table


def test_the_team_budget_says_its_limits_in_words_and_what_the_next_budget_adds(
    client, manager, django_user_model
):
    team = level_1_team(manager, django_user_model)
    client.force_login(manager)
    page = client.get(
        reverse("assessments:team_budget", args=[team.pk]), {"level": "1", "budget": "2500"}
    )
    body = page.content.decode()
    assert body.index('data-testid="team-answer"') < body.index('data-testid="funded-places"')
    seen = text(body.split('data-testid="team-answer">')[1])
    assert seen.startswith(
        "What to fund first Places within £2,500, at standard fees, for Level 1."
    )
    # £2,500 buys NES for both: free, teaching each one's gap in part; nothing closes.
    assert (
        "Developing Positive Early Attachments (NHS Education for Scotland): 2 places, for w0, w1"
        in seen
    )
    assert "Taught in part: Level 1, Domain 2: Normal and atypical development (1 member)" in seen
    assert "This plan closes none of the members' gaps" in seen
    assert seen.count(WHY_NOTHING_CLOSES) == 1
    # The frontier's next step is the answer's "more": Glasgow's PGCert for w0.
    more = page.context["plan"].answer.more
    assert more.step.budget > 2500 and more.step.result.closed == 1
    assert f"A budget of {more.step.budget_label}" in seen and "would close 1 member-gap" in seen


def test_northampton_in_an_nhs_funded_team_budget_is_marked_as_a_standard_fee(
    client, manager, django_user_model
):
    team = northampton_team(manager, django_user_model)
    client.force_login(manager)
    data = {"level": "2", "budget": "5100", "nhs": "on"}
    page = client.get(reverse("assessments:team_budget", args=[team.pk]), data)
    plan = page.context["plan"]
    [place] = plan.places
    assert place.option.key == "northampton-pgcert/PGCert" and place.option.at_standard
    seen = text(page.content.decode())
    assert "Places within £5,100, at NHS-funded fees, for Level 2." in seen
    said = "the standard fee, as no NHS-funded fee is published"
    assert f"Counted at {said}: Postgraduate Certificate" in seen
    assert f"£5,100 ({AT_STANDARD})" in seen  # the first place's fee
    assert f"Spent: £5,100 of £5,100 (£5,100 of it at {said})" in seen
    assert "for the January–September 2023 run only" in seen  # its dated run
    rows, xlsx, pdf = downloads(client, team, data, "budget")
    for sheet in (rows, xlsx):
        [northampton] = place_rows(sheet)
        assert (
            f"the plan counts the standard fee (£5,100): {AT_STANDARD}"
            in (northampton["NHS-funded fee note"])
        )
    assert AT_STANDARD in pdf


@pytest.mark.parametrize("nhs", ["", "on"])
def test_no_team_budget_download_shows_an_unpublished_fee_as_0(
    client, manager, django_user_model, nhs
):
    team = northampton_team(manager, django_user_model)
    client.force_login(manager)
    data = {"level": "2", "budget": "5100", "nhs": nhs}
    rows, xlsx, pdf = downloads(client, team, data, "budget")
    for sheet in (rows, xlsx):
        [northampton] = place_rows(sheet)
        assert northampton["Members with no published NHS-funded fee"] in ("2", 2)
        assert_no_unpublished_fee_as_zero([northampton])
        total = next(row for row in sheet if row and row[0] == "Total NHS-funded fee (£)")
        assert total[1] in (None, "") and total[2] == "not published"
    assert (AT_STANDARD if nhs else "no NHS-funded fee is published") in pdf
    before_frontier = pdf.split("What other budgets buy")[0]
    assert "£0" not in before_frontier and "free" not in before_frontier.lower()


def test_no_team_plan_download_shows_an_unpublished_fee_as_0(client, manager, django_user_model):
    team = level_1_team(manager, django_user_model)
    client.force_login(manager)
    rows, xlsx, pdf = downloads(client, team, {"level": "1"}, "plan")
    for sheet in (rows, xlsx):
        places = place_rows(sheet)
        assert {p["What to take"] for p in places} == {"PGCert (60 credits)", "Course fee"}
        assert_no_unpublished_fee_as_zero(places)
        # NES is free: 0 there means free, and its row says it is published.
        nes = next(p for p in places if p["What to take"] == "Course fee")
        assert nes["Members with no published NHS-funded fee"] in ("0", 0)
    assert "What to fund first" in pdf and "Normal and atypical development" in pdf
    assert "how links are graded" not in pdf


def test_the_budget_pdf_counts_unmet_need_over_the_members_it_is_for_and_has_no_screen_link(
    client, manager, django_user_model
):
    team, (w0, w1, w2) = small_team(manager)
    w0.job_role, w0.chosen_level = "", 2
    w0.save()
    for member in (w1, w2):  # assess only Level 1: not part of a Level 2 plan for those needing it
        member.chosen_level = 1
        member.save()
    client.force_login(manager)
    data = {"level": "2", "budget": "5000", "who": "needing"}
    page = client.get(reverse("assessments:team_budget", args=[team.pk]), data)
    assert page.context["plan"].considered == 1
    unmet = text(page.content.decode().split('data-testid="budget-unmet"')[1].split("</ul>")[0])
    assert "Working within relevant legal and professional frameworks: 1 member" in unmet
    _, _, pdf = downloads(client, team, data, "budget")
    assert "frameworks: 1 member" in pdf and "2 members" not in pdf.split("Unmet need")[1]
    assert "how links are graded" not in pdf


def test_the_answered_team_plan_is_the_team_plan(manager, django_user_model):
    """The page's answer repeats team_plan's sums to name each place's member-gaps: the
    places, members and totals must be the same."""
    team, (w0, w1, _) = small_team(manager)
    rate(w0, {**LEVEL_1, (1, 2): ("working_towards", "")})
    rate(w1, {(1, 5): ("achieved", "")})
    framework, catalogue = load_framework(), read_offers()
    for level in (1, 2, 3):
        plain = team_plan(team, framework, catalogue, level=level)
        answered, answer = answered_team_plan(team, framework, catalogue, level=level)
        assert [
            (c.option.key, c.members, c.closes, c.contributes, c.standard, c.nhs)
            for c in answered.courses
        ] == [
            (c.option.key, c.members, c.closes, c.contributes, c.standard, c.nhs)
            for c in plain.courses
        ]
        assert answered.unmet == plain.unmet
        assert answer.closes == sum(c.closes for c in plain.courses)
