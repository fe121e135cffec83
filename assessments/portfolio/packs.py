"""Downloads that gather a portfolio: the regulator's pack (a PDF shaped for the checks
the regulator makes, and a ZIP of it with every file it refers to), and the files
section of the whole-record export. Files are copied from storage into the ZIP as they
are, under names that say which record they back."""

import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .. import downloads
from ..models import (
    CodeTheme,
    EvidenceFile,
    FeedbackSource,
    Reflection,
    ReflectionKind,
    TrainingRecord,
    User,
)
from . import files, pages

THEMES = dict(CodeTheme.choices)
SOURCES = dict(FeedbackSource.choices)


def build(user: User) -> dict[str, Any]:
    """Everything the pack shows. Eight queries. Built on a worker (tasks/prepared.py):
    it needs the person, never a request."""
    registration = pages.registration_of(user)
    records = pages.records_of(user, files=True)
    reflections = pages.reflections_of(user, files=True)
    rule, progress = pages.standing(registration, records, reflections, timezone.localdate())
    _code_themes(records, reflections)
    if progress is not None:  # the pack covers the cycle; the portfolio page shows all
        records = [r for r in records if progress.start < r.finished <= progress.end]
        reflections = [w for w in reflections if progress.start < w.happened_on <= progress.end]
    for reflection in reflections:
        reflection.theme_labels = [THEMES.get(t, t) for t in reflection.code_themes]
        reflection.source_label = SOURCES.get(reflection.source, "")
    by_kind = {kind: [w for w in reflections if w.kind == kind] for kind in ReflectionKind.values}
    return {
        "person": user,
        "registration": registration,
        "rule": rule,
        "progress": progress,
        "records": records,
        "accounts": by_kind[ReflectionKind.ACCOUNT],
        "feedback": by_kind[ReflectionKind.FEEDBACK],
        "discussions": by_kind[ReflectionKind.DISCUSSION],
        "made_at": timezone.localtime(),
        "files": number(
            [f for r in records for f in r.files.all()]
            + [f for w in reflections for f in w.files.all()]
        ),
    }


def _code_themes(records: list[TrainingRecord], reflections: list[Reflection]) -> None:
    """Each record's part of the NMC Code (`code_labels`): the one chosen on it, else
    the themes of the reflections written about it (`code_from_reflections`); none
    only when neither names one. No query."""
    from_reflections: dict[int, list[str]] = {}
    for reflection in reflections:
        if reflection.record_id:
            found = from_reflections.setdefault(reflection.record_id, [])
            found += [t for t in reflection.code_themes if t not in found]
    for record in records:
        own = [record.code_theme] if record.code_theme else []
        themes = own or from_reflections.get(record.pk, [])
        record.code_labels = [THEMES.get(t, t) for t in themes]
        record.code_from_reflections = bool(themes) and not own


def pdf(built: dict[str, Any], site: str) -> bytes:
    """The pack as a PDF. `site` is the address its stylesheet's URL starts with (e.g.
    https://imhcf.example.nhs.uk/): WeasyPrint reads that file from our static files on
    disk (downloads.pdf_bytes). The page uses no context processor, so it renders the
    same with or without a request."""
    html = render_to_string("assessments/portfolio/pack_print.html", built)
    return downloads.pdf_bytes(html, site)


def number(evidence_files: list[EvidenceFile]) -> list[EvidenceFile]:
    """Give each file its name in a ZIP, `files/003-certificate.pdf`: numbered in the
    order listed, only safe letters (the pack and record.json name them so too)."""
    for index, evidence in enumerate(evidence_files, start=1):
        shown = files.named_for(evidence.name, evidence.content_type)
        safe = re.sub(r"[^A-Za-z0-9._ -]", "_", shown).strip(" .") or "file"
        evidence.archive_name = f"files/{index:03d}-{safe}"
    return evidence_files


def add_files(archive: zipfile.ZipFile, evidence_files: Iterable[EvidenceFile]) -> None:
    """Copy numbered files from storage into `archive`."""
    for evidence in evidence_files:
        with evidence.file.open("rb") as handle:
            archive.writestr(evidence.archive_name, handle.read())


def pack_zip(built: dict[str, Any], site: str) -> bytes:
    """The pack PDF and every file it refers to."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        add_files(archive, built["files"])
        archive.writestr("portfolio-pack.pdf", pdf(built, site))
    return buffer.getvalue()
