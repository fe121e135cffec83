"""CSV, XLSX and PDF downloads. The heat map streams: members and ratings are read
with values_list().iterator() in the same order and merged, so memory stays flat
however large the team. PDFs are rendered by WeasyPrint, which may read our own
static files from disk and nothing else."""

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from openpyxl import Workbook

from .models import JobRole, Membership, Rating, Status
from .progress import Item

ORDER = ("user__last_name", "user__first_name", "user__username", "user_id")
STATUS_LABEL = dict(Status.choices)
ROLE_LABEL = dict(JobRole.choices)


def cell(value):
    """Spreadsheets run text cells that start with = + - @ as formulas: such text gets a
    leading apostrophe. Numbers and dates pass unchanged. Every CSV and XLSX row goes
    through here (csv_stream, xlsx_bytes), so no caller can forget it."""
    if not isinstance(value, str):
        return value
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r", "\0") else value


def safe_row(row: list) -> list:
    return [cell(value) for value in row]


def item_label(item: Item) -> str:
    return item.title if item.is_whole_domain else f"{item.code} {item.title}"


def heatmap_rows(team, items: list[Item], *, level: int, job_role: str = "") -> Iterator[list]:
    """The header, then one row per member: name, job role, a status label per item."""
    yield ["Member", "Job role", *(item_label(i) for i in items)]
    members = Membership.objects.filter(team=team, role=Membership.Role.MEMBER)
    ratings = Rating.objects.filter(
        user__memberships__team=team, user__memberships__role=Membership.Role.MEMBER, level=level
    )
    if job_role:
        members = members.filter(user__job_role=job_role)
        ratings = ratings.filter(user__job_role=job_role)
    people = members.order_by(*ORDER).values_list(
        "user_id", "user__username", "user__first_name", "user__last_name", "user__job_role"
    )
    statuses = ratings.order_by(*ORDER).values_list(
        "user_id", "domain_id", "competency_id", "status"
    )
    rating_iter = iter(statuses.iterator(chunk_size=2000))
    pending = next(rating_iter, None)
    for user_id, username, first, last, role in people.iterator(chunk_size=2000):
        mine = {}
        while pending is not None and pending[0] == user_id:
            mine[(pending[1], pending[2])] = pending[3]
            pending = next(rating_iter, None)
        name = f"{first} {last}".strip() or username
        yield [
            name,
            ROLE_LABEL.get(role, ""),
            *(
                STATUS_LABEL[mine.get((i.domain, i.competency_id), Status.NOT_ASSESSED)]
                for i in items
            ),
        ]


def plan_rows(plan) -> Iterator[list]:
    yield [
        "Course",
        "What to take",
        "Members",
        "Who",
        "Member-gaps closed",
        "Total standard fee (£)",
        "Total NHS-funded fee (£)",
        "Members with no published fee",
    ]
    for course in plan.courses:
        yield [
            course.option.course,
            course.option.label,
            len(course.members),
            "; ".join(course.members),
            course.gaps_closed,
            course.standard,
            course.nhs,
            course.unpublished,
        ]
    yield []
    yield ["Not covered by any listed course", "Members missing it"]
    for item, count in plan.unmet:
        yield [item_label(item), count]


def own_data_rows(ratings, changes) -> Iterator[list]:
    """A practitioner's ratings and then their history, for their own CSV download."""
    yield ["record", "level", "item", "status", "evidence", "when", "old status", "old evidence"]
    for r in ratings:
        yield [
            "rating",
            r.level_id,
            r.item_key,
            r.status,
            r.evidence,
            r.updated_at.isoformat(),
            "",
            "",
        ]
    for c in changes:
        yield [
            "change",
            c.rating.level_id,
            c.rating.item_key,
            c.new_status,
            c.new_evidence,
            c.changed_at.isoformat(),
            c.old_status,
            c.old_evidence,
        ]


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
