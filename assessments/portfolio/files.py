"""Evidence files: what may be uploaded, judged from the content, and where it is kept.

Accepted: PDF, PNG, JPEG and DOCX, recognised by their first bytes (a DOCX is a ZIP
holding a Word document), never by the name or the type the browser claims; the name a
person gave is kept to be shown, with the extension of the type found (`named_for`).
Files are stored through Django's storage API under random names ending in that
extension (models.evidence_path), so the same code serves local disk and an
S3-compatible bucket."""

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Sum

from ..models import EvidenceFile, User

KINDS = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
}
# The extensions each type may end in; the first is the one given to a name without.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}
ALLOWED = "PDF, PNG, JPEG or Word (.docx)"
MAX_NAME = 150  # EvidenceFile.name
EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")
# Characters a name may not hold: markup, quotes, and control characters.
UNSAFE_NAME = re.compile(r"[<>\"'`&\\/\x00-\x1f\x7f]")


def limits() -> str:
    """What may be uploaded, as the forms say it."""
    return f"{ALLOWED}, up to {settings.IMHCF_UPLOAD_MAX_MB} MB."


def max_bytes() -> int:
    return settings.IMHCF_UPLOAD_MAX_MB * 1024 * 1024


def quota_bytes() -> int:
    return settings.IMHCF_UPLOAD_QUOTA_MB * 1024 * 1024


def megabytes(size: int) -> str:
    """A size as people read it: "0.6 MB"; a small file never reads as "0.0 MB"."""
    if size == 0:
        return "0 MB"
    if size < 1024 * 1024 // 10:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB"


def used_bytes(user: User) -> int:
    """What the person's files take now. One query."""
    return EvidenceFile.objects.filter(owner=user).aggregate(total=Sum("size"))["total"] or 0


def _is_docx(upload: IO[bytes]) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and "word/document.xml" in names


def sniff(upload: IO[bytes]) -> str | None:
    """The content type the file's bytes show, or None if it is none of ours."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04") and _is_docx(upload):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def named_for(name: str, content_type: str) -> str:
    """The name a file is shown, stored and downloaded with: the person's, ending in an
    extension of the type its content shows. `report.html` holding a PDF becomes
    `report.pdf`, `scan` a PNG `scan.png`, so no download opens as something else (the
    security review 3, finding 6). Never longer than MAX_NAME."""
    suffixes = SUFFIXES[content_type]
    if name.lower().endswith(suffixes):
        return name
    stem = EXTENSION.sub("", name).rstrip(" .") or "file"
    return stem[: MAX_NAME - len(suffixes[0])] + suffixes[0]


@dataclass(frozen=True)
class Checked:
    upload: "UploadedFile[bytes]"  # generic in the stubs only
    name: str
    content_type: str
    size: int


def check(upload: "UploadedFile[bytes]", *, used: int) -> Checked:
    """The upload, named and typed, or a ValidationError that says what to do. Nothing is
    stored here."""
    name = upload.name or ""
    size = upload.size or 0  # Django's upload handlers set it; no size reads as empty
    if UNSAFE_NAME.search(name):
        raise ValidationError(
            "The file name may not contain < > \" ' ` & / \\ or control characters: "
            "rename the file and choose it again.",
            code="unsafe_name",
        )
    if len(name) > MAX_NAME:
        raise ValidationError(
            "The file name is longer than 150 characters: rename it and choose it again.",
            code="long_name",
        )
    if size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if size > max_bytes():
        raise ValidationError(
            f"The file is {megabytes(size)}; files may be up to {settings.IMHCF_UPLOAD_MAX_MB} MB.",
            code="too_big",
        )
    if used + size > quota_bytes():
        raise ValidationError(
            f"This file ({megabytes(size)}) would take your files past your "
            f"{settings.IMHCF_UPLOAD_QUOTA_MB} MB allowance (you use {megabytes(used)}). "
            "Delete files you no longer need, then try again.",
            code="quota",
        )
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError(
            f"This file is not a {ALLOWED}, whatever its name says: save it as one of those "
            "and choose it again.",
            code="wrong_type",
        )
    return Checked(
        upload=upload,
        name=named_for(name, content_type),
        content_type=content_type,
        size=size,
    )


def delete_stored(names: Sequence[str | None]) -> None:
    """Remove stored files by name (after the rows that named them are gone)."""
    for name in names:
        if name:
            default_storage.delete(name)


def stored_names(prefix: str = "evidence") -> set[str]:
    """Every file the storage holds under `prefix` (local disk or bucket alike)."""
    found: set[str] = set()
    folders = [prefix]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        found.update(f"{folder}/{name}" for name in files)
        folders.extend(f"{folder}/{sub}" for sub in subfolders)
    return found
