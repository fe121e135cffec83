"""The portfolio: training records with their files, reflections, the regulator's cycle,
and the downloads. Files are stored on a temporary local disk through Django's storage
API, as in production without a bucket."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import (
    EvidenceFile,
    Membership,
    Reflection,
    Registration,
    TrainingRecord,
)
from tests.factories import MembershipFactory, UserFactory
from tests.prepared import prepared_download
from tests.queries import count_queries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(name: str, content: bytes, kind: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=kind)


def record_post(**changes) -> dict:
    data = {
        "course": "",
        "module": "",
        "title": "Attachment study day",
        "provider": "Local authority",
        "method": "workshop",
        "started": "",
        "finished": "2026-05-01",
        "hours": "6",
        "participatory_hours": "4",
        "covered": "Attachment and reflective practice",
        "code_theme": "",
    }
    data.update(changes)
    return data


def nes_record(alice) -> TrainingRecord:
    from catalogue.models import Course

    nes = Course.objects.get(slug="nes-imh-elearning")
    return TrainingRecord.objects.create(
        user=alice,
        course=nes,
        title=nes.title,
        finished=datetime.date(2026, 3, 5),
        hours=Decimal(3),
    )


# Training records ---------------------------------------------------------------


def test_a_course_from_the_plan_is_recorded_with_its_certificate(client, alice, settings):
    client.force_login(alice)
    form = client.get(reverse("assessments:record_new") + "?course=nes-imh-elearning")
    text = form.content.decode()
    assert "Infant Mental Health" in text and "NHS Education for Scotland" in text
    data = record_post(
        course=str(form.context["form"].initial["course"]),
        title="",
        provider="",
        method="elearning",
        hours="3",
        participatory_hours="0",
    )
    data["file"] = upload("NES certificate.pdf", PDF)
    response = client.post(reverse("assessments:record_new"), data)
    record = TrainingRecord.objects.get(user=alice)
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert record.title.startswith("Infant Mental Health") and record.provider
    evidence = record.files.get()
    assert evidence.name == "NES certificate.pdf" and evidence.content_type == "application/pdf"
    assert evidence.file.name.startswith(f"evidence/{alice.pk}/")
    assert "certificate" not in evidence.file.name  # stored under a random name
    assert len(stored_files(settings)) == 1
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Look at these ratings again" in page
    assert "Level 1, Domain 4: Assessment of caregiving" in page
    assert "contributes to this" in page  # the NES links are not graded as closing
    assert "teaches this in a core module" not in page


def test_the_grid_offers_the_record_as_evidence_on_the_items_its_course_links_to(client, alice):
    record = nes_record(alice)
    client.force_login(alice)
    url = reverse("assessments:grid", args=[1, 4]) + f"?record={record.pk}"
    text = client.get(url).content.decode()
    assert "Linked to your training" in text
    assert "Training: Infant Mental Health" in text and "finished 5 March 2026" in text
    assert not alice.ratings.exists()  # offered, not saved
    domain6 = client.get(reverse("assessments:grid", args=[1, 6]) + f"?record={record.pk}")
    assert "links your training record" in domain6.content.decode()
    assert 'badge text-bg-info">Linked' not in domain6.content.decode()  # no NES link there


def test_another_persons_record_is_not_offered_on_the_grid(client, alice, bob):
    record = nes_record(bob)
    client.force_login(alice)
    url = reverse("assessments:grid", args=[1, 4]) + f"?record={record.pk}"
    assert client.get(url).status_code == 404


def test_bad_record_input_is_named_beside_the_field_and_the_text_kept(client, alice):
    client.force_login(alice)
    data = record_post(hours="2", participatory_hours="5", started="2026-06-01")
    response = client.post(reverse("assessments:record_new"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Participatory hours are part of the CPD hours: at most 2" in text
    assert "The start is after the day it was finished" in text
    assert "Attachment and reflective practice" in text
    assert not TrainingRecord.objects.exists()


def test_deleting_a_record_deletes_its_files(
    client, alice, settings, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    data = record_post()
    data["file"] = upload("letter.pdf", PDF)
    client.post(reverse("assessments:record_new"), data)
    record = TrainingRecord.objects.get()
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:record_delete", args=[record.pk]))
    assert not TrainingRecord.objects.exists() and not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


def test_deleting_the_account_deletes_its_files(
    alice, settings, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from assessments.accounts.services import delete_account
    from assessments.models import Job
    from assessments.portfolio import files, services
    from assessments.tasks import prepared

    record = nes_record(alice)
    checked = files.check(upload("c.pdf", PDF), used=0)
    services.add_file(owner=alice, checked=checked, record=record)
    with django_capture_on_commit_callbacks(execute=True):
        download = prepared.start(owner=alice, kind=Job.Kind.RECORD_ZIP)
    download.refresh_from_db()
    assert download.file and default_storage.exists(download.file.name)  # her whole record
    assert len(stored_files(settings)) == 2  # the certificate, and the ZIP holding it
    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=alice)
    assert stored_files(settings) == []
    assert not default_storage.exists(download.file.name)  # not left for the sweep


# Uploads -------------------------------------------------------------------------


def post_file(client, record, name, content, kind="application/pdf"):
    return client.post(
        reverse("assessments:record_file", args=[record.pk]),
        {"upload-file": upload(name, content, kind)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("certificate.pdf", b"MZ\x90\x00 not a pdf at all", "is not a PDF, PNG, JPEG or Word"),
        ("certificate.pdf", b"<html><script>alert(1)</script></html>", "is not a PDF"),
        ("report.docx", b"PK\x03\x04" + b"\x00" * 40, "is not a PDF"),
        ("<script>alert(1)</script>.pdf", PDF, "The file name may not contain"),
        ("a&b.pdf", PDF, "The file name may not contain"),
        ("empty.pdf", b"", "file is empty"),
    ],
)
def test_an_upload_that_is_not_what_it_says_is_refused_and_nothing_stored(
    client, alice, settings, name, content, message
):
    record = nes_record(alice)
    client.force_login(alice)
    text = post_file(client, record, name, content).content.decode()
    assert "Nothing was stored" in text and message in text
    assert "<script>alert(1)</script>" not in text  # the name is never echoed as markup
    assert not EvidenceFile.objects.exists() and stored_files(settings) == []


def test_an_oversized_file_is_refused_with_the_limit(client, alice, settings):
    settings.IMHCF_UPLOAD_MAX_MB = 1
    record = nes_record(alice)
    client.force_login(alice)
    big = PDF + b"0" * (1024 * 1024)
    text = post_file(client, record, "scan.pdf", big).content.decode()
    assert "files may be up to 1 MB" in text
    assert not EvidenceFile.objects.exists() and stored_files(settings) == []


def test_an_upload_past_the_quota_is_refused_and_says_what_is_used(client, alice, settings):
    settings.IMHCF_UPLOAD_QUOTA_MB = 1
    record = nes_record(alice)
    client.force_login(alice)
    half = PDF + b"0" * (600 * 1024)
    assert "Added first.pdf" in post_file(client, record, "first.pdf", half).content.decode()
    text = post_file(client, record, "second.pdf", half).content.decode()
    assert "past your 1 MB allowance (you use 0.6 MB)" in text
    assert EvidenceFile.objects.count() == 1 and len(stored_files(settings)) == 1


def test_a_path_in_the_file_name_never_reaches_storage(client, alice, settings):
    """Django drops any folder part of an uploaded name before our code sees it (browsers
    send none); the file is then stored under a random name in the owner's folder."""
    record = nes_record(alice)
    client.force_login(alice)
    boundary = "XyZ"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload-file"; '
            f'filename="../../../etc/passwd.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    client.post(
        reverse("assessments:record_file", args=[record.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    evidence = EvidenceFile.objects.get()
    assert evidence.name == "passwd.pdf"
    [path] = stored_files(settings)
    assert path.is_relative_to(settings.MEDIA_ROOT / "evidence" / str(alice.pk))
    assert "passwd" not in path.name


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("photo.png", PNG, "image/png"), ("jpeg.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg")],
)
def test_images_and_word_documents_are_accepted_by_their_content(
    client, alice, name, content, kind
):
    record = nes_record(alice)
    client.force_login(alice)
    post_file(client, record, name, content, "application/octet-stream")
    post_file(client, record, "notes.docx", docx(), "application/octet-stream")
    assert sorted(EvidenceFile.objects.values_list("content_type", flat=True)) == sorted(
        [kind, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    )


# Serving files --------------------------------------------------------------------


@pytest.fixture
def alices_file(alice):
    from assessments.portfolio import files, services

    record = nes_record(alice)
    return services.add_file(
        owner=alice, checked=files.check(upload("certificate.pdf", PDF), used=0), record=record
    )


def test_the_owner_downloads_her_file_as_an_attachment_never_cached(client, alice, alices_file):
    client.force_login(alice)
    response = client.get(alices_file.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_manager_reads_a_file_only_while_the_member_shares(client, alice, manager, alices_file):
    client.force_login(manager)
    assert client.get(alices_file.get_absolute_url()).status_code == 404
    Membership.objects.filter(user=alice).update(shares_evidence=True)
    assert client.get(alices_file.get_absolute_url()).status_code == 200
    Membership.objects.filter(user=alice).update(shares_evidence=False)
    assert client.get(alices_file.get_absolute_url()).status_code == 404


def test_teammates_outsiders_and_anonymous_people_never_get_a_file(
    client, alice, bob, outsider, alices_file
):
    Membership.objects.filter(user=alice).update(shares_evidence=True)
    client.force_login(bob)
    assert client.get(alices_file.get_absolute_url()).status_code == 404
    client.force_login(outsider)
    assert client.get(alices_file.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(alices_file.get_absolute_url()).status_code == 302  # to sign in


def test_check_files_finds_orphans_and_missing_files(alice, alices_file, settings, capsys):
    orphan = settings.MEDIA_ROOT / "evidence" / str(alice.pk) / "left-behind.pdf"
    orphan.write_bytes(PDF)
    with pytest.raises(SystemExit):
        call_command("check_files")
    assert "orphan file (no row): evidence/" in capsys.readouterr().out
    call_command("check_files", "--delete-orphans")
    assert not orphan.exists() and alices_file.file.storage.exists(alices_file.file.name)
    alices_file.file.storage.delete(alices_file.file.name)
    with pytest.raises(SystemExit):
        call_command("check_files")
    assert "missing file (row without it)" in capsys.readouterr().out


# Reflections -----------------------------------------------------------------------


def test_an_nmc_reflective_account_follows_the_nmc_prompts_and_code_themes(client, alice):
    Registration.objects.create(user=alice, regulator="nmc")
    client.force_login(alice)
    form = client.get(reverse("assessments:reflection_new", args=["account"])).content.decode()
    for prompt in (
        "What was the activity, feedback or event?",
        "How did you change or improve your practice as a result?",
        "How is this relevant to the Code?",
        "Prioritise people",
        "could identify them",
    ):
        assert prompt in form
    data = {
        "template": "nmc",
        "title": "Study day",
        "happened_on": "2026-05-02",
        "activity": "A study day on attachment",
        "learned": "Serve and return",
        "changed": "I watch for cues",
        "relevance": "Practise effectively",
        "code_themes": ["effective", "people"],
    }
    record = nes_record(alice)
    data["record"] = str(record.pk)
    response = client.post(reverse("assessments:reflection_new", args=["account"]), data)
    reflection = Reflection.objects.get()
    assert response.url == reflection.get_absolute_url()
    assert (
        "Study day</a> (reflective account, 2 May 2026)"
        in client.get(record.get_absolute_url()).content.decode()
    )
    assert reflection.code_themes == ["effective", "people"] and reflection.template == "nmc"


def test_a_social_work_england_record_asks_its_questions(client, alice):
    Registration.objects.create(user=alice, regulator="swe")
    client.force_login(alice)
    text = client.get(reverse("assessments:reflection_new", args=["account"])).content.decode()
    assert "What impact has it had" in text and "peer reflection" in text
    assert "Prioritise people" not in text


def test_a_reflective_discussion_says_its_partners_details_are_personal_data(client, alice):
    client.force_login(alice)
    url = reverse("assessments:reflection_new", args=["discussion"])
    text = client.get(url).content.decode()
    assert "personal data" in text and "Their NMC PIN" in text
    data = {"template": "general", "title": "Discussion", "happened_on": "2026-06-01",
            "activity": "My five accounts", "partner_name": "Pat Peer",
            "partner_pin": "nope"}  # fmt: skip
    response = client.post(url, data)
    assert "An NMC PIN looks like 12A3456B" in response.content.decode()
    data["partner_pin"] = "12a3456b"
    client.post(url, data)
    assert Reflection.objects.get().partner_pin == "12A3456B"


def test_an_unknown_kind_of_reflection_is_404(client, alice):
    client.force_login(alice)
    assert client.get("/me/portfolio/reflections/new/diary/").status_code == 404


# The cycle, the pack and the whole record ----------------------------------------------


def nmc_portfolio(alice):
    Registration.objects.create(
        user=alice, regulator="nmc", renewal_date=datetime.date(2027, 3, 31)
    )
    for i in range(3):
        TrainingRecord.objects.create(
            user=alice, title=f"Course {i}", finished=datetime.date(2026, 1 + i, 10),
            hours=Decimal(10), participatory_hours=Decimal(6),
        )  # fmt: skip
    for i in range(5):
        Reflection.objects.create(
            user=alice, kind="account", template="nmc", title=f"Account {i}",
            happened_on=datetime.date(2026, 2, 1 + i), activity="What happened",
            code_themes=["people"],
        )  # fmt: skip
    Reflection.objects.create(
        user=alice, kind="discussion", title="Discussion", happened_on=datetime.date(2026, 9, 1),
        activity="Talked through my accounts", partner_name="Pat Peer", partner_pin="12A3456B",
    )  # fmt: skip


def test_the_portfolio_shows_nmc_progress_against_the_rules(client, alice):
    nmc_portfolio(alice)
    client.force_login(alice)
    text = client.get(reverse("assessments:portfolio")).content.decode()
    assert "Revalidation application date: <strong>31 March 2027</strong>" in text
    assert "Revalidation application opens: <strong>30 January 2027</strong>" in text
    assert "CPD hours</th><td>30.0</td><td>35</td>" in text
    assert "Of them participatory</th><td>18.0</td><td>20</td>" in text
    assert "Written reflective accounts</th><td>5</td><td>5</td>" in text
    assert "Pieces of practice-related feedback</th><td>0</td><td>5</td>" in text
    assert "https://www.nmc.org.uk/revalidation/requirements/cpd/" in text


def test_the_portfolio_page_reads_the_same_number_of_queries_however_many_records(client, alice):
    nmc_portfolio(alice)
    client.force_login(alice)
    url = reverse("assessments:portfolio")
    client.get(url)
    few = count_queries(client, url)
    for i in range(10):
        record = TrainingRecord.objects.create(
            user=alice, title=f"More {i}", finished=datetime.date(2026, 4, 1), hours=Decimal(1)
        )
        EvidenceFile.objects.create(
            owner=alice, record=record, name="x.pdf", size=1,
            content_type="application/pdf", file="evidence/x.pdf",
        )  # fmt: skip
    assert few == count_queries(client, url) == 7


def test_the_nmc_pack_is_shaped_for_the_nmc_checks(client, alice):
    nmc_portfolio(alice)
    client.force_login(alice)
    got = prepared_download(client, "assessments:pack_pdf")
    assert got.response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(got.body)).pages)
    for words in ("CPD log", "Written reflective accounts", "Reflective discussion",
                  "Pat Peer", "12A3456B", "Prioritise people", "Confirmation"):  # fmt: skip
        assert words in text


def test_the_pack_zip_holds_the_pdf_and_every_file(client, alice, alices_file):
    Registration.objects.create(user=alice, regulator="hcpc")
    client.force_login(alice)
    archive = zipfile.ZipFile(io.BytesIO(prepared_download(client, "assessments:pack_zip").body))
    assert sorted(archive.namelist()) == ["files/001-certificate.pdf", "portfolio-pack.pdf"]
    assert archive.read("files/001-certificate.pdf") == PDF


def test_the_whole_record_zip_holds_data_csvs_and_files(client, alice, alices_file):
    from django.utils import timezone

    from assessments.models import SentReminder

    nmc_portfolio(alice)
    SentReminder.objects.create(
        user=alice, kind="renewal", due=datetime.date(2027, 3, 31), days_before=90,
        sent_at=timezone.now(),
    )  # fmt: skip
    SentReminder.objects.create(
        user=alice, kind="renewal", due=datetime.date(2027, 3, 31), days_before=30
    )  # claimed for sending, not sent yet: not listed
    client.force_login(alice)
    archive = zipfile.ZipFile(io.BytesIO(prepared_download(client, "assessments:export_zip").body))
    names = set(archive.namelist())
    assert {"record.json", "ratings-and-history.csv", "training-records.csv",
            "reflections.csv", "files/001-certificate.pdf", "README.txt"} <= names  # fmt: skip
    data = json.loads(archive.read("record.json"))
    assert data["registration"]["regulator"] == "nmc"
    assert len(data["training_records"]) == 4 and len(data["reflections"]) == 6
    assert data["files"][0]["in_zip"] == "files/001-certificate.pdf"
    [reminder] = data["reminders_sent"]
    assert (reminder["kind"], reminder["date"], reminder["days_before"]) == (
        "renewal", "2027-03-31", 90
    )  # fmt: skip
    reflections = archive.read("reflections.csv").decode()
    assert "Pat Peer" in reflections
    assert "Reflective account,NMC reflective account" in reflections  # names, not keys
    assert "Prioritise people" in reflections and ",account," not in reflections
    profile = client.get(reverse("assessments:profile")).content.decode()
    assert "Download your whole record (ZIP)" in profile and "every file you uploaded" in profile


def test_the_dates_download_as_a_calendar(client, alice):
    Registration.objects.create(
        user=alice, regulator="nmc", renewal_date=datetime.date(2027, 3, 31),
        appraisal_date=datetime.date(2027, 1, 15),
    )  # fmt: skip
    client.force_login(alice)
    response = client.get(reverse("assessments:dates_ics"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "DTSTART;VALUE=DATE:20270331" in body
    assert "DTSTART;VALUE=DATE:20270130" in body and "Revalidation application opens" in body
    assert "DTSTART;VALUE=DATE:20270115" in body and "\r\n" in body


# Managers ------------------------------------------------------------------------------


def test_a_manager_sees_which_member_recorded_which_course(client, alice, manager, alices_file):
    client.force_login(manager)
    url = reverse("assessments:team_training", args=[Membership.objects.get(user=alice).team_id])
    text = client.get(url).content.decode()
    assert "Infant Mental Health" in text and "1 member with a record" in text
    assert "certificate.pdf" not in text  # not shared
    Membership.objects.filter(user=alice).update(shares_evidence=True)
    assert "certificate.pdf" in client.get(url).content.decode()


def test_the_team_training_page_reads_the_same_queries_for_any_team_size(
    client, team, alice, manager
):
    nes_record(alice)
    client.force_login(manager)
    url = reverse("assessments:team_training", args=[team.pk])
    client.get(url)
    few = count_queries(client, url)
    for i in range(30):
        person = MembershipFactory(team=team, user__username=f"p{i}").user
        nes_record(person)
    assert few == count_queries(client, url) == 7


def test_a_bucket_setting_stores_files_through_django_storages(tmp_path):
    """IMHCF_S3_BUCKET switches evidence files to django-storages' S3 backend, private
    and never overwritten; without it they stay on local disk."""
    import os
    import subprocess
    import sys

    script = "from django.conf import settings; print(settings.STORAGES['default'])"
    run = lambda env: subprocess.run(  # noqa: E731
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "imhcf.settings", **env},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    bucket = run({"IMHCF_S3_BUCKET": "imhcf-evidence"})
    assert "storages.backends.s3.S3Storage" in bucket and "'default_acl': 'private'" in bucket
    assert "'file_overwrite': False" in bucket
    assert "FileSystemStorage" in run({"IMHCF_S3_BUCKET": ""})


def test_a_reflection_typed_when_the_session_ended_comes_back_after_signing_in(
    client, alice, settings
):
    from assessments.security.middleware import LAST_SEEN
    from tests.security.test_sessions import shift

    settings.IMHCF_SESSION_IDLE_MINUTES = 1
    client.force_login(alice)
    url = reverse("assessments:reflection_new", args=["account"])
    client.get(url)
    shift(client, LAST_SEEN, 61)
    typed = {
        "template": "general", "title": "Long reflection", "happened_on": "2026-05-02",
        "activity": "Forty minutes of writing about a study day on attachment",
    }  # fmt: skip
    response = client.post(url, typed)
    assert response["Location"].startswith(reverse("account_login"))
    assert not Reflection.objects.exists()  # nothing saved behind her back
    client.force_login(alice)
    body = client.get(url).content.decode()
    assert "What you typed is back below and is not saved yet" in body
    assert "Forty minutes of writing about a study day on attachment" in body
    assert not Reflection.objects.exists()


# Files on assessment items ---------------------------------------------------------


def test_a_file_on_a_grid_item_shows_there_and_changes_no_rating(client, alice, settings):
    from tests.assessments.helpers import rate

    rate(alice, {(1, 4): ("working_towards", "Observation at checks")})
    version = alice.ratings.get().version
    client.force_login(alice)
    grid = reverse("assessments:grid", args=[1, 4])
    response = client.post(
        reverse("assessments:item_file", args=[1, 4]),
        {"item": "D4", "upload-file": upload("supervision notes.pdf", PDF)},
        follow=True,
    )
    text = response.content.decode()
    assert response.redirect_chain[-1][0] == grid + "#files"
    assert "Added supervision notes.pdf." in text
    assert text.count(">supervision notes.pdf</a>") == 2  # on the item, and in the list
    assert alice.ratings.get().version == version  # the rating is untouched
    evidence = EvidenceFile.objects.get()
    assert (evidence.level, evidence.domain, evidence.competency_id) == (1, 4, None)
    deleted = client.post(reverse("assessments:file_delete", args=[evidence.pk]))
    assert deleted.url == grid + "#files"


def test_a_file_for_an_item_not_on_the_page_is_refused(client, alice, settings):
    client.force_login(alice)
    response = client.post(
        reverse("assessments:item_file", args=[1, 4]),
        {"item": "D5", "upload-file": upload("notes.pdf", PDF)},
        follow=True,
    )
    assert "choose which item the file is for" in response.content.decode()
    assert not EvidenceFile.objects.exists() and stored_files(settings) == []


def test_a_manager_sees_item_files_on_the_members_page_only_while_shared(
    client, alice, manager, settings
):
    from assessments.portfolio import files, services

    services.add_file(
        owner=alice, checked=files.check(upload("letter.pdf", PDF), used=0), item=(1, 4, None)
    )
    membership = Membership.objects.get(user=alice)
    client.force_login(manager)
    url = reverse("assessments:member_assessment", args=[membership.team_id, alice.pk])
    assert "letter.pdf" not in client.get(url).content.decode()
    Membership.objects.filter(pk=membership.pk).update(shares_evidence=True)
    assert "letter.pdf" in client.get(url).content.decode()


def test_an_hcpc_registrant_sees_her_gaps_and_the_audit_profile_in_her_pack(client, alice):
    Registration.objects.create(
        user=alice, regulator="hcpc", renewal_date=datetime.date(2027, 1, 31)
    )
    TrainingRecord.objects.create(
        user=alice, title="Study day", finished=datetime.date(2026, 2, 1), hours=Decimal(6)
    )
    client.force_login(alice)
    text = client.get(reverse("assessments:portfolio")).content.decode()
    assert "No learning recorded for 3 months or more" in text
    pdf = prepared_download(client, "assessments:pack_pdf").body
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "For an audit profile" in words and "up to 500 words" in words
    assert "Dated list of learning activities" in words


def test_the_dashboard_shows_the_dates_coming_up(client, alice):
    from django.utils import timezone

    today = timezone.localdate()
    Registration.objects.create(
        user=alice, regulator="nmc", renewal_date=today + datetime.timedelta(days=100),
        appraisal_date=today - datetime.timedelta(days=1),  # past: not shown
    )  # fmt: skip
    client.force_login(alice)
    text = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Revalidation application date: <strong>" in text and "(in 100 days)" in text
    assert "Revalidation application opens: <strong>" in text and "(in 40 days)" in text
    assert "Appraisal" not in text


def test_adding_and_deleting_files_is_logged_without_their_names(client, alice, caplog):
    record = nes_record(alice)
    client.force_login(alice)
    with caplog.at_level("INFO", logger="imhcf.security"):
        post_file(client, record, "letter about my supervision.pdf", PDF)
        evidence = EvidenceFile.objects.get()
        client.post(reverse("assessments:file_delete", args=[evidence.pk]))
    events = [r.getMessage() for r in caplog.records if r.name == "imhcf.security"]
    assert any(f"event=portfolio.file_added file={evidence.pk}" in e for e in events)
    assert any(f"event=portfolio.file_deleted file={evidence.pk}" in e for e in events)
    assert not any("supervision" in e for e in events)


def test_the_whole_record_zip_reads_the_same_queries_however_much_there_is(
    alice, alices_file, django_assert_num_queries
):
    """Built on a worker (tasks/prepared.py), from the person alone."""
    from assessments.accounts import export
    from assessments.portfolio import files, services

    nmc_portfolio(alice)
    with django_assert_num_queries(9):
        export.record_zip(alice)
    nmc_portfolio(UserFactory(username="other"))  # someone else's: not read
    for i in range(5):
        Reflection.objects.create(
            user=alice, kind="feedback", title=f"F{i}", happened_on=datetime.date(2026, 6, 1)
        )
    for i in range(5):
        services.add_file(
            owner=alice, checked=files.check(upload(f"f{i}.pdf", PDF), used=0),
            record=TrainingRecord.objects.filter(user=alice).last(),
        )  # fmt: skip
    # ratings, changes, files, registration, records, reflections with their domains
    # and competencies, reminders sent (the request's session and user no longer)
    with django_assert_num_queries(9):
        export.record_zip(alice)
