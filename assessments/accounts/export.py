"""A practitioner's whole record, for their own download (JSON, CSV, and a ZIP with
every file they uploaded): labels a person reads (as in the managers' exports), not
stored codes. The views only send what is built here (accounts/views.py)."""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .. import downloads
from ..models import EvidenceFile, Rating, RatingChange, Status, User
from ..portfolio import export as portfolio_export


def own_ratings(user: User) -> tuple[QuerySet[Rating], QuerySet[RatingChange]]:
    """The person's ratings and every change to them, each with what its label needs
    (two queries when read)."""
    ratings = (
        Rating.objects.filter(user=user)
        .select_related("competency", "domain")
        .order_by("level", "domain", "competency__code")
    )
    changes = RatingChange.objects.filter(rating__user=user).select_related(
        "rating__competency", "rating__domain", "changed_by"
    )
    return ratings, changes


def own_data(
    user: User,
    ratings: Iterable[Rating],
    changes: Iterable[RatingChange],
    files: list[EvidenceFile] | None = None,
) -> dict[str, Any]:
    """Everything the user owns, as plain data (JSON download and the ZIP's record.json).
    Their portfolio comes with it: records, reflections and the names of their files."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "job_role": user.job_role,
            "target_level": user.target_level,
        },
        "ratings": [
            {
                "level": r.level_id,
                "item": r.item_key,
                "item_name": r.item_label,
                "status": r.status,
                "evidence": r.evidence,
                "version": r.version,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in ratings
        ],
        "history": [
            {
                "item": c.rating.item_key,
                "item_name": c.rating.item_label,
                "level": c.rating.level_id,
                "changed_at": c.changed_at.isoformat(),
                "changed_by": c.changed_by.username if c.changed_by else None,
                "old_status": c.old_status,
                "new_status": c.new_status,
                "old_evidence": c.old_evidence,
                "new_evidence": c.new_evidence,
            }
            for c in changes
        ],
    }
    data.update(portfolio_export.portfolio_data(user, files))
    return data


def own_data_rows(
    ratings: Iterable[Rating], changes: Iterable[RatingChange]
) -> Iterator[list[Any]]:
    """A practitioner's ratings and then their history, for their own CSV download
    (ratings and changes come with their competency and domain)."""
    yield [
        "Record",
        "Level",
        "Item",
        "Status",
        "Evidence",
        "When",
        "Status before",
        "Evidence before",
    ]
    for r in ratings:
        yield [
            "Rating",
            r.level_id,
            r.item_label,
            Status(r.status).label,
            r.evidence,
            r.updated_at.isoformat(),
            "",
            "",
        ]
    for c in changes:
        yield [
            "Change",
            c.rating.level_id,
            c.rating.item_label,
            Status(c.new_status).label,
            c.new_evidence,
            c.changed_at.isoformat(),
            Status(c.old_status).label,
            c.old_evidence,
        ]


def record_json(user: User) -> str:
    """Everything the user owns, as indented JSON (their files are in the ZIP)."""
    return json.dumps(own_data(user, *own_ratings(user)), indent=2)


def record_csv(user: User) -> str:
    """The user's ratings and their history, as one CSV text (formulas defused)."""
    return "".join(downloads.csv_stream(own_data_rows(*own_ratings(user))))


def record_zip(user: User) -> bytes:
    """record.json, the CSVs of ratings and history, training records and reflections,
    and every file the user uploaded, in one ZIP. Ratings and changes are read once
    and used for both the JSON and the CSV."""
    ratings, changes = (list(rows) for rows in own_ratings(user))
    files = portfolio_export.files_of(user)
    return portfolio_export.whole_record_zip(
        own_data(user, ratings, changes, files),
        "".join(downloads.csv_stream(own_data_rows(ratings, changes))),
        files,
    )
