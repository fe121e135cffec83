"""A regulator's cycle applied to a practitioner's records: pure Python over plain values,
so the rules are tested without a database.

The counts are the regulator's (CycleRule, kept as data with its sources); the page says
what is counted and never that the regulator will accept it: only the regulator decides."""

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import CycleRule


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Activity:
    """One training record as the rules see it."""

    finished: datetime.date
    hours: Decimal
    participatory_hours: Decimal
    peer_discussed: bool


@dataclass(frozen=True)
class Written:
    """One reflection as the rules see it: its kind is account, feedback or discussion."""

    happened_on: datetime.date
    kind: str
    peer_discussed: bool


@dataclass
class Check:
    label: str
    have: Decimal | int
    need: Decimal | int
    unit: str = ""

    @property
    def met(self) -> bool:
        return self.have >= self.need

    @property
    def short(self) -> Decimal | int:
        return max(self.need - self.have, 0)


@dataclass
class Progress:
    start: datetime.date
    end: datetime.date
    dated: bool  # False: no date given, so the cycle is taken to end today
    checks: list[Check] = field(default_factory=list)
    # Stretches of the cycle, up to today, with no learning activity for `gap_months`
    # or longer (the HCPC asks for a reason for each).
    gaps: list[tuple[datetime.date, datetime.date]] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return all(check.met for check in self.checks)


def _hours(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def progress(
    rule: "CycleRule",
    date: datetime.date | None,
    today: datetime.date,
    activities: Iterable[Activity],
    written: Iterable[Written],
) -> Progress:
    """How `activities` and `written` (all of the person's) stand against `rule` for
    the cycle ending on `date` (or today, when she has not given one)."""
    end = date or today
    start = months_before(end, rule.cycle_months)
    within = [a for a in activities if start < a.finished <= end]
    notes = [w for w in written if start < w.happened_on <= end]
    result = Progress(start=start, end=end, dated=date is not None)
    checks = result.checks
    if rule.cpd_hours:
        total = sum((a.hours for a in within), Decimal(0))
        checks.append(Check("CPD hours", _hours(total), Decimal(rule.cpd_hours), "hours"))
    if rule.participatory_hours:
        total = sum((a.participatory_hours for a in within), Decimal(0))
        checks.append(
            Check(
                "of them participatory", _hours(total), Decimal(rule.participatory_hours), "hours"
            )
        )
    if rule.hours_per_year:
        for year in range(rule.cycle_months // 12):
            year_end = months_before(end, 12 * year)
            year_start = months_before(end, 12 * (year + 1))
            if year_start >= today:
                continue  # a year that has not begun is not counted short
            total = sum(
                (a.hours for a in within if year_start < a.finished <= year_end), Decimal(0)
            )
            first = year_start + datetime.timedelta(days=1)
            label = f"CPD hours, {first:%d %b %Y} to {year_end:%d %b %Y}"
            checks.append(Check(label, _hours(total), Decimal(rule.hours_per_year), "hours"))
    if rule.records_needed:
        count = len(within) + sum(1 for w in notes if w.kind == "account")
        checks.append(Check("CPD records", count, rule.records_needed))
    if rule.peer_records_needed:
        count = sum(1 for a in within if a.peer_discussed) + sum(
            1 for w in notes if w.kind == "account" and w.peer_discussed
        )
        checks.append(Check("of them discussed with a peer", count, rule.peer_records_needed))
    if rule.feedback_needed:
        count = sum(1 for w in notes if w.kind == "feedback")
        checks.append(Check("pieces of practice-related feedback", count, rule.feedback_needed))
    if rule.reflections_needed:
        count = sum(1 for w in notes if w.kind == "account")
        checks.append(Check("written reflective accounts", count, rule.reflections_needed))
    if rule.gap_months:
        result.gaps = quiet_spells(
            sorted({a.finished for a in within} | {w.happened_on for w in notes}),
            start,
            min(end, today),
            rule.gap_months,
        )
    if rule.discussion_needed:
        count = sum(1 for w in notes if w.kind == "discussion")
        checks.append(Check("reflective discussion", min(count, 1), 1))
    return result


def quiet_spells(
    days: Sequence[datetime.date], start: datetime.date, end: datetime.date, months: int
) -> list[tuple[datetime.date, datetime.date]]:
    """(from, to) for every stretch between `start`, the activity days and `end` that
    is `months` long or longer."""
    spells: list[tuple[datetime.date, datetime.date]] = []
    marks = [start, *[d for d in days if start < d <= end], end]
    for before, after in zip(marks, marks[1:], strict=False):
        if after >= before and months_before(after, months) >= before:
            spells.append((before, after))
    return spells
