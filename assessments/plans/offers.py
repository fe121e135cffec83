"""What can be bought, read from the catalogue once per page and priced from the
providers' published figures only:
- a course with one fee: the course;
- a course with awards by year (MSc, PGDip, PGCert): each award with the modules
  of its years, once per choice of optional module (a student takes one option a
  year), with time in proportion to its years, labelled as worked out by us;
- a course priced per block of credits: single modules. A module of exactly one
  block is priced at the rate and labelled as worked out by us; for any other size
  the rate does not settle the price, so it is "not published", with the bound the
  rate gives and the assumption it rests on. Time is not published for modules.
  A module alone never closes a gap: a closing link rests on the programme around
  the module too (Reach.alone).
Rows with no module need the whole course (its largest award). Each option says
which gaps it closes and which it only contributes to (plans.gaps.Match)."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import OuterRef, Subquery

from catalogue.labels import pounds
from catalogue.models import HOURS_PER, Course, Coverage, Fee, Module

from ..models import TrainingRecord, User
from .optimiser import CLOSES, NAMED, TAUGHT, Option

if TYPE_CHECKING:
    from .gaps import Gap


@dataclass
class Offers:
    """What the plan needs from the catalogue: offered coverage, fees and modules."""

    rows: list[Coverage]
    fees: dict[int, list[Fee]]
    modules: dict[int, list[Module]]
    courses: dict[int, Course]
    # By course id, the reader's latest training record of it: (day finished, record id).
    # Read only for a practitioner's own plan (read_offers(recorded_by=…)).
    recorded: dict[int, tuple[date, int]] = field(default_factory=dict)

    def fee_summary(self, course_id: int) -> str:
        """Every published fee of the course in one line, with the dated run a fee was
        published for: shown beside its gaps."""
        return "; ".join(_fee_line(fee) for fee in self.fees[course_id])


def _fee_line(fee: Fee) -> str:
    """ "MSc: £15,000 / £11,130", "£1,667 / £1,237 per 20 credits (a rate: …)", with the
    dated run a fee was published for."""
    prices = f"{fee.standard_label} / {fee.nhs_funded_label}"
    if fee.per_credits and fee.credits:
        line = (
            f"{prices} per {fee.credits} credits (a rate: the provider does not say single "
            "modules are sold)"
        )
    else:
        line = f"{fee.label}: {prices}"
    return f"{line} ({fee.run_label})" if fee.run_label else line


@dataclass(frozen=True)
class CourseOffer:
    """A course that covers some of the practitioner's gaps, as the gaps page lists it."""

    course: Course
    fee_summary: str


def read_offers(*, recorded_by: User | None = None) -> Offers:
    """Three queries: offered coverage with course, provider and module; fees; modules.
    With `recorded_by`, each coverage row also carries that person's latest training
    record of its course (two subqueries in the first query, so no query more)."""
    query = (
        Coverage.objects.offered()
        .select_related("course__provider", "domain", "module", "competency")
        .order_by("course__title", "level", "domain", "competency__code")
    )
    if recorded_by is not None:
        latest = TrainingRecord.objects.filter(
            user=recorded_by, course=OuterRef("course_id")
        ).order_by("-finished", "-pk")
        query = query.annotate(
            recorded_on=Subquery(latest.values("finished")[:1]),
            recorded_id=Subquery(latest.values("pk")[:1]),
        )
    rows = list(query)
    fees: dict[int, list[Fee]] = defaultdict(list)
    for fee in Fee.objects.order_by("course_id", "position", "pk"):
        fees[fee.course_id].append(fee)
    modules: dict[int, list[Module]] = defaultdict(list)
    for module in Module.objects.order_by("course_id", "position", "pk"):
        modules[module.course_id].append(module)
    courses = {row.course_id: row.course for row in rows}
    for row in rows:
        row.course = courses[row.course_id]  # one instance per course, not one per row
    recorded = {
        row.course_id: (row.recorded_on, row.recorded_id)
        for row in rows
        if getattr(row, "recorded_id", None) is not None
    }
    return Offers(rows, fees, modules, courses, recorded)


def build_options(gaps: list[Gap], catalogue: Offers, *, nhs: bool) -> list[Option]:
    """What could be bought to close these gaps, priced from the published fees. On the
    NHS-funded scale, a fee whose NHS-funded figure is not published is taken at its
    standard figure and says so (Option.at_standard): it is never dropped or counted as 0."""
    return _priced(_needs(gaps), catalogue, nhs=nhs)


def both_scales(gaps: list[Gap], catalogue: Offers) -> tuple[list[Option], list[Option]]:
    """build_options on the standard and the NHS-funded scale, working out once what
    each way into a course reaches (the pages show both scales)."""
    needs = _needs(gaps)
    return _priced(needs, catalogue, nhs=False), _priced(needs, catalogue, nhs=True)


def _needs(gaps: list[Gap]) -> dict[int, dict[Module | None, Reach]]:
    """By course, then by module (None: the course as a whole), what it reaches."""
    needs: dict[int, dict[Module | None, Reach]] = defaultdict(lambda: defaultdict(Reach))
    for gap in gaps:
        key = gap.key
        for match in gap.matches:
            needs[match.row.course_id][match.row.module].note(key, match.strength)
    return needs


def _priced(
    needs: dict[int, dict[Module | None, Reach]], catalogue: Offers, *, nhs: bool
) -> list[Option]:
    options: list[Option] = []
    for course_id, by_module in needs.items():
        course = catalogue.courses[course_id]
        options += _course_options(
            course, by_module, catalogue.fees[course_id], catalogue.modules[course_id], nhs=nhs
        )
    return options


class ReachFields(TypedDict):
    """The Option fields a Reach fills."""

    closes: frozenset[str]
    contributes: frozenset[str]
    strengths: frozenset[tuple[str, int]]


class CourseFields(TypedDict):
    """The Option fields every way into one course shares."""

    provider: str
    entry: str


class PriceFields(TypedDict, total=False):
    """The Option fields that say what a price rests on."""

    fee_note: str
    at_standard: bool


@dataclass
class Reach:
    """The gaps one way into a course closes, and those it contributes to with the
    strength of its strongest link to each (optimiser.STRENGTHS)."""

    closes: set[str] = field(default_factory=set)
    contributes: dict[str, int] = field(default_factory=dict)

    def note(self, gap: str, strength: int) -> None:
        if strength >= CLOSES:
            self.closes.add(gap)
        elif strength > self.contributes.get(gap, 0):
            self.contributes[gap] = strength

    def add(self, other: Reach) -> None:
        self.closes |= other.closes
        mine = self.contributes
        for gap, strength in other.contributes.items():
            if strength > mine.get(gap, 0):
                mine[gap] = strength

    def __bool__(self) -> bool:
        return bool(self.closes or self.contributes)

    def alone(self) -> Reach:
        """What one module bought on its own reaches. A closing link rests on the module
        together with the programme around it (Grade.CORE: a compulsory module and a
        programme outcome), which a single module does not give: it teaches the gap in
        part, and never closes it."""
        reach = Reach(contributes=dict(self.contributes))
        for gap in self.closes:
            reach.note(gap, TAUGHT)
        return reach

    def fields(self) -> ReachFields:
        """The Option fields: closes, contributes and the stronger contributions."""
        contributes = {g: s for g, s in self.contributes.items() if g not in self.closes}
        return {
            "closes": frozenset(self.closes),
            "contributes": frozenset(contributes),
            "strengths": frozenset((g, s) for g, s in contributes.items() if s > NAMED),
        }


def _price(fee: Fee, *, nhs: bool) -> tuple[Decimal | None, PriceFields]:
    """The fee on the chosen scale and the Option fields that say what it rests on: the
    dated run it was published for, and, on the NHS-funded scale, that the standard
    figure is used because no NHS-funded one is published."""
    said: PriceFields = {"fee_note": fee.run_label}
    if nhs and fee.nhs_funded is None and fee.standard is not None:
        return fee.standard, {**said, "at_standard": True}
    return (fee.nhs_funded if nhs else fee.standard), said


def _course_hours(course: Course) -> Decimal | None:
    if course.duration_max is None or not course.duration_unit:
        return None
    return course.duration_max * HOURS_PER[course.duration_unit]


ENTRY = "a degree or a registered professional qualification (the course page has the detail)"


def _entry(course: Course) -> str:
    """Entry requirements a person may not meet (a degree or a registration), in short:
    the course page has the provider's whole text."""
    if not course.requires_degree_or_registration:
        return ""
    return f"{course.provider.name} asks for {ENTRY}"


def _course_options(
    course: Course,
    by_module: dict[Module | None, Reach],
    fees: list[Fee],
    modules: list[Module],
    *,
    nhs: bool,
) -> list[Option]:
    everything = Reach()
    for reach in by_module.values():
        everything.add(reach)
    hours = _course_hours(course)
    common: CourseFields = {"provider": course.provider.name, "entry": _entry(course)}
    awards = sorted(
        (f for f in fees if f.credits and not f.per_credits), key=lambda f: f.credits or 0
    )
    if not awards or not modules:
        # One way in: the course itself at its (first) fee.
        fee = fees[0] if fees else None
        price, note = _price(fee, nhs=nhs) if fee else (None, {})
        label = fee.label if fee else "Course"
        return [
            Option(
                f"{course.slug}/{label}",
                course.title,
                label,
                price,
                hours,
                **everything.fields(),
                **note,
                whole=True,
                length=course.duration_label if hours is not None else "",
                **common,
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
        credits = award.credits or 0  # every award has credits (the filter above)
        upto = next((year for total, year in reach_by_year if total >= credits), last_year)
        share = Decimal(upto) / Decimal(last_year)
        price, note = _price(award, nhs=nhs)
        for choice in _choices(by_module, upto, last_year):
            reach = Reach()
            for module, keys in by_module.items():
                if module is None:
                    if award is awards[-1]:
                        reach.add(keys)  # the whole course reaches rows with no module
                elif (module.year or last_year) <= upto and (
                    module.kind != Module.Kind.OPTIONAL or module in choice
                ):
                    reach.add(keys)
            if not reach:
                continue
            chosen = f", choosing {' and '.join(m.title for m in choice)}" if choice else ""
            options.append(
                Option(
                    "/".join([course.slug, award.label, *(m.title for m in choice)]),
                    course.title,
                    f"{award.label} ({award.credits} credits){chosen}",
                    price,
                    hours * share if hours is not None else None,
                    **reach.fields(),
                    **note,
                    time_note=(
                        f"worked out by us from the {course.duration_label} the provider "
                        f"publishes for the {awards[-1].label}"
                        if share != 1 and hours is not None
                        else ""
                    ),
                    **common,
                )
            )
    for block in (f for f in fees if f.per_credits and f.credits):
        rate, note = _price(block, nhs=nhs)
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
                    **keys.alone().fields(),
                    fee_assumption=assumption,
                    **note,
                    **common,
                )
            )
    return options


def _choices(
    by_module: dict[Module | None, Reach], upto: int, last_year: int
) -> list[tuple[Module, ...]]:
    """Which optional modules a student of an award up to year `upto` may take: one per
    year (Glasgow: one 20-credit option in year 2), so an award is offered once per
    choice, and never counted as teaching two options at once. Only options that
    reach a gap are told apart; the others add nothing."""
    per_year: dict[int, list[Module]] = defaultdict(list)
    for module in by_module:
        if module is not None and module.kind == Module.Kind.OPTIONAL:
            year = module.year or last_year
            if year <= upto:
                per_year[year].append(module)
    return list(itertools.product(*(per_year[year] for year in sorted(per_year))))


def _module_price(module: Module, block: Fee, rate: Decimal | None) -> tuple[Decimal | None, str]:
    """A single module's price from a per-credit rate, and what it rests on. Only a
    module of exactly one block is priced; otherwise the rate gives a range, not a price."""
    if rate is None or not module.credits or not block.credits:
        return None, ""  # the callers pass only modules and blocks with credits
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


def _year_credits(modules: list[Module], year: int) -> int:
    """Credits one student takes in a year: every module not marked optional, plus the
    largest optional one (Glasgow: year 2 is 40 core + one 20-credit option; year 3
    is the dissertation or the practice module, 60 either way)."""
    in_year = [m for m in modules if m.year == year]
    required = sum(m.credits or 0 for m in in_year if m.kind != Module.Kind.OPTIONAL)
    optional = [m.credits or 0 for m in in_year if m.kind == Module.Kind.OPTIONAL]
    return required + (max(optional) if optional else 0)
