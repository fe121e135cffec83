"""Every download of the site (CSV, XLSX, PDF, ZIP, calendars, JSON and people's own
files) leaves through `attachment`, which names it, types it and tells browsers and
proxies neither to keep a copy nor to guess another type. Every spreadsheet cell passes
one formula guard, and PDFs are rendered by WeasyPrint, which may read our own static
files from disk and nothing else."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, overload

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files import File
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
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


CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
ZIP = "application/zip"

Download = HttpResponse | StreamingHttpResponse  # FileResponse is a StreamingHttpResponse


@overload
def attachment(body: bytes | str, *, filename: str, content_type: str) -> HttpResponse: ...
@overload
def attachment(
    body: Iterable[str] | File | io.IOBase, *, filename: str, content_type: str
) -> StreamingHttpResponse: ...
def attachment(
    body: bytes | str | Iterable[str] | File | io.IOBase, *, filename: str, content_type: str
) -> Download:
    """The one way a download leaves the site. `body` is the whole file (bytes or text),
    an iterator of text (streamed as it is made) or an open binary file (sent in chunks).

    The name is encoded for any browser (RFC 6266: `filename*` when it is not ASCII);
    `no-store` because every download carries someone's data (a shared PC, a proxy);
    `nosniff` so a browser never reads a file as another type than the one we say."""
    response: Download
    if isinstance(body, (bytes, str)):
        response = HttpResponse(body, content_type=content_type)
    elif isinstance(body, (File, io.IOBase)):
        response = FileResponse(body, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(rows: Iterator[list[Any]], filename: str) -> StreamingHttpResponse:
    """Rows streamed as a CSV download (UTF-8, said in the header)."""
    return attachment(csv_stream(rows), filename=filename, content_type=CSV)


def xlsx_response(rows: Iterator[list[Any]], sheet: str, filename: str) -> HttpResponse:
    """Rows as an Excel workbook download with one sheet."""
    return attachment(xlsx_bytes(rows, sheet), filename=filename, content_type=XLSX)


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    """A page's printable template as a PDF download (a few hundred ms per page)."""
    html = render_to_string(template, context, request=request)
    return attachment(
        pdf_bytes(html, request.build_absolute_uri("/")), filename=filename, content_type=PDF
    )
