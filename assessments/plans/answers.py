"""The answer a plan page opens with, in plain words: the limits said back, what to
take now and which gaps it teaches and how strongly, whether it closes any, the
cheapest plan that would close one, and what a bigger budget or more time would
add. Pure Python over the optimiser's plans: no queries.

Used by the practitioner's plan and gaps pages (plans.pages); the words for each
strength are the one definition pages, PDFs and exports share (STRENGTH_WORDS)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from catalogue.labels import elapsed, pounds

from .optimiser import CLOSES, NAMED, OPTIONAL, STRENGTHS, TAUGHT, Option, Plan

if TYPE_CHECKING:
    from .gaps import Gap

# How a chosen course teaches a gap, strongest first, as a person reads it.
STRENGTH_WORDS = {
    CLOSES: "Taught in a core module",
    TAUGHT: "Taught in part",
    OPTIONAL: "Only in an optional module",
    NAMED: "Named as a topic",
}

# Why a course can close so few gaps: said once, wherever nothing closes one.
WHY_NOTHING_CLOSES = (
    "Course records say what is taught, and a gap closes when you can show the competence "
    "in your practice: a course counts as closing one only where a core module teaches all "
    "of it."
)


@dataclass(frozen=True)
class Teaching:
    """The gaps one course, or a whole plan, reaches at one strength."""

    strength: int
    gaps: list[Gap]

    @property
    def words(self) -> str:
        return STRENGTH_WORDS[self.strength]

    @property
    def names(self) -> str:
        """The gaps' names in one string: a page lists many (one template include per
        gap cost the plan page a third of its time)."""
        return "; ".join(gap.name for gap in self.gaps)


@dataclass(frozen=True)
class Take:
    """One course to take and what it teaches of her gaps, strongest first."""

    option: Option
    teaches: list[Teaching]
    standard: str  # its fee on the standard scale
    nhs: str  # and on the NHS-funded scale

    @property
    def closes(self) -> bool:
        return any(t.strength == CLOSES for t in self.teaches)

    @property
    def fee_words(self) -> str:
        """ "Free (standard and NHS-funded)", "£5,000 standard, £3,710 NHS-funded",
        "£2,550 standard; no NHS-funded fee is published"."""
        return fee_words(self.standard, self.nhs)


def fee_words(standard: str, nhs: str) -> str:
    if standard == nhs:
        return f"{standard[0].upper()}{standard[1:]} (standard and NHS-funded)"
    if nhs == "not published":
        return f"{standard} standard; no NHS-funded fee is published"
    return f"{standard} standard, {nhs} NHS-funded"


@dataclass(frozen=True)
class Offer:
    """A whole plan as one sentence can say it: what to take, its totals, what it adds."""

    takes: list[Take]
    standard: str
    nhs: str
    time: str
    closes: list[Gap]  # the gaps it would close
    adds: list[Teaching]  # what it teaches beyond the plan it is compared with

    @property
    def names(self) -> str:
        return "; ".join(t.option.name for t in self.takes)

    @property
    def closes_names(self) -> str:
        return "; ".join(gap.name for gap in self.closes)

    @property
    def notes(self) -> list[str]:
        """What its fees, times and entry rest on, each said once."""
        notes = []
        for t in self.takes:
            o = t.option
            if o.fee_notes:
                notes.append(f"{o.name}: fee {o.fee_notes}")
            if o.fee_assumption:
                notes.append(f"{o.name}: {o.fee_assumption}")
            if o.time_note:
                notes.append(f"{o.name}: time {o.time_note}")
            if o.entry:
                notes.append(f"{o.course_title}: entry: {o.entry}")
        return list(dict.fromkeys(notes))


@dataclass(frozen=True)
class Answer:
    limits: str  # her limits in words, e.g. "within £3,000 and 12 months, at standard fees"
    limited: bool  # True when she set a budget or a time limit
    takes: list[Take]  # the plan to follow now
    teaches: list[Teaching]  # what that plan teaches, each gap at its strongest
    closes: int  # how many gaps it closes
    nothing_closes: bool  # no listed course closes any of her gaps
    cheapest_closing: Offer | None  # when the plan closes none but a dearer one would
    more: Offer | None  # what a bigger budget or more time would add
    gap_count: int

    why_nothing_closes = WHY_NOTHING_CLOSES


def limits_in_words(
    budget: Decimal | None, hours: Decimal | None, time_words: str, *, nhs: bool
) -> str:
    """'within £3,000 and 12 months, at NHS-funded fees' (or 'with no budget or time
    limit, at standard fees')."""
    scale = "NHS-funded fees" if nhs else "standard fees"
    parts = []
    if budget is not None:
        parts.append(pounds(budget) if budget else "£0 (free courses only)")
    if hours is not None:
        parts.append(time_words or elapsed(hours))
    if not parts:
        return f"with no budget or time limit, at {scale}"
    return f"within {' and '.join(parts)}, at {scale}"


class Fees(TypedDict):
    """Each option's fee on both scales (by key; None: not published), and which
    NHS-funded ones are standard fees."""

    standard: dict[str, Decimal | None]
    nhs: dict[str, Decimal | None]
    at_standard: set[str]


Totals = Callable[[Plan], tuple[str, str]]  # a plan's total on each fee scale, in words


def teaching(
    plan_or_option: Plan | Option, keys: Iterable[str], by_key: Mapping[str, Gap]
) -> list[Teaching]:
    """The gaps of `keys` grouped by how strongly the plan or option teaches each,
    strongest first; gaps it does not reach are left out."""
    levels: dict[int, list[Gap]] = {s: [] for s in STRENGTHS}
    for key in sorted(keys):
        strength = plan_or_option.strength(key)
        if strength:
            levels[strength].append(by_key[key])
    return [Teaching(s, gaps) for s, gaps in levels.items() if gaps]


def take(option: Option, plan: Plan, by_key: Mapping[str, Gap], fees: Fees) -> Take:
    """One chosen course, with the gaps of the plan it teaches at its own strength."""
    at_standard = option.key in fees["at_standard"]
    return Take(
        option,
        teaching(option, option.reaches & plan.reached, by_key),
        pounds(fees["standard"].get(option.key)),
        "not published" if at_standard else pounds(fees["nhs"].get(option.key)),
    )


def offer(
    plan: Plan, before: Plan | None, by_key: Mapping[str, Gap], fees: Fees, totals: Totals
) -> Offer:
    """A plan, and what it teaches more strongly than `before` (or at all)."""
    better = [k for k in plan.reached if before is None or plan.strength(k) > before.strength(k)]
    standard, nhs = totals(plan)
    time = plan.total_time_label or "not published"
    if plan.unknown_hours and plan.total_time_label:
        time += f" + {plan.unknown_hours} not published"
    return Offer(
        [take(o, plan, by_key, fees) for o in plan.chosen],
        standard,
        nhs,
        time,
        [by_key[k] for k in sorted(plan.closed)],
        teaching(plan, better, by_key),
    )


def answer(
    *,
    plan: Plan,
    every_step: list[Plan],
    by_key: dict[str, Gap],
    fees: Fees,
    totals: Totals,
    limits: str,
    limited: bool,
    nothing_closes: bool,
) -> Answer:
    """`plan` is the one to follow (the best within her limits, or the cheapest step
    when she set none); `every_step` the frontier without limits, for what more money
    or time would buy; `nothing_closes` when no listed course closes any of her gaps."""
    closing = None
    if not plan.closed:
        closing = next((s for s in every_step if s.closed), None)
    cheapest_closing = offer(closing, plan, by_key, fees, totals) if closing else None
    more_plan = next((s for s in every_step if s.worth > plan.worth and s is not closing), None)
    more = offer(more_plan, plan, by_key, fees, totals) if more_plan is not None else None
    return Answer(
        limits=limits,
        limited=limited,
        takes=[take(o, plan, by_key, fees) for o in plan.chosen],
        teaches=teaching(plan, plan.reached, by_key),
        closes=len(plan.closed),
        nothing_closes=nothing_closes,
        cheapest_closing=cheapest_closing,
        more=more,
        gap_count=len(by_key),
    )
