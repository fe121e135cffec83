"""The portfolio's part of a person's own export: records, reflections and files as data,
and the whole-record ZIP (record.json, CSVs and every file)."""

import io
import json
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from .. import downloads
from ..models import (
    CodeTheme,
    EvidenceFile,
    FeedbackSource,
    Method,
    Reflection,
    ReflectionKind,
    SentReminder,
    Template,
    TrainingRecord,
    User,
)
from . import packs, pages

RECORD_FIELDS = [
    "title", "provider", "method", "started", "finished", "hours", "participatory_hours",
    "covered", "code_theme", "peer_discussed",
]  # fmt: skip
REFLECTION_FIELDS = [
    "kind", "template", "title", "happened_on", "activity", "learned", "changed",
    "relevance", "code_themes", "source", "peer_discussed", "partner_name", "partner_pin",
    "partner_email", "partner_address", "partner_postcode",
]  # fmt: skip


def _plain(value: Any) -> Any:
    """A stored value as JSON holds it: dates as ISO text, decimals as text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def files_of(user: User) -> list[EvidenceFile]:
    """Every file of the person, oldest first, numbered for the ZIP. One query."""
    rows = EvidenceFile.objects.filter(owner=user).select_related("competency").order_by("pk")
    return packs.number(list(rows))


def portfolio_data(user: User, files: list[EvidenceFile] | None = None) -> dict[str, Any]:
    """Six queries (five when `files` come with it)."""
    registration = pages.registration_of(user)
    records = TrainingRecord.objects.filter(user=user).select_related("course", "module")
    reflections = Reflection.objects.filter(user=user).prefetch_related("domains", "competencies")
    files = files_of(user) if files is None else files
    return {
        "registration": {
            "regulator": registration.regulator,
            "renewal_date": _plain(registration.renewal_date),
            "appraisal_date": _plain(registration.appraisal_date),
            "notify_dates": registration.notify_dates,
            "notify_team": registration.notify_team,
        },
        "training_records": [
            {
                "id": r.pk,
                # course and module come with the row (None without: no query)
                "course": r.course.slug if r.course else None,
                "course_title": r.course.title if r.course else None,
                "module": r.module.title if r.module else None,
                **{name: _plain(getattr(r, name)) for name in RECORD_FIELDS},
            }
            for r in records
        ],
        "reflections": [
            {
                "id": w.pk,
                "training_record": w.record_id,
                "domains": [d.number for d in w.domains.all()],
                "competencies": [c.code for c in w.competencies.all()],
                **{name: _plain(getattr(w, name)) for name in REFLECTION_FIELDS},
            }
            for w in reflections
        ],
        "reminders_sent": [
            {
                "kind": r.kind,
                "date": r.due.isoformat(),
                "days_before": r.days_before,
                "sent_at": _plain(r.sent_at),
            }
            # sent ones only: a reminder claimed for sending has no sent_at yet
            for r in SentReminder.objects.filter(user=user, sent_at__isnull=False).order_by(
                "sent_at"
            )
        ],  # fmt: skip
        "files": [
            {
                "name": f.name,
                "in_zip": f.archive_name,
                "type": f.content_type,
                "bytes": f.size,
                "training_record": f.record_id,
                "reflection": f.reflection_id,
                "item": {
                    "level": f.level,
                    "domain": f.domain,
                    "competency": f.competency.code if f.competency else None,
                }
                if f.level
                else None,
                "uploaded_at": f.uploaded_at.isoformat(),
            }
            for f in files
        ],
    }


# What a person reads in the CSVs, for fields stored as keys (record.json keeps the keys).
LABELS: dict[str, dict[str, str]] = {
    "method": dict(Method.choices),
    "code_theme": dict(CodeTheme.choices),
    "kind": dict(ReflectionKind.choices),
    "template": dict(Template.choices),
    "source": dict(FeedbackSource.choices),
    "code_themes": dict(CodeTheme.choices),
}


def _readable(name: str, value: Any) -> Any:
    names = LABELS.get(name)
    if names is None:
        return value
    if isinstance(value, list):
        keys: list[str] = value  # code_themes
        return "; ".join(names.get(v, v) for v in keys)
    return names.get(value, value)


HEADERS = {
    "covered": "What it covered",
    "code_theme": "Part of the NMC Code",
    "code_themes": "NMC Code themes",
    "template": "Form followed",
    "happened_on": "Date",
    "activity": "What happened",
    "learned": "What was learned",
    "changed": "What changed in practice",
    "relevance": "Relevance",
    "source": "Feedback from",
    "partner_pin": "Partner's NMC PIN",
}


def _verbose_name(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # RECORD_FIELDS, REFLECTION_FIELDS: no relations
    return str(field.verbose_name).capitalize()


def _header(model: type[models.Model], names: list[str]) -> list[str]:
    return [HEADERS.get(name) or _verbose_name(model, name) for name in names]


def _csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    return "".join(downloads.csv_stream(iter([header, *rows])))


def whole_record_zip(data: dict[str, Any], ratings_csv: str, files: list[EvidenceFile]) -> bytes:
    """record.json, the CSVs and every file (as `files_of` numbered them for `data`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("record.json", json.dumps(data, indent=2))
        archive.writestr("ratings-and-history.csv", ratings_csv)
        archive.writestr(
            "training-records.csv",
            _csv(
                ["Record", "Catalogue course", "Module", *_header(TrainingRecord, RECORD_FIELDS)],
                (
                    [r["id"], r["course_title"], r["module"]]
                    + [_readable(n, r[n]) for n in RECORD_FIELDS]
                    for r in data["training_records"]
                ),
            ),
        )
        archive.writestr(
            "reflections.csv",
            _csv(
                ["Reflection", "About record", *_header(Reflection, REFLECTION_FIELDS)],
                (
                    [w["id"], w["training_record"]]
                    + [_readable(n, w[n]) for n in REFLECTION_FIELDS]
                    for w in data["reflections"]
                ),
            ),
        )
        packs.add_files(archive, files)
        archive.writestr(
            "README.txt",
            "Your whole imhcf record.\n\nrecord.json: everything, as data.\n"
            "ratings-and-history.csv: your ratings and every change to them.\n"
            "training-records.csv, reflections.csv: your portfolio.\n"
            "files/: every file you uploaded, numbered as record.json lists them.\n",
        )
    return buffer.getvalue()
