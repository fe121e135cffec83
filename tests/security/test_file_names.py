"""Files named from their content (security review 3, finding 6): an evidence file kept
the extension it was given, so `%PDF-` followed by HTML was stored as `<random>.html`
and downloaded as `report.html`, which a manager opening it from disk opens as a page.
Now the stored and downloaded extension is the type found in the bytes; the name a
person gave is shown, with that extension."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import EvidenceFile
from assessments.portfolio import files
from tests.assessments.test_portfolio import PNG, docx, nes_record
from tests.prepared import prepared_download

pytestmark = pytest.mark.django_db

PDF_THEN_HTML = b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>"


@pytest.mark.parametrize(
    "given, content, shown",
    [
        ("report.html", PDF_THEN_HTML, "report.pdf"),
        ("run.exe", PDF_THEN_HTML, "run.pdf"),
        ("pic.svg", PNG, "pic.png"),
        ("letter", docx(), "letter.docx"),
        ("Dr. Smith letter", PDF_THEN_HTML, "Dr. Smith letter.pdf"),
        ("Certificate.PDF", PDF_THEN_HTML, "Certificate.PDF"),
    ],
    ids=["html-holding-pdf", "exe-holding-pdf", "svg-holding-png", "no-extension", "dot", "kept"],
)
def test_a_file_is_stored_and_downloaded_with_the_extension_of_its_content(
    client, alice, settings, given, content, shown
):
    record = nes_record(alice)
    client.force_login(alice)
    client.post(
        reverse("assessments:record_file", args=[record.pk]),
        {"upload-file": SimpleUploadedFile(given, content, content_type="text/html")},
    )
    evidence = EvidenceFile.objects.get()
    suffix = files.SUFFIXES[evidence.content_type][0]
    assert evidence.name == shown
    assert evidence.file.name.endswith(suffix) and given not in evidence.file.name
    download = client.get(evidence.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{shown}"'
    assert download["Content-Type"] == evidence.content_type


def test_a_file_stored_before_with_the_wrong_extension_downloads_and_packs_with_the_right_one(
    client, alice
):
    """Rows from before keep their given name: the download and the pack ZIP fix it."""
    record = nes_record(alice)
    client.force_login(alice)
    client.post(
        reverse("assessments:record_file", args=[record.pk]),
        {"upload-file": SimpleUploadedFile("report.pdf", PDF_THEN_HTML)},
    )
    EvidenceFile.objects.update(name="report.html")  # as an upload before the fix kept it
    evidence = EvidenceFile.objects.get()
    download = client.get(evidence.get_absolute_url())
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'
    pack = prepared_download(client, "assessments:pack_zip").body
    names = zipfile.ZipFile(io.BytesIO(pack)).namelist()
    assert "files/001-report.pdf" in names and not any(n.endswith(".html") for n in names)


def test_a_long_name_keeps_its_start_and_fits_with_its_new_extension():
    name = "n" * 145 + ".html"
    assert files.named_for(name, "application/pdf") == "n" * 145 + ".pdf"
    assert len(files.named_for("n" * 150, "image/png")) == files.MAX_NAME
