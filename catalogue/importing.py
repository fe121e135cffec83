"""Import the official framework wording from an organisation's own copy (CSV or XLSX,
or a CASE 1.0 package, which catalogue/case/reading.py reads into the same rows).

Columns: code, domain, heading, level, knowledge, ability; one row per
competency and level. Two phases, as pretix does it: read and check every
row (each problem names the file, the row and the field), then write it all
in one transaction. A file with any problem changes nothing.

The file is authoritative for every domain it mentions: it must list all of
that domain's competencies (so the domain's size becomes known), numbered
d.01 upwards without gaps, and must not leave out a code already loaded.
"""

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from .models import CODE_PATTERN, LEVELS, Competency, Domain, Framework, Wording
from .page_cache import catalogue_changed

COLUMNS = ("code", "domain", "heading", "level", "knowledge", "ability")
# What the framework can need: 7 domains x 99 codes x 3 levels = 2,079 rows. A file
# larger than this, or with more rows, is refused before it can exhaust memory or time
# (an XLSX of a few kB can declare a million rows, and openpyxl would read them all).
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2_500  # rows that hold something, the header included; 2,501 are refused
# An XLSX part (a sheet, the shared strings) unpacked: 2,500 rows of long wording take
# about 3 MB, and a few kB of zip can unpack to gigabytes.
MAX_PART_BYTES = 20 * 1024 * 1024
TOO_MANY_ROWS = f"more than {MAX_ROWS:,} rows; the framework needs at most 2,079 and a header"
MAX_ERRORS = 25  # enough to fix a file in one pass without drowning the reader
TEMPLATE_ROWS = [
    (
        "1.07",
        "1",
        "",
        "1",
        "Knowledge of the importance of recognizing infant verbal and non-verbal behaviour "
        "as communication.",
        "Ability to use the above knowledge to observe, understand and communicate "
        "effectively with infants.",
    ),
]


class ImportProblem(Exception):
    """The file cannot be imported; `errors` lists every problem found. Nothing was saved."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    domain: int
    heading: str
    level: int
    knowledge: str
    ability: str
    # Only a CASE package can say so (its items typed as our summary). Such a row fills
    # a competency and level with no wording and never replaces any.
    is_summary: bool = False


@dataclass(frozen=True)
class Listed:
    """A competency a file lists whether or not it gives its wording: a CASE package
    lists each one as an item, so a domain can be listed whole with part of its wording."""

    code: str
    domain: int
    heading: str


@dataclass
class ImportResult:
    competencies_created: int = 0
    wordings_created: int = 0
    wordings_updated: int = 0
    domains: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        domains = ", ".join(str(d) for d in self.domains)
        return (
            f"Imported wording for domain{'s' if len(self.domains) != 1 else ''} {domains}: "
            f"{self.competencies_created} new competencies, {self.wordings_created} new and "
            f"{self.wordings_updated} updated level wordings."
        )


def import_wording(name: str, content: bytes) -> ImportResult:
    """Check and then import one file. `name` decides the format (.csv, .xlsx or a
    CASE package's .json) and appears in every message. Raises ImportProblem listing
    what is wrong."""
    listed: list[Listed] = []
    if Path(name).suffix.lower() == ".json":
        from .case.reading import read_package  # it reads into this module's rows

        rows, listed = read_package(name, content)
    else:
        rows = _parse_rows(name, read_table(name, content))
    _check_against_framework(name, rows, listed)
    return _write(name, rows, listed)


# Phase 1: read and check ----------------------------------------------------------


def _capped(name: str, rows: Iterable[list[str]], max_rows: int, too_many: str) -> list[list[str]]:
    """The rows, read one at a time and refused (ImportProblem) at the first row past the
    cap: at most `max_rows` rows that hold something (the header counts, so the cap is
    exact) and at most as many empty ones (spreadsheets keep formatted empty rows). So
    at most 2 * max_rows + 1 rows are ever read, however long the file says it is. A
    NUL character (which PostgreSQL cannot store) is refused here, by row and column."""
    table: list[list[str]] = []
    filled = 0
    errors: list[str] = []
    for line, row in enumerate(rows, start=1):
        if any(cell.strip() for cell in row):
            filled += 1
            if filled > max_rows:
                raise ImportProblem([f"{name}: {too_many}"])
        elif len(table) - filled >= max_rows:
            raise ImportProblem(
                [f"{name}: more than {max_rows:,} rows, most of them empty; delete the empty rows"]
            )
        for column, cell in enumerate(row, start=1):
            if "\x00" in cell and len(errors) < MAX_ERRORS:
                errors.append(
                    f"{name}, row {line}, column {column}: holds a NUL character, which "
                    "cannot be stored; retype the cell"
                )
        table.append(row)
    if errors:
        raise ImportProblem(errors)
    return table


class _UnmeasuredSheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, without measuring itself when opened. A sheet part
    with no <dimension> element is otherwise parsed whole to find its size, when the
    workbook is opened and before any row can be counted (security review 3, finding 3:
    a 572 kB file of 4 million rows held a worker past its 30 s). Every read here passes
    max_row and max_col, so the size is never needed."""

    def _get_size(self) -> None:
        return None


class _CappedReader(ExcelReader):
    """load_workbook(read_only=True) with worksheets that do not measure themselves."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                ws = _UnmeasuredSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                self.wb._sheets.append(ws)


def _xlsx_rows(
    name: str, content: bytes, *, max_cols: int, max_rows: int, too_many: str
) -> list[list[str]]:
    """The first worksheet's rows as text, reading no row past what _capped accepts."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        # Each part is parsed whole by openpyxl (shared strings) or row by row (sheets):
        # bound the unpacked size, which zipfile enforces while reading.
        if any(part.file_size > MAX_PART_BYTES for part in archive.infolist()):
            raise ImportProblem(
                [f"{name}: a part of the workbook unpacks to more than "
                 f"{MAX_PART_BYTES // 1024 // 1024} MB"]
            )  # fmt: skip
    reader = _CappedReader(io.BytesIO(content), read_only=True, data_only=True)
    reader.read()
    book = reader.wb
    try:
        if not book.worksheets:
            raise ImportProblem([f"{name}: the workbook has no sheet"])
        rows = book.worksheets[0].iter_rows(
            min_row=1, max_row=2 * max_rows + 1, max_col=max_cols, values_only=True
        )
        return _capped(
            name,
            (["" if cell is None else _cell_text(cell) for cell in row] for row in rows),
            max_rows,
            too_many,
        )
    finally:
        book.close()


def read_table(
    name: str,
    content: bytes,
    *,
    max_cols: int = len(COLUMNS) * 2,
    max_rows: int = MAX_ROWS,
    too_many: str = TOO_MANY_ROWS,
) -> list[list[str]]:
    """A CSV (UTF-8) or XLSX file's first sheet as rows of text, refused whole (with
    ImportProblem) when too large, too long or unreadable. `max_rows` counts the rows
    that hold something, the header included. Also reads staff imports."""
    if len(content) > MAX_BYTES:
        raise ImportProblem([f"{name}: larger than {MAX_BYTES // 1024 // 1024} MB"])
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportProblem([f"{name}: not UTF-8 text (save the CSV as UTF-8)"]) from exc
        return _capped(name, csv.reader(io.StringIO(text)), max_rows, too_many)
    if suffix == ".xlsx":
        try:
            return _xlsx_rows(
                name, content, max_cols=max_cols, max_rows=max_rows, too_many=too_many
            )
        except ImportProblem:
            raise
        except Exception as exc:  # openpyxl and zipfile raise many types for a broken file
            raise ImportProblem([f"{name}: not a readable XLSX workbook ({exc})"]) from exc
    raise ImportProblem([f"{name}: use a .csv or .xlsx file"])


def _cell_text(value) -> str:
    """Spreadsheets turn 1.10 into the number 1.1 and 2 into 2.0: undo both."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}"
    return str(value)


def _parse_rows(name: str, table: list[list[str]]) -> list[Row]:
    table = [row for row in table if any(str(cell).strip() for cell in row)]
    if not table:
        raise ImportProblem([f"{name}: the file is empty"])
    header = [str(cell).strip().lower() for cell in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing or unknown:
        problems = [f"{name}, row 1: missing column {c!r}" for c in missing]
        problems += [f"{name}, row 1: unknown column {c!r}" for c in unknown]
        problems.append(f"{name}: the first row must name the columns {', '.join(COLUMNS)}")
        raise ImportProblem(problems)
    index = {column: header.index(column) for column in COLUMNS}

    errors: list[str] = []
    rows: list[Row] = []
    first_line: dict[tuple[str, int], int] = {}
    headings: dict[str, tuple[str, int]] = {}
    for line, raw in enumerate(table[1:], 2):
        cells = {c: (raw[i].strip() if i < len(raw) else "") for c, i in index.items()}
        where = f"{name}, row {line}"
        row_errors = []
        code, domain, level = cells["code"], _int(cells["domain"]), _int(cells["level"])
        if not re.match(CODE_PATTERN, code):
            row_errors.append(f"{where}, field 'code': {code!r} is not a code like 1.07")
        if domain is None or not 1 <= domain <= 7:
            row_errors.append(f"{where}, field 'domain': {cells['domain']!r} is not 1 to 7")
        elif re.match(CODE_PATTERN, code) and not code.startswith(f"{domain}."):
            row_errors.append(f"{where}, field 'domain': code {code} is not in domain {domain}")
        if level not in LEVELS:
            row_errors.append(f"{where}, field 'level': {cells['level']!r} is not 1, 2 or 3")
        for part in ("knowledge", "ability"):
            if not cells[part]:
                row_errors.append(f"{where}, field '{part}': empty")
        if len(cells["heading"]) > 200:
            row_errors.append(f"{where}, field 'heading': longer than 200 characters")
        if not row_errors:
            key = (code, level)
            if key in first_line:
                row_errors.append(
                    f"{where}: {code} at level {level} is already on row {first_line[key]}"
                )
            first_line.setdefault(key, line)
            if cells["heading"]:
                seen = headings.setdefault(code, (cells["heading"], line))
                if seen[0] != cells["heading"]:
                    row_errors.append(
                        f"{where}, field 'heading': {code} has heading {seen[0]!r} on row "
                        f"{seen[1]}; use one heading per competency"
                    )
        errors += row_errors
        if not row_errors:
            rows.append(
                Row(
                    line,
                    code,
                    domain,
                    cells["heading"],
                    level,
                    cells["knowledge"],
                    cells["ability"],
                )
            )
        if len(errors) >= MAX_ERRORS:
            errors.append(f"{name}: stopped after {MAX_ERRORS} problems")
            break
    if errors:
        raise ImportProblem(errors)
    if not rows:
        raise ImportProblem([f"{name}: no rows under the header"])
    return rows


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _check_against_framework(name: str, rows: list[Row], listed: list[Listed]) -> None:
    """Domain sizes: each domain in the file is listed whole and without gaps, keeps
    every code already loaded, and the sizes add up to no more than the declared total."""
    errors: list[str] = []
    codes_by_domain: dict[int, set[str]] = defaultdict(set)
    for entry in [*rows, *listed]:
        codes_by_domain[entry.domain].add(entry.code)
    domains = {d.number: d for d in Domain.objects.all()}
    existing: dict[int, set[str]] = defaultdict(set)
    for domain_id, code in Competency.objects.values_list("domain_id", "code"):
        existing[domain_id].add(code)

    sizes = {number: domain.declared_size for number, domain in domains.items()}
    for number, codes in sorted(codes_by_domain.items()):
        if number not in domains:
            errors.append(f"{name}: domain {number} is not in the framework")
            continue
        expected = {f"{number}.{i:02d}" for i in range(1, len(codes) + 1)}
        if codes != expected:
            gaps = sorted(expected - codes)
            errors.append(
                f"{name}: domain {number} must be numbered {number}.01 to "
                f"{number}.{len(codes):02d} without gaps; missing {', '.join(gaps)}"
            )
        left_out = sorted(existing[number] - codes)
        if left_out:
            errors.append(
                f"{name}: domain {number} leaves out {', '.join(left_out)}, which "
                "the framework already has; list the whole domain"
            )
        declared = domains[number].declared_size
        if declared is not None and declared != len(codes):
            errors.append(
                f"{name}: domain {number} has {declared} competencies; the file lists {len(codes)}"
            )
        sizes[number] = len(codes)
    total = Framework.objects.get().declared_competencies
    known = [size for size in sizes.values() if size is not None]
    if sum(known) > total:
        errors.append(
            f"{name}: the domains would hold {sum(known)} competencies; the framework has {total}"
        )
    elif len(known) == len(domains) and sum(known) != total:
        errors.append(
            f"{name}: all domains together hold {sum(known)} competencies; "
            f"the framework has {total}"
        )
    if errors:
        raise ImportProblem(errors)


# Phase 2: write ----------------------------------------------------------------------


@transaction.atomic
def _write(name: str, rows: list[Row], listed: list[Listed]) -> ImportResult:
    result = ImportResult(domains=sorted({entry.domain for entry in [*rows, *listed]}))
    source = f"Imported from {Path(name).name} on {timezone.localdate():%d %B %Y}"
    competencies = {c.code: c for c in Competency.objects.filter(domain__in=result.domains)}
    for entry in [*listed, *rows]:
        competency = competencies.get(entry.code)
        if competency is None:
            competency = Competency.objects.create(
                code=entry.code, domain_id=entry.domain, heading=entry.heading
            )
            competencies[entry.code] = competency
            result.competencies_created += 1
        elif entry.heading and competency.heading != entry.heading:
            competency.heading = entry.heading
            competency.save(update_fields=["heading"])
    existing = {
        (w.competency.code, w.level_id): w
        for w in Wording.objects.filter(competency__in=competencies.values()).select_related(
            "competency"
        )
    }
    for row in rows:
        wording = existing.get((row.code, row.level))
        if wording is None:
            Wording.objects.create(
                competency=competencies[row.code],
                level_id=row.level,
                knowledge=row.knowledge,
                ability=row.ability,
                source=source,
                is_summary=row.is_summary,
            )
            result.wordings_created += 1
        elif row.is_summary:
            continue  # our summary never replaces wording this site holds
        else:
            wording.knowledge, wording.ability, wording.source = row.knowledge, row.ability, source
            wording.is_summary = False  # the official words replace our summary
            wording.save()
            result.wordings_updated += 1
    for number in result.domains:
        size = sum(1 for code in competencies if code.startswith(f"{number}."))
        Domain.objects.filter(number=number).update(declared_size=size)
    # update() sends no signal: the cached public pages are out of date all the same.
    catalogue_changed()
    return result


# The template admins download ---------------------------------------------------------


def template_csv() -> bytes:
    return table_csv(COLUMNS, TEMPLATE_ROWS)


def template_xlsx() -> bytes:
    rows = [[int(v) if v.isdigit() else v for v in row] for row in TEMPLATE_ROWS]
    return table_xlsx({"wording": [COLUMNS, *rows]})


def table_csv(columns, rows) -> bytes:
    """A template file: the header and example rows, as UTF-8 CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def table_xlsx(sheets: dict[str, list]) -> bytes:
    """A template workbook: each sheet's rows (the first is its header)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_upload(upload, *, too_large: str, suffixes: tuple[str, ...] = (".csv", ".xlsx")):
    """An uploaded file before it is read: a name ending in one of `suffixes`, at most
    MAX_BYTES. Raises ValidationError (shown beside the form's file field)."""
    from django.core.exceptions import ValidationError

    if not upload.name.lower().endswith(suffixes):
        *others, last = suffixes
        kinds = f"{', '.join(others)} or {last}" if others else last
        raise ValidationError(f"Use a {kinds} file.", code="bad_type")
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"The file is larger than {MAX_BYTES // 1024 // 1024} MB; {too_large}",
            code="too_large",
        )
    return upload
