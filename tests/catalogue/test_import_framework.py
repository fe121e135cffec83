"""Importing the official wording (CSV and XLSX): all-or-nothing, every problem
named by file, row and field; from the command line and from admin."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from catalogue.completeness import framework_completeness
from catalogue.importing import COLUMNS
from catalogue.models import Competency, Domain, Wording

pytestmark = pytest.mark.django_db


def domain_rows(domain=1, size=10, level=1, heading="Heading"):
    return [
        [
            f"{domain}.{n:02d}",
            str(domain),
            heading,
            str(level),
            f"Knowledge of thing {domain}.{n:02d}.",
            f"Ability to use it, {domain}.{n:02d}.",
        ]
        for n in range(1, size + 1)
    ]


def as_csv(rows, header=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows) -> bytes:
    book = Workbook()
    book.active.append(list(COLUMNS))
    for row in rows:
        book.active.append([float(row[0]), int(row[1]), row[2], int(row[3]), row[4], row[5]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def state():
    return (
        list(Wording.objects.order_by("pk").values_list("competency__code", "level", "knowledge")),
        list(Domain.objects.values_list("number", "declared_size")),
        list(Competency.objects.values_list("code", "heading")),
    )


def run(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    call_command("import_framework", str(path))


def test_importing_domain_one_switches_it_to_per_competency(catalogue, tmp_path, capsys):
    run(tmp_path, "official.csv", as_csv(domain_rows()))

    domain = Domain.objects.with_counts().get(number=1)
    assert domain.is_complete_at(1)
    assert not domain.is_complete_at(2)
    assert Wording.objects.get(competency__code="1.04").knowledge == "Knowledge of thing 1.04."
    assert Wording.objects.get(competency__code="1.07").source.startswith(
        "Imported from official.csv"
    )
    assert framework_completeness().line == "the wording of 10 of 63 competencies"
    assert "2 updated" in capsys.readouterr().out  # 1.01 and 1.07 were already worded
    # The official words replace our summary of 1.01: it is no longer marked as ours.
    assert not Wording.objects.filter(is_summary=True).exists()
    assert framework_completeness().summarised == 0


def test_importing_a_new_domain_creates_its_codes_and_records_its_size(catalogue, tmp_path):
    run(tmp_path, "d4.xlsx", as_xlsx(domain_rows(domain=4, size=12, level=2)))
    assert Domain.objects.get(number=4).declared_size == 12
    assert list(Competency.objects.filter(domain=4).values_list("code", flat=True))[-3:] == [
        "4.10",
        "4.11",
        "4.12",  # 4.10 survives the spreadsheet turning it into 4.1
    ]
    assert Wording.objects.filter(competency__domain=4, level=2).count() == 12


def test_importing_the_same_file_twice_adds_nothing(catalogue, tmp_path):
    content = as_csv(domain_rows(domain=2, size=5))
    run(tmp_path, "d2.csv", content)
    once = Wording.objects.count()
    run(tmp_path, "d2.csv", content)
    assert Wording.objects.count() == once


def with_change(change):
    rows = domain_rows()
    change(rows)
    return rows


BAD_FILES = {
    "bad_level": (
        with_change(lambda r: r[3].__setitem__(3, "4")),
        "bad.csv, row 5, field 'level': '4' is not 1, 2 or 3",
    ),
    "bad_code": (
        with_change(lambda r: r[0].__setitem__(0, "1.1")),
        "bad.csv, row 2, field 'code': '1.1' is not a code like 1.07",
    ),
    "empty_ability": (
        with_change(lambda r: r[6].__setitem__(5, "")),
        "bad.csv, row 8, field 'ability': empty",
    ),
    "code_in_wrong_domain": (
        with_change(lambda r: r[1].__setitem__(1, "2")),
        "bad.csv, row 3, field 'domain': code 1.02 is not in domain 2",
    ),
    "duplicate_row": (
        with_change(lambda r: r.append(list(r[0]))),
        "bad.csv, row 12: 1.01 at level 1 is already on row 2",
    ),
    "gap_in_numbering": (
        with_change(lambda r: r.pop(4)),
        "domain 1 must be numbered 1.01 to 1.09 without gaps",
    ),
    "wrong_size_for_known_domain": (
        domain_rows(size=11),
        "domain 1 has 10 competencies; the file lists 11",
    ),
    "two_headings_for_one_code": (
        with_change(lambda r: r.append(["1.01", "1", "Other", "2", "K.", "A."])),
        "bad.csv, row 12, field 'heading': 1.01 has heading 'Heading' on row 2",
    ),
    "too_many_in_total": (
        domain_rows(domain=2, size=54),
        "the domains would hold 64 competencies; the framework has 63",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_changes_nothing_and_names_row_and_field(catalogue, tmp_path, case):
    rows, expected = BAD_FILES[case]
    before = state()
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "bad.csv", as_csv(rows))
    assert expected in str(caught.value)
    assert "Nothing was imported." in str(caught.value)
    assert state() == before


def test_missing_and_unknown_columns_are_named(catalogue, tmp_path):
    header = ("code", "domain", "level", "knowledge", "ability", "notes")
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "cols.csv", as_csv([], header=header))
    assert "cols.csv, row 1: missing column 'heading'" in str(caught.value)
    assert "cols.csv, row 1: unknown column 'notes'" in str(caught.value)


def test_a_file_that_is_not_a_spreadsheet_is_refused(catalogue, tmp_path):
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "broken.xlsx", b"not a zip file")
    assert "broken.xlsx: not a readable XLSX workbook" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "notes.txt", b"code\n")
    assert "notes.txt: use a .csv or .xlsx file" in str(caught.value)


def test_every_problem_is_listed_not_only_the_first(catalogue, tmp_path):
    rows = domain_rows()
    rows[0][3] = "9"
    rows[5][4] = ""
    with pytest.raises(CommandError) as caught:
        run(tmp_path, "two.csv", as_csv(rows))
    assert "two.csv, row 2, field 'level'" in str(caught.value)
    assert "two.csv, row 7, field 'knowledge': empty" in str(caught.value)


# From admin -----------------------------------------------------------------------------


def test_admin_offers_the_template_as_csv_and_as_xlsx(client, admin_user, catalogue):
    client.force_login(admin_user)
    csv_response = client.get(reverse("admin:catalogue_competency_import_template", args=["csv"]))
    assert csv_response["Content-Disposition"].endswith('template.csv"')
    assert csv_response.content.decode().splitlines()[0] == ",".join(COLUMNS)
    xlsx_response = client.get(reverse("admin:catalogue_competency_import_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet["A2"].value == "1.07"


def test_admin_import_saves_and_says_what_it_did(client, admin_user, catalogue):
    client.force_login(admin_user)
    upload = SimpleUploadedFile("official.csv", as_csv(domain_rows()), content_type="text/csv")
    response = client.post(
        reverse("admin:catalogue_competency_import"), {"file": upload}, follow=True
    )
    assert "Imported wording for domain 1: 0 new competencies, 8 new and 2 updated" in (
        response.content.decode()
    )
    assert Wording.objects.filter(competency__domain=1).count() == 10


def test_admin_import_lists_every_problem_and_saves_nothing(client, admin_user, catalogue):
    client.force_login(admin_user)
    rows = domain_rows()
    rows[2][3] = "x"
    before = state()
    upload = SimpleUploadedFile("bad.csv", as_csv(rows), content_type="text/csv")
    response = client.post(reverse("admin:catalogue_competency_import"), {"file": upload})
    assert response.status_code == 200
    assert "bad.csv, row 4, field &#x27;level&#x27;: &#x27;x&#x27; is not 1, 2 or 3" in (
        response.content.decode()
    )
    assert "Nothing was changed" in response.content.decode()
    assert state() == before


def test_admin_import_is_closed_to_non_staff(client, alice, catalogue):
    client.force_login(alice)
    response = client.get(reverse("admin:catalogue_competency_import"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
