"""Learning brought in from another system: a hand-written xAPI 1.0.3 file (a
StatementResult with completed, passed, attempted, experienced and voided statements)
and a simple CSV become *proposed* training records, which count nowhere until their
practitioner confirms them; confirming makes the record and marks the course
"Recorded" on her plan; discarding leaves no record; the same file twice proposes
nothing new; someone else's learning is refused; a training lead's file proposes for
her organisation's people only; a bad file writes nothing."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import ProposalState, ProposedRecord, TrainingRecord
from assessments.portfolio import learning_import, proposals
from catalogue.importing import MAX_BYTES, ImportProblem
from catalogue.models import Course
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.queries import count_queries
from tests.test_no_queries_in_templates import no_sql_in_templates  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

XAPI = Path(__file__).parent / "xapi"
ALICE_FILE = (XAPI / "alice_statements.json").read_bytes()
TEAM_FILE = (XAPI / "team_statements.json").read_bytes()
IMHOL = "https://warwick.ac.uk/fac/sci/med/research/hscience/sssh/iwellbeing/imhol/"
NES_TITLE = "Infant Mental Health: Developing Positive Early Attachments"


@pytest.fixture
def imhol_address(catalogue):
    """Warwick's IMHOL course with its own web address, the activity id its learning
    platform sends (the shipped record gives none)."""
    Course.objects.filter(slug="warwick-imhol").update(url=IMHOL)


def bring_in(client, content: bytes, name="statements.json"):
    return client.post(reverse("assessments:bring_in"), {"file": SimpleUploadedFile(name, content)})


def lead_brings_in(client, organisation, content: bytes, name="team.json"):
    url = reverse("assessments:learning_import", args=[organisation.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def text(response) -> str:
    return response.content.decode()


def waiting(user) -> dict[str, ProposedRecord]:
    return {
        p.title: p for p in ProposedRecord.objects.filter(user=user, state=ProposalState.PROPOSED)
    }


# Reading the file ----------------------------------------------------------------------


def test_the_xapi_file_gives_its_completions_and_counts_what_it_leaves_out():
    read = learning_import.read("alice.json", ALICE_FILE)
    assert [c.title for c in read.completions] == [
        NES_TITLE,  # en-GB chosen over cy-GB
        "IMHOL: Infant Mental Health Online",
        "Perinatal mental health: an introduction",  # "en" chosen over "fr"
    ]
    nes, imhol, perinatal = read.completions
    assert (nes.finished, nes.hours, nes.outcome) == (
        datetime.date(2026, 3, 5),
        Decimal("3.3"),  # PT3H15M
        "completed",
    )
    assert nes.provider == "NHS Education for Scotland (Turas Learn)"  # context.platform
    # 23:30 UTC on 20 April is 00:30 on the 21st in London (summer time).
    assert imhol.finished == datetime.date(2026, 4, 21)
    assert imhol.hours == Decimal("26.5")  # P1DT2H30M
    assert imhol.outcome == "passed" and imhol.email == "alice@example.org"
    assert imhol.provider == "Warwick learning record store"  # the authority's name
    assert perinatal.hours is None  # the file does not say: never 0
    assert perinatal.mbox_sha1 == "0e2c7c1362c996630c1cc1ad912cfa202d78e1bc"
    # attempted, experienced, and the voiding statement itself
    assert read.not_completions == 3
    assert read.voided == ["statement 5 (id 139f12ee-0f54-428b-8d32-33f5028f9761)"]
    assert not read.more


def test_a_broken_file_names_each_statement_and_field():
    statements = json.loads(ALICE_FILE)["statements"]
    statements[0]["verb"] = {"display": {"en-GB": "completed"}}
    statements[1]["result"]["duration"] = "about two hours"
    statements[3]["actor"] = {"objectType": "Group", "member": []}
    statements[4]["object"] = {"objectType": "Agent", "mbox": "mailto:x@example.org"}
    with pytest.raises(ImportProblem) as problem:
        learning_import.read("broken.json", json.dumps(statements).encode())
    assert problem.value.errors == [
        "broken.json, statement 1 (id 04ee4fc3-0fe6-42b6-927c-f4380d14d8f5), verb: missing, "
        "or its id is not an IRI",
        "broken.json, statement 2 (id a4de5387-9ca6-4b12-8294-070221dcc989), result.duration: "
        "“about two hours” is not an ISO 8601 duration in days, hours, minutes or seconds "
        "(e.g. PT2H30M)",
        "broken.json, statement 4 (id 5989f2c9-7078-477e-938b-d7ed60944c30), actor: a group, "
        "not one learner",
        "broken.json, statement 5 (id 139f12ee-0f54-428b-8d32-33f5028f9761), object: a Agent, "
        "not an activity; only completed activities become training records",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "bad.json: not readable JSON"),
        (b'{"statements": "none"}', "bad.json: not xAPI statements"),
        (b"[]", "bad.json: the file holds no statements"),
        (b"\xff\xfe", "bad.json: not UTF-8 text"),
        (b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]", "bad.json: not readable JSON"),
    ],
)
def test_a_file_that_is_not_xapi_is_refused_whole(content, message):
    with pytest.raises(ImportProblem) as problem:
        learning_import.read("bad.json", content)
    assert problem.value.errors[0].startswith(message)


def test_iso_durations_become_hours_and_years_or_months_are_refused():
    hours = learning_import._hours
    assert hours("PT45M") == Decimal("0.8")
    assert hours("PT1H30M") == Decimal("1.5")
    assert hours("PT5400S") == Decimal("1.5")
    assert hours("P1W") == Decimal("168.0")
    assert hours("PT0.5H") == Decimal("0.5")
    assert hours("P1M") is None  # a month's length in hours is not fixed
    assert hours("P1Y") is None
    assert hours("PT") is None and hours("P") is None and hours("2 hours") is None


def test_a_csv_names_each_row_and_field():
    content = (
        b"title,provider,finished,hours,course\n"
        b"Study day,Anytown NHS Trust,2026-04-21,6.5,\n"
        b",,2026-04-22,1,\n"
        b"Reading,,yesterday,lots,\n"
    )
    with pytest.raises(ImportProblem) as problem:
        learning_import.read("mine.csv", content)
    assert problem.value.errors == [
        "mine.csv, row 3, title: empty; give the training a title",
        "mine.csv, row 4, finished: “yesterday” is not a date like 2026-03-05 or 05/03/2026",
        "mine.csv, row 4, hours: “lots” is not a number",
    ]


# The practitioner ------------------------------------------------------------------------


def test_her_xapi_file_becomes_proposals_that_count_nowhere_until_confirmed(
    client, alice, imhol_address
):
    client.force_login(alice)
    done = bring_in(client, ALICE_FILE)
    assert done.status_code == 302 and done["Location"] == reverse("assessments:proposals")
    page = client.get(done["Location"])
    said = text(page)
    assert (
        "3 completions found: 2 are courses in the catalogue and 1 is other learning (now "
        "proposed, for you to confirm)."
    ) in said
    assert "3 statements were not a completion" in said
    assert "1 statement was withdrawn (voided)" in said
    proposed = waiting(alice)
    assert set(proposed) == {
        NES_TITLE,
        "IMHOL: Infant Mental Health Online",
        "Perinatal mental health: an introduction",
    }
    nes = proposed[NES_TITLE]
    assert nes.course.slug == "nes-imh-elearning" and nes.method == "elearning"  # by title
    imhol = proposed["IMHOL: Infant Mental Health Online"]
    assert imhol.course.slug == "warwick-imhol"  # by its activity id
    assert imhol.statement_id == "a4de5387-9ca6-4b12-8294-070221dcc989"
    other = proposed["Perinatal mental health: an introduction"]
    assert other.course is None and other.hours is None
    assert nes.brought_by == alice and nes.file_name == "statements.json"
    assert "Not a course in the catalogue: other learning" in said
    assert "not given in the file: add them to confirm" in said
    # Nothing applied: no record, no "Recorded" mark on the plan, none in her portfolio.
    assert not TrainingRecord.objects.filter(user=alice).exists()
    assert "Recorded:" not in text(client.get(reverse("assessments:plan")))
    portfolio = text(client.get(reverse("assessments:portfolio")))
    assert "3 proposed records waiting for you to confirm or discard" in portfolio
    assert "Confirm the 2 that give the hours" in said  # the third has none
    assert "No training recorded yet" in portfolio


def test_confirming_one_makes_the_record_and_marks_it_recorded_on_her_plan(client, alice):
    client.force_login(alice)
    bring_in(client, ALICE_FILE)
    nes = waiting(alice)[NES_TITLE]
    plan = text(client.get(reverse("assessments:plan")))
    assert 'Record it when done<span class="visually-hidden">: ' + NES_TITLE in plan
    done = client.post(reverse("assessments:proposal_confirm", args=[nes.pk]))
    assert done.status_code == 302
    record = TrainingRecord.objects.get(user=alice)
    assert (record.title, record.finished, record.hours, record.participatory_hours) == (
        NES_TITLE,
        datetime.date(2026, 3, 5),
        Decimal("3.3"),
        Decimal("0"),
    )
    assert record.course.slug == "nes-imh-elearning"
    assert record.provider == "NHS Education for Scotland"  # the catalogue's, not the platform
    nes.refresh_from_db()
    assert nes.state == ProposalState.CONFIRMED and nes.record == record
    plan = text(client.get(reverse("assessments:plan")))
    mark = f'<strong>Recorded:</strong> <a href="{record.get_absolute_url()}">training from'
    assert f"{mark} this course, finished 5 March 2026" in plan
    assert 'Record it when done<span class="visually-hidden">: ' + NES_TITLE not in plan
    # And on the gaps page, which opens with the same answer.
    assert "finished 5 March 2026" in text(client.get(reverse("assessments:gaps")))
    # It is no longer proposed.
    assert NES_TITLE not in waiting(alice)
    assert client.post(reverse("assessments:proposal_confirm", args=[nes.pk])).status_code == 404


def test_one_without_hours_asks_for_them_before_a_record_is_made(client, alice):
    client.force_login(alice)
    bring_in(client, ALICE_FILE)
    other = waiting(alice)["Perinatal mental health: an introduction"]
    asked = client.post(reverse("assessments:proposal_confirm", args=[other.pk]))
    assert asked["Location"] == reverse("assessments:proposal", args=[other.pk])
    assert not TrainingRecord.objects.exists()
    form = client.get(asked["Location"])
    assert "give the CPD hours, which the file does not say" in text(form)
    data = dict(proposals.record_data(other), hours="")
    refused = client.post(asked["Location"], data)
    assert refused.status_code == 400 and "hours" in refused.context["form"].errors
    assert 'value="Perinatal mental health: an introduction"' in text(refused)  # kept
    done = client.post(asked["Location"], dict(data, hours="2", participatory_hours="1"))
    record = TrainingRecord.objects.get(user=alice)
    assert done["Location"] == record.get_absolute_url()
    assert (record.hours, record.participatory_hours, record.course) == (
        Decimal("2"),
        Decimal("1"),
        None,
    )


def test_confirm_all_records_those_with_hours_and_leaves_the_rest(client, alice):
    client.force_login(alice)
    bring_in(client, ALICE_FILE)
    done = client.post(reverse("assessments:proposal_confirm_all"), follow=True)
    said = text(done)
    assert "Recorded 2 training records in your portfolio." in said
    assert "1 proposal needs its CPD hours before it can be confirmed" in said
    assert TrainingRecord.objects.filter(user=alice).count() == 2
    assert list(waiting(alice)) == ["Perinatal mental health: an introduction"]


def test_discarding_leaves_no_record_and_the_file_does_not_propose_it_again(client, alice):
    client.force_login(alice)
    bring_in(client, ALICE_FILE)
    nes = waiting(alice)[NES_TITLE]
    client.post(reverse("assessments:proposal_discard", args=[nes.pk]))
    assert NES_TITLE not in waiting(alice)
    assert not TrainingRecord.objects.exists()
    again = bring_in(client, ALICE_FILE)
    said = text(client.get(again["Location"]))
    assert "3 completions found." in said
    assert "3 were already in the records or brought in before, and are not proposed again" in (
        said
    )
    assert ProposedRecord.objects.filter(user=alice).count() == 3


def test_the_same_file_twice_makes_nothing_new(client, alice):
    client.force_login(alice)
    bring_in(client, ALICE_FILE)
    bring_in(client, ALICE_FILE)
    assert ProposedRecord.objects.filter(user=alice).count() == 3


def test_learning_already_in_her_records_is_not_proposed_again(client, alice):
    TrainingRecord.objects.create(
        user=alice,
        course=Course.objects.get(slug="nes-imh-elearning"),
        title="NES attachments module",
        finished=datetime.date(2026, 3, 5),
        hours=3,
    )
    client.force_login(alice)
    bring_in(client, ALICE_FILE)
    assert NES_TITLE not in waiting(alice)
    assert len(waiting(alice)) == 2


def test_another_persons_statements_are_refused(client, alice, bob):
    client.force_login(bob)
    done = bring_in(client, ALICE_FILE)
    messages = text(client.get(done["Location"]))
    assert "0 completions found." not in messages  # they are found, and refused
    assert (
        "3 completions could not be matched to an e-mail address you have confirmed "
        "(alice@example.org, an address given as a"
    ) in messages
    assert not ProposedRecord.objects.exists()


def test_an_unconfirmed_address_is_not_hers(client, catalogue):
    carla = UserFactory(username="carla", email="alice@example.org", email_confirmed=False)
    client.force_login(carla)
    bring_in(client, ALICE_FILE)
    assert not ProposedRecord.objects.exists()


def test_a_bad_file_shows_its_errors_at_the_top_and_writes_nothing(client, alice):
    statements = json.loads(ALICE_FILE)
    statements["statements"][0]["timestamp"] = "5 March"
    client.force_login(alice)
    page = bring_in(client, json.dumps(statements).encode())
    assert page.status_code == 400
    said = text(page)
    assert "There is a problem" in said and "Nothing was brought in" in said
    assert "statement 1 (id 04ee4fc3-0fe6-42b6-927c-f4380d14d8f5), timestamp: “5 March”" in said
    assert not ProposedRecord.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "Use an xAPI file (.json) or a CSV file (.csv)."),
        ("big.json", b" " * (MAX_BYTES + 1), "The file is larger than 5 MB; split it."),
        ("odd.json", b'{"statements": 3}', "odd.json: not xAPI statements"),
    ],
)
def test_a_wrong_kind_or_size_of_file_is_refused_never_a_server_error(
    client, alice, name, content, message
):
    client.force_login(alice)
    page = bring_in(client, content, name)
    assert page.status_code == 400 and message in text(page)


def test_her_csv_becomes_proposals_and_its_course_column_names_a_catalogue_course(client, alice):
    content = (
        b"title,provider,finished,hours,course\n"
        b"Perinatal study day,Anytown NHS Trust,21/04/2026,6.5,\n"
        b",,2026-03-05,3,nes-imh-elearning\n"
    )
    client.force_login(alice)
    bring_in(client, content, "mine.csv")
    proposed = waiting(alice)
    assert proposed["Perinatal study day"].hours == Decimal("6.5")
    assert proposed["Perinatal study day"].source == "csv"
    nes = proposed[NES_TITLE]  # the course's title, as the record form fills it
    assert nes.course.slug == "nes-imh-elearning"
    assert nes.provider == "NHS Education for Scotland"
    unknown = bring_in(client, content.replace(b"nes-imh-elearning", b"no-such-course"), "b.csv")
    assert unknown.status_code == 400
    assert "b.csv, row 3, course: “no-such-course” is not a course in the catalogue" in text(
        unknown
    )


def test_the_csv_template_downloads(client, alice):
    client.force_login(alice)
    got = client.get(reverse("assessments:bring_in_template"))
    assert got["Content-Disposition"].endswith('filename="imhcf-learning-template.csv"')
    assert got.content.decode().splitlines()[0] == "title,provider,finished,hours,course"


def test_someone_elses_proposal_is_a_404(client, alice, bob):
    client.force_login(alice)
    bring_in(client, ALICE_FILE)
    nes = waiting(alice)[NES_TITLE]
    client.force_login(bob)
    for name in ("proposal", "proposal_confirm", "proposal_discard"):
        method = client.get if name == "proposal" else client.post
        assert method(reverse(f"assessments:{name}", args=[nes.pk])).status_code == 404
    nes.refresh_from_db()
    assert nes.state == ProposalState.PROPOSED


# The training lead ---------------------------------------------------------------------


def test_a_leads_file_proposes_for_her_organisations_people_only(client, team, alice, bob, tess):
    client.force_login(tess)
    page = lead_brings_in(client, team.organisation, TEAM_FILE)
    assert page.status_code == 200
    said = text(page)
    assert "3 completions found: 2 are courses in the catalogue" in said
    assert "not a member of your organisation's teams" in said
    assert "sam.stranger@elsewhere.example" in said
    assert "The proposals wait on the portfolios of 2 people" in said
    alice_nes, bob_nes = waiting(alice)[NES_TITLE], waiting(bob)[NES_TITLE]
    assert (alice_nes.hours, bob_nes.hours) == (Decimal("2.0"), Decimal("2.5"))
    assert alice_nes.brought_by == tess and alice_nes.organisation == team.organisation
    assert ProposedRecord.objects.count() == 2
    assert not TrainingRecord.objects.exists()
    # Alice sees who brought it in, from which file, and decides.
    client.force_login(alice)
    hers = text(client.get(reverse("assessments:proposals")))
    assert "by tess, training lead of Trust A from team.json" in hers
    # The lead cannot reach Alice's proposal.
    client.force_login(tess)
    url = reverse("assessments:proposal_confirm", args=[alice_nes.pk])
    assert client.post(url).status_code == 404


def test_a_leads_file_does_not_reach_another_organisations_people(client, team, tess):
    elsewhere = TeamFactory(name="West", organisation__name="Trust B")
    dora = UserFactory(username="dora", email="sam.stranger@elsewhere.example")
    MembershipFactory(team=elsewhere, user=dora)
    client.force_login(tess)
    lead_brings_in(client, team.organisation, TEAM_FILE)
    assert not ProposedRecord.objects.filter(user=dora).exists()


def test_a_lead_of_another_organisation_gets_404(client, team, alice):
    other_lead = UserFactory(username="lena")
    from tests.factories import TrainingLeadFactory, with_authenticator

    TrainingLeadFactory(organisation__name="Trust B", user=other_lead)
    client.force_login(with_authenticator(other_lead))
    assert lead_brings_in(client, team.organisation, TEAM_FILE).status_code == 404
    assert not ProposedRecord.objects.exists()


def test_a_leads_csv_needs_the_email_column(client, team, tess):
    client.force_login(tess)
    page = lead_brings_in(
        client, team.organisation, b"title,finished\nStudy day,2026-04-21\n", "team.csv"
    )
    assert page.status_code == 400
    assert "team.csv, row 1: no column named email" in text(page)
    template = client.get(
        reverse("assessments:learning_import_template", args=[team.organisation.pk])
    )
    assert template.content.decode().splitlines()[0] == "title,provider,finished,hours,course,email"


# Query counts ----------------------------------------------------------------------------


def test_the_proposals_page_reads_the_same_queries_however_many_proposals(client, alice):
    client.force_login(alice)
    url = reverse("assessments:proposals")
    bring_in(client, ALICE_FILE)
    few = count_queries(client, url)
    for i in range(20):
        ProposedRecord.objects.create(
            user=alice,
            title=f"Study day {i}",
            finished=datetime.date(2026, 1, 1 + i),
            source="csv",
            file_name="more.csv",
            key=f"k{i}",
            brought_by=alice,
        )
    assert few == count_queries(client, url) == 3  # session, user, her proposals


def reads_of(client, url, name: str, content: bytes) -> int:
    """Queries other than the INSERTs of one upload (the proposals are written in
    batches, as many as the database takes in one statement)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    return sum(not q["sql"].startswith("INSERT") for q in queries.captured_queries)


def test_bringing_in_a_file_reads_the_same_queries_however_long(client, alice):
    client.force_login(alice)
    url = reverse("assessments:bring_in")
    one = learning_import.template_csv()
    many = b"title,finished,hours\n" + b"".join(
        f"Course {i},2026-01-{1 + i % 28:02d},1\n".encode() for i in range(100)
    )
    assert reads_of(client, url, "a.csv", one) == reads_of(client, url, "b.csv", many) == 9
    assert ProposedRecord.objects.filter(user=alice).count() == 102


def test_the_same_learning_from_another_file_is_not_proposed_twice(client, alice):
    client.force_login(alice)
    bring_in(client, b"title,finished,hours\n" + NES_TITLE.encode() + b",2026-03-05,3\n", "a.csv")
    bring_in(client, ALICE_FILE)
    assert [p.source for p in ProposedRecord.objects.filter(title=NES_TITLE)] == ["csv"]
    assert len(waiting(alice)) == 3


def test_a_course_page_of_this_site_as_activity_id_is_recognised(settings, catalogue):
    settings.IMHCF_SITE_URL = "https://imhcf.example.org"
    catalogue_ = proposals.read_catalogue()
    statement = json.loads(TEAM_FILE)[0]
    statement["object"] = {
        "id": "https://imhcf.example.org/courses/northampton-pgcert/",
        "definition": {"name": {"en-GB": "PG Cert, Advanced Practice in IMH"}},
    }
    (completion,) = learning_import.read("one.json", json.dumps([statement]).encode()).completions
    assert catalogue_.recognise(completion).course.slug == "northampton-pgcert"
    statement["object"]["id"] = "https://elsewhere.example/courses/northampton-pgcert/"
    (completion,) = learning_import.read("one.json", json.dumps([statement]).encode()).completions
    assert catalogue_.recognise(completion) is None


@pytest.mark.usefixtures("no_sql_in_templates")
def test_the_new_pages_run_no_query_while_rendering(client, team, alice, tess):
    client.force_login(alice)
    bring_in(client, ALICE_FILE)
    other = waiting(alice)["Perinatal mental health: an introduction"]
    for url in (
        reverse("assessments:bring_in"),
        reverse("assessments:proposals"),
        reverse("assessments:proposal", args=[other.pk]),
        reverse("assessments:portfolio"),
        reverse("assessments:plan"),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(tess)
    assert lead_brings_in(client, team.organisation, TEAM_FILE).status_code == 200


def test_a_leads_upload_reads_the_same_queries_however_many_staff(client, team, tess):
    client.force_login(tess)
    url = reverse("assessments:learning_import", args=[team.organisation.pk])

    def reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = client.post(url, {"file": SimpleUploadedFile("team.json", TEAM_FILE)})
        assert page.status_code == 200
        return sum(not q["sql"].startswith("INSERT") for q in queries.captured_queries)

    few = reads()
    for i in range(30):
        MembershipFactory(team=team, user__username=f"staff{i}")
    assert reads() == few
