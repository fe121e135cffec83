"""Every download of the site leaves through one helper (`assessments.downloads.attachment`):
a file name with its extension, its type, `Cache-Control: no-store` and
`X-Content-Type-Options: nosniff`.

The download URLs are found by walking the URL configuration (a path that ends in a file
extension, or a person's own file), so a new one fails
test_every_download_url_is_tried until it is given an example here. The helper's own
test checks the headers without the middleware, which would otherwise add `nosniff` and
`no-store` to signed-in pages and hide a download that forgot them."""

import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments import downloads
from assessments.models import Job, TrainingRecord
from assessments.portfolio import files
from assessments.portfolio import services as portfolio_services
from assessments.tasks import prepared
from tests.factories import TrainingLeadFactory, UserFactory, with_authenticator

FILE_PATH = re.compile(r"\.(\w+|<str:kind>)$")
# A person's uploaded file, under the name they gave it, and a download prepared on the
# queue, under its own name (no extension in either pattern).
ALSO_DOWNLOADS = {
    "assessments:evidence_file",
    "assessments:prepared_file",
    "api:framework_case",  # the framework as a CASE package (a .json file)
}
# URLs with an extension that are not downloads, each with why.
NOT_DOWNLOADS: dict[str, str] = {
    # Built on the queue: a POST asks, and the file leaves through prepared_file.
    "assessments:export_zip": "asks for the whole record to be prepared",
    "assessments:pack_pdf": "asks for the pack to be prepared",
    "assessments:pack_zip": "asks for the pack with its files to be prepared",
}
CSV, XLSX, PDF, ZIP = downloads.CSV, downloads.XLSX, downloads.PDF, downloads.ZIP

# name: (who asks, the URL's kinds (for template.<kind>), the type said, query string)
DOWNLOADS: dict[str, tuple[str, dict[str, str], str | None, dict[str, str]]] = {
    "assessments:plan_pdf": ("alice", {}, PDF, {}),
    "assessments:export_json": ("alice", {}, "application/json", {}),
    "assessments:export_csv": ("alice", {}, CSV, {}),
    "assessments:prepared_file": ("alice", {}, ZIP, {}),  # her whole record
    "assessments:dates_ics": ("alice", {}, "text/calendar; charset=utf-8", {}),
    "assessments:evidence_file": ("alice", {}, "application/pdf", {}),
    "assessments:team_report_csv": ("mina", {}, CSV, {"level": "1"}),
    "assessments:team_report_xlsx": ("mina", {}, XLSX, {"level": "1"}),
    "assessments:team_plan_csv": ("mina", {}, CSV, {"level": "1"}),
    "assessments:team_plan_xlsx": ("mina", {}, XLSX, {"level": "1"}),
    "assessments:team_plan_pdf": ("mina", {}, PDF, {"level": "1"}),
    "assessments:team_budget_csv": ("mina", {}, CSV, {"level": "1", "budget": "5000"}),
    "assessments:team_budget_xlsx": ("mina", {}, XLSX, {"level": "1", "budget": "5000"}),
    "assessments:team_budget_pdf": ("mina", {}, PDF, {"level": "1", "budget": "5000"}),
    "assessments:staff_import_template": ("tess", {"csv": CSV, "xlsx": XLSX}, None, {}),
    "assessments:bring_in_template": ("alice", {}, CSV, {}),
    "assessments:learning_import_template": ("tess", {}, CSV, {}),
    "api:framework_case": ("alice", {}, "application/json", {}),
    "admin:catalogue_competency_import_template": (
        "lead",
        {"csv": CSV, "xlsx": XLSX},
        None,
        {},
    ),
}


def walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


def download_names() -> set[str]:
    return {
        name
        for name, route in walk(get_resolver().url_patterns)
        if (FILE_PATH.search(route) or name in ALSO_DOWNLOADS) and name not in NOT_DOWNLOADS
    }


def test_every_download_url_is_tried():
    assert download_names() == DOWNLOADS.keys()


def test_no_download_is_made_by_hand_outside_the_helper():
    """The walk below sees headers the middleware may add anyway; this sees the code."""
    root = Path(__file__).resolve().parent.parent
    by_hand = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("assessments", "catalogue", "imhcf")
        for path in sorted((root / folder).rglob("*.py"))
        if path != root / "assessments" / "downloads.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "Content-Disposition" in line or "FileResponse(" in line
    ]
    assert by_hand == []


def test_the_helper_names_types_and_forbids_storing_and_sniffing_on_its_own():
    """Called directly, so no middleware adds a header it forgot."""
    for response in (
        downloads.attachment(b"%PDF-1.4", filename="plan.pdf", content_type=PDF),
        downloads.attachment(iter(["a,b\r\n"]), filename="rows.csv", content_type=CSV),
        downloads.csv_response(iter([["a", "b"]]), "rows.csv"),
        downloads.xlsx_response(iter([["a", "b"]]), "Sheet", "rows.xlsx"),
    ):
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_name_that_is_not_ascii_is_encoded_for_any_browser():
    response = downloads.attachment(b"x", filename="Équipe nord.csv", content_type=CSV)
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C3%89quipe%20nord.csv"


@pytest.fixture
def people(team, alice, manager, admin_user) -> dict[str, object]:
    """Alice (on North, managed by Mina) with a training record and its certificate;
    Tess leads North's organisation; Lead is a site admin. Everyone who must sign in
    with an authenticator has one."""
    tess = with_authenticator(UserFactory(username="tess"))
    TrainingLeadFactory(organisation__name="Trust A", user=tess)
    record = TrainingRecord.objects.create(
        user=alice, title="Study day", finished=datetime.date(2026, 5, 1), hours=6
    )
    pdf = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 certificate", "application/pdf")
    evidence = portfolio_services.add_file(
        owner=alice, checked=files.check(pdf, used=0), record=record
    )
    download = prepared.start(owner=alice, kind=Job.Kind.RECORD_ZIP)
    prepared.prepare(download.pk)  # as a worker would, once the ask commits
    download.refresh_from_db()
    return {
        "alice": alice,
        "prepared": download,
        "mina": manager,
        "tess": tess,
        "lead": admin_user,
        "team": team,
        "evidence": evidence,
    }


def url_for(name: str, kind: str | None, people: dict) -> str:
    if name == "assessments:evidence_file":
        evidence = people["evidence"]
        return reverse(name, args=[evidence.pk, evidence.name])
    if name == "assessments:prepared_file":
        return reverse(name, args=[people["prepared"].pk, people["prepared"].filename])
    if name == "assessments:staff_import_template":
        return reverse(name, args=[people["team"].organisation_id, kind])
    if name == "assessments:learning_import_template":
        return reverse(name, args=[people["team"].organisation_id])
    if name.startswith("admin:"):
        return reverse(name, args=[kind])
    if name.startswith("assessments:team_"):
        return reverse(name, args=[people["team"].pk])
    return reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_every_download_is_named_typed_and_neither_stored_nor_sniffed(client, people, name):
    who, kinds, content_type, query = DOWNLOADS[name]
    client.force_login(people[who])
    for kind, kind_type in kinds.items() or [(None, content_type)]:
        response = client.get(url_for(name, kind, people), query)
        assert response.status_code == 200, (kind, response.status_code)
        assert response["Content-Type"] == kind_type
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename="), disposition
        if kind:
            assert disposition.endswith(f'.{kind}"'), disposition
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
