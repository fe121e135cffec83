"""What can be bought, read from the catalogue once per page and priced from the
providers' published figures only:
- a course with one fee: the course;
- a course with awards by year (MSc, PGDip, PGCert): the smallest award whose
  years hold the modules needed, with time in proportion to its years;
- a course priced per block of credits: single modules, at that price per block
  (time not published).
Rows with no module need the whole course (its largest award)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from catalogue.labels import pounds
from catalogue.models import HOURS_PER, Course, Coverage, Fee, Module

from .optimiser import Option

if TYPE_CHECKING:
    from .gaps import Gap


@dataclass
class Offers:
    """What the plan needs from the catalogue: offered coverage, fees and modules."""

    rows: list[Coverage]
    fees: dict[int, list[Fee]]
    modules: dict[int, list[Module]]
    courses: dict[int, Course]

    def fee_summary(self, course_id: int) -> str:
        """Every published fee of the course in one line: shown beside its gaps."""
        return "; ".join(
            f"{fee.label}: {fee.standard_label} / {fee.nhs_funded_label}"
            for fee in self.fees[course_id]
        )


@dataclass(frozen=True)
class CourseOffer:
    """A course that covers some of the practitioner's gaps, as the gaps page lists it."""

    course: Course
    fee_summary: str


def read_offers() -> Offers:
    """Three queries: offered coverage with course, provider and module; fees; modules."""
    rows = list(
        Coverage.objects.offered()
        .select_related("course__provider", "module", "competency")
        .order_by("course__title", "level", "domain", "competency__code")
    )
    fees: dict[int, list[Fee]] = defaultdict(list)
    for fee in Fee.objects.order_by("course_id", "position", "pk"):
        fees[fee.course_id].append(fee)
    modules: dict[int, list[Module]] = defaultdict(list)
    for module in Module.objects.order_by("course_id", "position", "pk"):
        modules[module.course_id].append(module)
    courses = {row.course_id: row.course for row in rows}
    for row in rows:
        row.course = courses[row.course_id]  # one instance per course, not one per row
    return Offers(rows, fees, modules, courses)


def build_options(gaps: list[Gap], catalogue: Offers, *, nhs: bool) -> list[Option]:
    """What could be bought to close these gaps, priced from the published fees."""
    needs: dict[int, dict[Module | None, set[str]]] = defaultdict(lambda: defaultdict(set))
    for gap in gaps:
        for match in gap.matches:
            needs[match.row.course_id][match.row.module].add(gap.key)
    options: list[Option] = []
    for course_id, by_module in needs.items():
        course = catalogue.courses[course_id]
        options += _course_options(
            course, by_module, catalogue.fees[course_id], catalogue.modules[course_id], nhs=nhs
        )
    return options


def _price(fee: Fee, *, nhs: bool) -> Decimal | None:
    return fee.nhs_funded if nhs else fee.standard


def _course_hours(course: Course) -> Decimal | None:
    if course.duration_max is None or not course.duration_unit:
        return None
    return course.duration_max * HOURS_PER[course.duration_unit]


def _course_options(course, by_module, fees, modules, *, nhs) -> list[Option]:
    everything = frozenset().union(*by_module.values())
    hours = _course_hours(course)
    awards = sorted((f for f in fees if f.credits and not f.per_credits), key=lambda f: f.credits)
    if not awards or not modules:
        # One way in: the course itself at its (first) fee.
        fee = fees[0] if fees else None
        price = _price(fee, nhs=nhs) if fee else None
        label = fee.label if fee else "Course"
        return [Option(f"{course.slug}/{label}", course.title, label, price, hours, everything)]

    options = []
    years = sorted({m.year for m in modules if m.year})
    last_year = years[-1] if years else 1
    cumulative, reach = 0, []
    for year in years:
        cumulative += _year_credits(modules, year)
        reach.append((cumulative, year))
    for award in awards:
        # The award covers the years whose credits add up to it (Glasgow: 60 / 120 / 180).
        upto = next((year for total, year in reach if total >= award.credits), last_year)
        covers: set[str] = set()
        for module, keys in by_module.items():
            if module is not None and (module.year or last_year) <= upto:
                covers |= keys
        if award is awards[-1]:
            covers = set(everything)  # the whole course covers rows with no module too
        if covers:
            share = Decimal(upto) / Decimal(last_year)
            options.append(
                Option(
                    f"{course.slug}/{award.label}",
                    course.title,
                    f"{award.label} ({award.credits} credits)",
                    _price(award, nhs=nhs),
                    hours * share if hours is not None else None,
                    frozenset(covers),
                )
            )
    for block in (f for f in fees if f.per_credits and f.credits):
        price = _price(block, nhs=nhs)
        for module, keys in by_module.items():
            if module is None or not module.credits:
                continue
            blocks = math.ceil(module.credits / block.credits)
            exact = module.credits % block.credits == 0
            assumption = (
                f"Worked out from the published rate of {pounds(price)} per "
                f"{block.credits} credits"
                + ("" if exact else f", charged as {blocks} whole {block.credits}-credit block")
                + "; the provider does not publish a price for this module alone or say "
                "that single modules are sold."
            )
            options.append(
                Option(
                    f"{course.slug}/module/{module.title}",
                    course.title,
                    f"Module {module.title} ({module.credits} credits, "
                    f"{blocks} × {block.credits}-credit block)",
                    price * blocks if price is not None else None,
                    None,
                    frozenset(keys),
                    fee_assumption=assumption if price is not None else "",
                )
            )
    return options


def _year_credits(modules, year) -> int:
    """Credits one student takes in a year: every module not marked optional, plus the
    largest optional one (Glasgow: year 2 is 40 core + one 20-credit option; year 3
    is the dissertation or the practice module, 60 either way)."""
    in_year = [m for m in modules if m.year == year]
    required = sum(m.credits or 0 for m in in_year if m.kind != Module.Kind.OPTIONAL)
    optional = [m.credits or 0 for m in in_year if m.kind == Module.Kind.OPTIONAL]
    return required + (max(optional) if optional else 0)
