"""Free text with markup and formulas in it (evidence, names, comments, a team's and a
course's name) comes back as text everywhere: pages, the PDF, the JSON, and CSV and
XLSX where cells starting with = + - @ are neutralised."""

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments.models import Membership, Review
from catalogue.models import Course
from tests.assessments.helpers import rate
from tests.factories import MembershipFactory, TeamFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db
MARKUP = '<b>bold</b><script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def hostile(alice):
    """Alice's name, evidence and team carry markup and formulas; so does a review and
    a course title an admin typed."""
    alice.first_name, alice.last_name = FORMULA, "<i>Hughes</i>"
    alice.save()
    rate(alice, {(1, d): ("working_towards", f"{MARKUP} {d}") for d in range(1, 8)})
    rate(alice, {(2, 1): ("working_towards", FORMULA)})
    team = TeamFactory(name="<em>North</em>", organisation__name="+Trust <u>A</u>")
    MembershipFactory(team=team, user=alice, shares_evidence=True)
    manager = with_authenticator(UserFactory(username="mina"))
    MembershipFactory(team=team, user=manager, role=Membership.Role.MANAGER)
    Review.objects.create(team=team, member=alice, manager=manager, comment=MARKUP)
    Course.objects.filter(slug="nes-imh-elearning").update(title="@SUM(1+1) <s>NES</s>")
    return team, manager


def assert_shown_as_text(body: str):
    assert "<script>" not in body and "<b>bold</b>" not in body and "<em>North" not in body
    assert "<i>Hughes" not in body  # a name in the team plan's lists too


def test_every_page_shows_markup_as_text(client, alice, hostile):
    team, manager = hostile
    client.force_login(alice)
    for name, args in [
        ("dashboard", []),
        ("grid", [1, 1]),
        ("history", []),
        ("gaps", []),
        ("plan", []),
        ("plan_print", []),
        ("profile", []),
    ]:
        body = client.get(reverse(f"assessments:{name}", args=args)).content.decode()
        assert_shown_as_text(body)
    grid = client.get(reverse("assessments:grid", args=[1, 1])).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in grid
    client.force_login(manager)
    for name, args in [
        ("teams", []),
        ("team_report", [team.pk]),
        ("team_plan", [team.pk]),
        ("team_budget", [team.pk]),
        ("member_assessment", [team.pk, alice.pk]),
    ]:
        body = client.get(reverse(f"assessments:{name}", args=args)).content.decode()
        assert_shown_as_text(body)
        assert "&lt;em&gt;North&lt;/em&gt;" in body


def test_the_pdf_prints_markup_as_the_characters_typed(client, alice, hostile):
    client.force_login(alice)
    pdf = client.get(reverse("assessments:plan_pdf")).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<i>Hughes</i>" in text  # the tags are there as characters, not as italics


def test_own_data_exports_keep_the_text_and_defuse_formulas(client, alice, hostile):
    client.force_login(alice)
    data = json.loads(client.get(reverse("assessments:export_json")).content)
    assert data["profile"]["first_name"] == FORMULA  # JSON is data: kept exactly
    assert any(r["evidence"].startswith(MARKUP) for r in data["ratings"])
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("assessments:export_csv")).content.decode()))
    )
    evidence = [row[4] for row in rows[1:]]
    assert "'" + FORMULA in evidence and FORMULA not in evidence
    assert f"{MARKUP} 1" in evidence


def test_team_exports_defuse_formulas_in_names_and_course_titles(client, alice, hostile):
    team, manager = hostile
    client.force_login(manager)
    heat = b"".join(
        client.get(reverse("assessments:team_report_csv", args=[team.pk])).streaming_content
    ).decode()
    name = f"{FORMULA} <i>Hughes</i>"
    heat_rows = list(csv.reader(io.StringIO(heat)))
    assert heat_rows[3][0] == "'" + name  # after the title row, a blank row and the header
    assert heat_rows[0][0].startswith("Heat map for <em>North</em>")  # the team's name as typed
    book = load_workbook(
        io.BytesIO(client.get(reverse("assessments:team_report_xlsx", args=[team.pk])).content)
    )
    cell = book.active["A4"]
    assert cell.value == "'" + name and cell.data_type == "s"  # text, not a formula
    plan = b"".join(
        client.get(reverse("assessments:team_plan_csv", args=[team.pk])).streaming_content
    ).decode()
    plan_rows = list(csv.reader(io.StringIO(plan)))
    titles = [row[0] for row in plan_rows[1:] if row]
    assert "'@SUM(1+1) <s>NES</s>" in titles
    assert not any(value[:1] in "=+-@" for row in plan_rows for value in row if value)
    plan_book = load_workbook(
        io.BytesIO(client.get(reverse("assessments:team_plan_xlsx", args=[team.pk])).content)
    )
    assert all(c.data_type != "f" for row in plan_book.active.iter_rows() for c in row)
