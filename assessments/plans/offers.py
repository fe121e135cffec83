"""What can be bought, read from the catalogue once per page and priced from the
providers' published figures only:
- a course with one fee: the course;
- a course with awards by year (MSc, PGDip, PGCert): the smallest award whose
  years hold the modules needed, with time in proportion to its years;
- a course priced per block of credits: single modules. A module of exactly one
  block is priced at the rate and labelled as worked out by us; for any other size
  the rate does not settle the price, so it is "not published", with the bound the
  rate gives and the assumption it rests on. Time is not published for modules.
Rows with no module need the whole course (its largest award). Each option says
which gaps it closes and which it only contributes to (plans.gaps.Match)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
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
    needs: dict[int, dict[Module | None, Reach]] = defaultdict(lambda: defaultdict(Reach))
    for gap in gaps:
        for match in gap.matches:
            reach = needs[match.row.course_id][match.row.module]
            (reach.closes if match.closes else reach.contributes).add(gap.key)
    options: list[Option] = []
    for course_id, by_module in needs.items():
        course = catalogue.courses[course_id]
        options += _course_options(
            course, by_module, catalogue.fees[course_id], catalogue.modules[course_id], nhs=nhs
        )
    return options


@dataclass
class Reach:
    """The gaps one way into a course closes and contributes to."""

    closes: set[str] = field(default_factory=set)
    contributes: set[str] = field(default_factory=set)

    def add(self, other: Reach) -> None:
        self.closes |= other.closes
        self.contributes |= other.contributes

    def frozen(self) -> tuple[frozenset[str], frozenset[str]]:
        return frozenset(self.closes), frozenset(self.contributes - self.closes)


def _price(fee: Fee, *, nhs: bool) -> Decimal | None:
    return fee.nhs_funded if nhs else fee.standard


def _course_hours(course: Course) -> Decimal | None:
    if course.duration_max is None or not course.duration_unit:
        return None
    return course.duration_max * HOURS_PER[course.duration_unit]


def _course_options(course, by_module, fees, modules, *, nhs) -> list[Option]:
    everything = Reach()
    for reach in by_module.values():
        everything.add(reach)
    hours = _course_hours(course)
    provider = course.provider.name
    awards = sorted((f for f in fees if f.credits and not f.per_credits), key=lambda f: f.credits)
    if not awards or not modules:
        # One way in: the course itself at its (first) fee.
        fee = fees[0] if fees else None
        price = _price(fee, nhs=nhs) if fee else None
        label = fee.label if fee else "Course"
        return [
            Option(
                f"{course.slug}/{label}",
                course.title,
                label,
                price,
                hours,
                *everything.frozen(),
                provider=provider,
                whole=True,
            )
        ]

    options = []
    years = sorted({m.year for m in modules if m.year})
    last_year = years[-1] if years else 1
    cumulative, reach_by_year = 0, []
    for year in years:
        cumulative += _year_credits(modules, year)
        reach_by_year.append((cumulative, year))
    for award in awards:
        # The award covers the years whose credits add up to it (Glasgow: 60 / 120 / 180).
        upto = next((year for total, year in reach_by_year if total >= award.credits), last_year)
        reach = Reach()
        for module, keys in by_module.items():
            if module is not None and (module.year or last_year) <= upto:
                reach.add(keys)
        if award is awards[-1]:
            reach = everything  # the whole course reaches rows with no module too
        if reach.closes or reach.contributes:
            share = Decimal(upto) / Decimal(last_year)
            options.append(
                Option(
                    f"{course.slug}/{award.label}",
                    course.title,
                    f"{award.label} ({award.credits} credits)",
                    _price(award, nhs=nhs),
                    hours * share if hours is not None else None,
                    *reach.frozen(),
                    provider=provider,
                )
            )
    for block in (f for f in fees if f.per_credits and f.credits):
        rate = _price(block, nhs=nhs)
        for module, keys in by_module.items():
            if module is None or not module.credits:
                continue
            price, assumption = _module_price(module, block, rate)
            options.append(
                Option(
                    f"{course.slug}/module/{module.title}",
                    course.title,
                    f"Module {module.title} ({module.credits} credits)",
                    price,
                    None,
                    *keys.frozen(),
                    fee_assumption=assumption,
                    provider=provider,
                )
            )
    return options


def _module_price(module: Module, block: Fee, rate: Decimal | None) -> tuple[Decimal | None, str]:
    """A single module's price from a per-credit rate, and what it rests on. Only a
    module of exactly one block is priced; otherwise the rate gives a range, not a price."""
    if rate is None:
        return None, ""
    caveat = (
        "The provider does not publish a price for this module alone or say that single "
        "modules are sold."
    )
    if module.credits == block.credits:
        return rate, (
            f"Worked out from the published rate of {pounds(rate)} per {block.credits} "
            f"credits. {caveat}"
        )
    share = (rate * module.credits / block.credits).quantize(Decimal("1"))
    blocks = math.ceil(module.credits / block.credits)
    low, high = sorted((share, rate * blocks))
    return None, (
        f"Not published. At the published rate of {pounds(rate)} per {block.credits} "
        f"credits a {module.credits}-credit module would cost between {pounds(low)} (in "
        f"proportion) and {pounds(high)} (whole blocks), if it were sold alone. {caveat}"
    )


def _year_credits(modules, year) -> int:
    """Credits one student takes in a year: every module not marked optional, plus the
    largest optional one (Glasgow: year 2 is 40 core + one 20-credit option; year 3
    is the dissertation or the practice module, 60 either way)."""
    in_year = [m for m in modules if m.year == year]
    required = sum(m.credits or 0 for m in in_year if m.kind != Module.Kind.OPTIONAL)
    optional = [m.credits or 0 for m in in_year if m.kind == Module.Kind.OPTIONAL]
    return required + (max(optional) if optional else 0)
