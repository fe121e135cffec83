"""Writes with rules: saving a domain's ratings without losing anyone's words.

Every save runs in one transaction. PostgreSQL locks the domain's rows
(select_for_update); SQLite takes its write lock at BEGIN (IMMEDIATE mode),
so two saves of the same item run one after the other and the second sees
the first's version. An item whose version moved on since the form was
opened is not written: it comes back as a conflict showing both versions.
Every change adds one RatingChange (who, when, old, new).
"""

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..items import Item
from ..models import EVIDENCE_MAX, Rating, RatingChange, Status, User


def fingerprint(text: str) -> str:
    """A short digest of evidence as the form showed it, to tell edits from stale copies."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Entry:
    """What the form sent for one item."""

    item: Item
    status: str
    evidence: str
    seen_version: int  # 0: the item had no rating when the form was opened
    seen_status: str
    seen_fingerprint: str

    @property
    def is_edit(self) -> bool:
        """Did the person change this item in the form they submitted?"""
        return (
            self.status != self.seen_status or fingerprint(self.evidence) != self.seen_fingerprint
        )


@dataclass(frozen=True)
class Conflict:
    """An item someone else saved first: theirs is kept, yours is shown beside it."""

    entry: Entry
    current: Rating | None  # None: no row now, though the form saw one


@dataclass
class SaveResult:
    saved: list[Item]
    conflicts: list[Conflict]


def save_domain(
    *, user: User, editor: User, level: int, domain: int, entries: list[Entry]
) -> SaveResult:
    """Save the edited items of one domain at one level for `user`.

    `editor` is who is saving (the practitioner themself). Items not edited are
    left alone even when their version is stale. Four queries whatever the number
    of items: lock/read the rows, insert new ones, update changed ones, add history;
    on PostgreSQL a fifth first locks the person (one save per person at a time).

    A row not yet created cannot be locked, so two first saves of one item can both
    try to insert it (PostgreSQL); the second then fails on the unique constraint. As
    Django's get_or_create does, that attempt is rolled back and made again: the row
    now exists, is locked and read, and the clash comes back as a conflict.
    """
    for entry in entries:
        if entry.status not in Status.values or len(entry.evidence) > EVIDENCE_MAX:
            raise ValueError(f"entry for {entry.item.code} was not validated")
        if entry.item.level != level or entry.item.domain != domain:
            raise ValueError(f"{entry.item.code} is not in domain {domain} at level {level}")
    try:
        return _save_domain(user, editor, level, domain, entries)
    except IntegrityError:
        return _save_domain(user, editor, level, domain, entries)


@transaction.atomic
def _save_domain(
    user: User, editor: User, level: int, domain: int, entries: list[Entry]
) -> SaveResult:
    now = timezone.now()
    # One save per person at a time: the database recounts the person's achievements
    # per level as it writes (models.tallies.Achieved), and two saves of different
    # domains at once would each count without the other's (PostgreSQL; SQLite takes
    # its write lock at BEGIN).
    if connection.vendor == "postgresql":
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    current = {
        r.competency_id: r
        for r in Rating.objects.select_for_update().filter(user=user, level=level, domain=domain)
    }
    created: list[Rating] = []
    updated: list[Rating] = []
    history: list[tuple[Rating, str, str]] = []
    conflicts: list[Conflict] = []
    saved: list[Item] = []
    for entry in entries:
        if not entry.is_edit:
            continue
        rating = current.get(entry.item.competency_id)
        version = rating.version if rating else 0
        if version != entry.seen_version:
            conflicts.append(Conflict(entry, rating))
            continue
        if rating is None:
            rating = Rating(
                user=user,
                level_id=level,
                domain_id=domain,
                competency_id=entry.item.competency_id,
                status=entry.status,
                evidence=entry.evidence,
                version=1,
            )
            created.append(rating)
            history.append((rating, Status.NOT_ASSESSED, ""))
        else:
            history.append((rating, rating.status, rating.evidence))
            rating.status, rating.evidence = entry.status, entry.evidence
            rating.version += 1
            rating.updated_at = now  # bulk_update skips auto_now
            updated.append(rating)
        saved.append(entry.item)
    if created:
        Rating.objects.bulk_create(created)
    if updated:
        Rating.objects.bulk_update(updated, ["status", "evidence", "version", "updated_at"])
    if history:
        RatingChange.objects.bulk_create(
            RatingChange(
                rating=rating,
                changed_by=editor,
                old_status=old_status,
                new_status=rating.status,
                old_evidence=old_evidence,
                new_evidence=rating.evidence,
            )
            for rating, old_status, old_evidence in history
        )
    return SaveResult(saved, conflicts)
