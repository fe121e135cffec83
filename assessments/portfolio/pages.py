"""Reads for the portfolio pages and downloads: each names its query count."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from catalogue.models import Coverage
from catalogue.models.coverage import CLOSING

from ..models import (
    CycleRule,
    EvidenceFile,
    Membership,
    Reflection,
    Registration,
    Team,
    TrainingRecord,
    User,
)
from . import cycle
from .reminders import key_dates


def registration_of(user: User) -> Registration:
    """The person's registration row, or an unsaved empty one. One query."""
    return Registration.objects.filter(user=user).first() or Registration(user=user)


def records_of(user: User, *, files: bool = False) -> list[TrainingRecord]:
    """Newest first, each with `file_count` (one query), or with its files (two)."""
    rows = TrainingRecord.objects.filter(user=user)
    if files:
        return list(rows.prefetch_related("files"))
    return list(rows.annotate(file_count=Count("files")))


def reflections_of(user: User, *, files: bool = False) -> list[Reflection]:
    """Newest first, with the record each is about, and `file_count` (one query) or
    its files (two)."""
    rows = Reflection.objects.filter(user=user).select_related("record")
    if files:
        return list(rows.prefetch_related("files"))
    return list(rows.annotate(file_count=Count("files")))


def rule_of(registration: Registration) -> CycleRule | None:
    """Her regulator's cycle rule, or None. One query with a regulator, none without."""
    if not registration.regulator:
        return None
    return CycleRule.objects.filter(regulator=registration.regulator).first()


def standing(
    registration: Registration,
    records: Iterable[TrainingRecord],
    reflections: Iterable[Reflection],
    today: datetime.date,
) -> tuple[CycleRule, cycle.Progress] | tuple[None, None]:
    """(rule, progress) for the person's regulator, or (None, None). One query."""
    rule = rule_of(registration)
    if rule is None:
        return None, None
    activities = [
        cycle.Activity(r.finished, r.hours, r.participatory_hours, r.peer_discussed)
        for r in records
    ]
    written = [cycle.Written(w.happened_on, w.kind, w.peer_discussed) for w in reflections]
    return rule, cycle.progress(rule, registration.renewal_date, today, activities, written)


@dataclass
class Proposal:
    """A grid the record's course links to: look at these ratings again."""

    level: int
    domain: int
    title: str
    codes: list[str]  # competency codes; empty: the whole domain
    closes: bool  # only a closing grade; every other link contributes

    @property
    def args(self) -> tuple[int, int]:
        return (self.level, self.domain)


def _links(record: TrainingRecord) -> QuerySet[Coverage]:
    """The coverage links of the record's course, or only of its module (a recorded
    exclusion, graded "not offered", is no link)."""
    # CoverageManager's base is made at run time (Manager.from_queryset), which mypy
    # cannot follow: offered() reads as Any.
    rows: QuerySet[Coverage] = Coverage.objects.offered().filter(course_id=record.course_id)
    return rows.filter(module_id=record.module_id) if record.module_id else rows


def proposals(record: TrainingRecord, up_to: int) -> list[Proposal]:
    """The grids (level, domain) the record's catalogue course, or module, links to, up
    to the person's target level; a grid closes when any of its links does. One query."""
    if not record.course_id:
        return []
    rows = _links(record).filter(level_id__lte=up_to)
    found: dict[tuple[int, int], Proposal] = {}
    for row in rows.select_related("domain", "competency").order_by(
        "level_id", "domain__number", "competency__code"
    ):
        key = (row.level_id, row.domain.number)
        proposal = found.setdefault(
            key,
            Proposal(
                row.level_id,
                row.domain.number,
                f"Level {row.level_id}, Domain {row.domain.number}: {row.domain.name}",
                [],
                False,
            ),
        )
        if row.competency is not None:  # selected with the row: no query
            proposal.codes.append(row.competency.code)
        proposal.closes = proposal.closes or row.grade in CLOSING
    return list(found.values())


def proposed_in_grid(record: TrainingRecord, level: int, domain: int) -> set[int | None]:
    """Which competencies of one grid the record's course links to (None in the set: the
    whole domain); empty when it links to none there. One query (none off the catalogue)."""
    if not record.course_id:
        return set()
    rows = _links(record).filter(level_id=level, domain__number=domain)
    return set(rows.values_list("competency_id", flat=True))


def team_records(
    team: Team, page_members: Iterable[Membership]
) -> tuple[list[TrainingRecord], Sequence[Mapping[str, object]]]:
    """For a page of a team's members: their training records (catalogue or not), and
    per catalogue course how many members of the whole team recorded it. Two queries."""
    records = list(
        TrainingRecord.objects.filter(user__in=[m.user_id for m in page_members])
        .select_related("course", "module")
        .order_by("user_id", "-finished")
    )
    counts = list(
        TrainingRecord.objects.filter(
            course__isnull=False,
            user__memberships__team=team,
            user__memberships__role="member",
        )
        .values("course__title", "course__slug")
        .annotate(people=Count("user", distinct=True))
        .order_by("course__title")
    )
    return records, counts


def files_of_records(records: Sequence[TrainingRecord]) -> dict[int, list[EvidenceFile]]:
    """The files of these records, by record id. One query (none without records)."""
    if not records:
        return {}
    found: dict[int, list[EvidenceFile]] = {}
    for evidence in EvidenceFile.objects.filter(record__in=[r.pk for r in records]):
        assert evidence.record_id is not None  # filtered on its record
        found.setdefault(evidence.record_id, []).append(evidence)
    return found


ItemFiles = dict[tuple[int | None, int | None, int | None], list[EvidenceFile]]


def item_files(user: User, level: int | None = None, domain: int | None = None) -> ItemFiles:
    """The person's files on assessment items, by item key (level, domain, competency
    id), for one grid or (level and domain None) every item. One query."""
    found: ItemFiles = {}
    rows = EvidenceFile.objects.filter(owner=user, level__isnull=False)
    if level is not None:
        rows = rows.filter(level=level, domain=domain)
    for evidence in rows:
        found.setdefault((evidence.level, evidence.domain, evidence.competency_id), []).append(
            evidence
        )
    return found


@dataclass
class Date:
    day: datetime.date
    what: str
    days: int  # from today


def coming_up(user: User, today: datetime.date) -> list[Date]:
    """The person's dates (reminders.key_dates) from today on, soonest first: the
    dashboard's reminder. One query, two with a regulator."""
    registration = registration_of(user)
    return [
        Date(date.day, date.label, (date.day - today).days)
        for date in key_dates(registration, rule_of(registration))
        if date.day >= today
    ]
