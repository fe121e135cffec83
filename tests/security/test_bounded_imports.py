"""Imports bounded by what they read (security review 3, finding 3 and information 9):
an XLSX whose sheet has no <dimension> element was parsed whole when opened, before
the row cap could count a row, and 2,001 people passed the 2,000-person cap. Rows read
are counted by wrapping openpyxl's XML parser (a library, not our code): the rows it
hands over are the rows read, whatever reads them."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.worksheet import _reader

from assessments.teams import importing as staff
from catalogue.importing import COLUMNS, MAX_ROWS, ImportProblem, import_wording, read_table

PERSON = ["Sam Jones", "sam@trust-a.example", "Health visitor", "North locality", "no"]
WORDING = ["1.01", "1", "", "1", "Knowledge of play.", "Ability to play."]


def xlsx_without_dimension(header: list[str], rows: list[list[str]]) -> bytes:
    """A workbook whose sheet has no <dimension> element (openpyxl and Excel write one;
    the review's bomb left it out), with `rows` as inline strings under the header."""
    book = Workbook()
    book.active.append(header)
    plain = io.BytesIO()
    book.save(plain)
    body = "".join(
        f'<row r="{line}">'
        + "".join(f'<c t="inlineStr"><is><t>{cell}</t></is></c>' for cell in row)
        + "</row>"
        for line, row in enumerate(rows, start=2)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r"<dimension[^>]*/>", "", data.decode())
                data = text.replace("</row></sheetData>", f"</row>{body}</sheetData>").encode()
                assert b"<dimension" not in data and data.count(b"<row ") == len(rows) + 1
            zf.writestr(entry.filename, data)
    return out.getvalue()


@pytest.fixture
def rows_read(monkeypatch) -> list[int]:
    """How many <row> elements openpyxl's sheet parser has handed over, as [count]."""
    count = [0]
    parse = _reader.iterparse

    def counting(*args, **kwargs):
        for event, element in parse(*args, **kwargs):
            if element.tag.endswith("}row"):
                count[0] += 1
            yield event, element

    monkeypatch.setattr(_reader, "iterparse", counting)
    return count


def test_a_staff_list_without_dimension_is_refused_after_reading_just_past_the_cap(rows_read):
    content = xlsx_without_dimension(list(staff.COLUMNS), [PERSON] * 50_000)
    assert len(content) < 200_000  # 50,000 people in a small file
    with pytest.raises(ImportProblem) as problem:
        staff.parse("staff.xlsx", content)
    assert problem.value.errors == ["staff.xlsx: more than 2,000 people; split the file"]
    assert staff.MAX_ROWS + 1 < rows_read[0] <= staff.MAX_ROWS + 3  # header, cap, one more


def test_a_wording_file_without_dimension_is_refused_after_reading_just_past_the_cap(
    rows_read,
):
    content = xlsx_without_dimension(list(COLUMNS), [WORDING] * 50_000)
    with pytest.raises(ImportProblem) as problem:
        read_table("wording.xlsx", content)
    assert problem.value.errors == [
        "wording.xlsx: more than 2,500 rows; the framework needs at most 2,079 and a header"
    ]
    assert MAX_ROWS < rows_read[0] <= MAX_ROWS + 2
    with pytest.raises(ImportProblem):  # the admin's and the command's path
        import_wording("wording.xlsx", content)


def test_a_sheet_that_unpacks_past_20_mb_is_refused_before_it_is_parsed(rows_read):
    content = xlsx_without_dimension(list(staff.COLUMNS), [PERSON] * 200_000)
    with pytest.raises(ImportProblem) as problem:
        staff.parse("staff.xlsx", content)
    assert "unpacks to more than 20 MB" in problem.value.errors[0]
    assert rows_read[0] == 0


def people(count: int) -> list[list[str]]:
    return [
        [f"Person {i}", f"person{i}@trust-a.example", "Health visitor", "North locality", "no"]
        for i in range(count)
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_staff_cap_is_exact_2000_people_pass_and_2001_are_refused(suffix):
    def file(count: int) -> bytes:
        if suffix == ".xlsx":
            return xlsx_without_dimension(list(staff.COLUMNS), people(count))
        lines = [",".join(staff.COLUMNS)] + [",".join(row) for row in people(count)]
        return ("\n".join(lines) + "\n").encode()

    assert len(staff.parse(f"staff{suffix}", file(2_000))) == 2_000
    with pytest.raises(ImportProblem) as problem:
        staff.parse(f"staff{suffix}", file(2_001))
    assert problem.value.errors == [f"staff{suffix}: more than 2,000 people; split the file"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_wording_cap_is_exact_2500_rows_pass_and_2501_are_refused(suffix):
    def file(count: int) -> bytes:  # `count` rows, the header included
        if suffix == ".xlsx":
            return xlsx_without_dimension(list(COLUMNS), [WORDING] * (count - 1))
        return (",".join(COLUMNS) + "\n" + "1.01,1,,1,k,a\n" * (count - 1)).encode()

    assert len(read_table(f"wording{suffix}", file(MAX_ROWS))) == MAX_ROWS
    with pytest.raises(ImportProblem) as problem:
        read_table(f"wording{suffix}", file(MAX_ROWS + 1))
    assert "more than 2,500 rows" in problem.value.errors[0]


def test_empty_rows_are_read_only_as_far_again_as_the_cap(rows_read):
    content = xlsx_without_dimension(list(staff.COLUMNS), [[""] * 5] * 10_000 + [PERSON])
    with pytest.raises(ImportProblem) as problem:
        staff.parse("staff.xlsx", content)
    assert "most of them empty; delete the empty rows" in problem.value.errors[0]
    assert rows_read[0] <= 2 * (staff.MAX_ROWS + 1) + 2
