"""Input that broke or exhausted the running app in the security review (findings 7,
8, 9, 11): control characters in names, import files built to exhaust memory or time,
NUL characters (which PostgreSQL refuses), and refusals logged without who or where."""

import io
import logging
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import Rating, User
from catalogue.importing import MAX_BYTES, MAX_ROWS, ImportProblem, import_wording
from tests.assessments.helpers import grid_post

pytestmark = pytest.mark.django_db


def test_a_control_character_in_a_name_is_refused_and_never_breaks_an_xlsx(
    client, alice, team, manager
):
    mina = manager
    client.force_login(alice)
    answer = client.post(
        reverse("assessments:profile"), {"first_name": "Bell\x07", "job_role": "midwife"}
    )
    assert "invisible control character" in answer.content.decode()
    User.objects.filter(pk=alice.pk).update(first_name="Bell\x07")  # e.g. from an old import
    client.force_login(mina)
    for name in ("team_report_xlsx", "team_plan_xlsx"):
        download = client.get(reverse(f"assessments:{name}", args=[team.pk]))
        assert download.status_code == 200
        sheet = load_workbook(io.BytesIO(download.content)).worksheets[0]
        cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
        assert any("Bell " in cell for cell in cells), name  # the bell became a space


def xlsx_declaring_a_million_rows() -> bytes:
    """The review's dimbomb: a tiny workbook whose sheet says it runs to row 1,048,576,
    with one cell there; openpyxl's read-only mode pads every row in between."""
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "domain", "heading", "level", "knowledge", "ability"])
    sheet["A1048576"] = "1.01"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_declaring_a_million_rows_is_refused_quickly_with_a_reason(catalogue):
    content = xlsx_declaring_a_million_rows()
    assert len(content) < 10_000
    with pytest.raises(ImportProblem) as problem:
        import_wording("bomb.xlsx", content)
    assert f"more than {MAX_ROWS:,} rows" in str(problem.value.errors)


def test_a_csv_with_too_many_rows_is_refused(catalogue):
    content = ("code,domain,heading,level,knowledge,ability\n" + "1.01,1,h,1,k,a\n" * 3000).encode()
    with pytest.raises(ImportProblem) as problem:
        import_wording("long.csv", content)
    assert "more than" in problem.value.errors[0]


def test_an_upload_over_5_mb_is_refused_beside_the_field(client, admin_user, catalogue):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("big.csv", b"x" * (MAX_BYTES + 1), content_type="text/csv")
    answer = client.post(reverse("admin:catalogue_competency_import"), {"file": upload})
    assert answer.status_code == 200
    assert "larger than 5 MB" in answer.content.decode()
    with pytest.raises(ImportProblem):
        import_wording("big.csv", b"x" * (MAX_BYTES + 1))  # the command's path too


def test_a_broken_sheet_inside_a_valid_zip_is_refused_with_a_message(catalogue):
    good = io.BytesIO(xlsx_declaring_a_million_rows())
    broken = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut off mid-sheet
            target.writestr(entry, data)
    with pytest.raises(ImportProblem) as problem:
        import_wording("cut.xlsx", broken.getvalue())
    assert "not a readable XLSX workbook" in problem.value.errors[0]


@pytest.mark.parametrize("path", ["/framework/%00/", "/framework/1.0%00/", "/join/%00/"])
def test_a_nul_character_in_the_address_is_a_plain_bad_request(client, alice, path):
    client.force_login(alice)
    assert client.get(path).status_code == 400
    assert client.get("/courses/", {"q": "a\x00b"}).status_code == 400


def test_evidence_with_a_nul_character_comes_back_with_a_message_and_the_rest_kept(client, alice):
    client.force_login(alice)
    data = grid_post(alice, 1, 1, {"D1": ("achieved", "Joint visit\x00 with the midwife")})
    page = client.post(reverse("assessments:grid", args=[1, 1]), data)
    body = page.content.decode()
    assert page.status_code == 200 and "hidden character that cannot be stored" in body
    assert "Joint visit with the midwife" in body
    assert not Rating.objects.filter(user=alice).exists()
    data["evidence-D1"] = "Joint visit with the midwife"
    client.post(reverse("assessments:grid", args=[1, 1]), data)
    assert Rating.objects.get(user=alice).evidence == "Joint visit with the midwife"


def test_refused_looks_are_logged_with_who_asked_and_from_where(
    client, caplog, team, manager, outsider
):
    """Finding 11: refusals were logged with user_id=None and ip=''."""
    mina, carol = manager, User.objects.get(username="carol")
    caplog.set_level(logging.INFO, logger="imhcf.security")
    client.force_login(mina)
    client.get(reverse("assessments:member_assessment", args=[team.pk, carol.pk]))
    client.force_login(outsider)
    client.get(reverse("assessments:team_report", args=[team.pk]))
    refused = [r.getMessage() for r in caplog.records if "access.refused" in r.getMessage()]
    assert len(refused) == 2
    assert f"user_id={mina.pk}" in refused[0] and f"member:{carol.pk}" in refused[0]
    assert f"user_id={outsider.pk}" in refused[1]
    assert all("ip='127.0.0.1'" in line for line in refused)
