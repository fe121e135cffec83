"""CSV, XLSX and PDF files for any page: every spreadsheet cell passes one formula
guard, and PDFs are rendered by WeasyPrint, which may read our own static files from
disk and nothing else."""

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def cell(value):
    """Spreadsheets run text cells that start with = + - @ as formulas: such text gets a
    leading apostrophe. Control characters that a worksheet cannot hold (a bell in a
    name, say) become spaces, so one odd name never breaks a team's download. Numbers
    and dates pass unchanged. Every CSV and XLSX row goes through here (csv_stream,
    xlsx_bytes), so no caller can forget it."""
    if not isinstance(value, str):
        return value
    if value[:1] in ("=", "+", "-", "@", "\t", "\r", "\0"):
        value = "'" + value
    return ILLEGAL_CHARACTERS_RE.sub(" ", value)


def safe_row(row: list) -> list:
    return [cell(value) for value in row]


class Echo:
    """A file-like object csv.writer can write to, handing each line back."""

    def write(self, value):
        return value


def csv_stream(rows: Iterator[list]) -> Iterator[str]:
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow(safe_row(row))


def xlsx_bytes(rows: Iterator[list], title: str) -> bytes:
    """openpyxl's write-only mode keeps one row at a time in memory while writing."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for row in rows:
        sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _static_file(url: str) -> str:
    """The file on disk behind one of our static URLs (hashed names included)."""
    marker = "/" + settings.STATIC_URL.strip("/") + "/"
    if marker not in url:
        raise ValueError(f"The PDF may only use the site's own static files, not {url}")
    name = url.split(marker, 1)[1].split("?")[0].split("#")[0]
    if ".." in name.split("/"):
        raise ValueError(f"Not a static file: {url}")
    if settings.STATIC_ROOT and staticfiles_storage.exists(name):
        return staticfiles_storage.path(name)
    found = finders.find(name)
    if not found:
        raise ValueError(f"No static file {name}")
    return found


def pdf_bytes(html: str, base_url: str) -> bytes:
    """Render a page as PDF. Its stylesheet comes from our static files on disk, never
    over the network: WeasyPrint fetches nothing else (no SSRF through a PDF)."""
    from weasyprint import HTML  # imported here: loading it costs ~0.5 s at start-up
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFiles(URLFetcher):
        def fetch(self, url, headers=None):
            path = _static_file(url)
            with open(path, "rb") as handle:
                body = handle.read()
            kind = "text/css" if path.endswith(".css") else "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    # Tagged (headings, tables and reading order for screen readers; PDF/UA-style).
    return HTML(string=html, base_url=base_url, url_fetcher=StaticFiles()).write_pdf(pdf_tags=True)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(rows: Iterator[list], filename: str) -> StreamingHttpResponse:
    """Rows streamed as a CSV download (UTF-8, said in the header)."""
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterator[list], sheet: str, filename: str) -> HttpResponse:
    """Rows as an Excel workbook download with one sheet."""
    response = HttpResponse(xlsx_bytes(rows, sheet), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def private_download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """A person's own file (their pack, calendar or whole record) as a download that no
    browser or proxy keeps a copy of."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
