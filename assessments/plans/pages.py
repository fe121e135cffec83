"""What the gaps page and the plan page show, read and computed for one practitioner:
the framework and their answers (items, ratings), the offers (three queries), the
gaps, and for the plan the optimiser's choice. The views only render these."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import reverse

from catalogue.labels import pounds

from ..items import load_framework
from ..models import User
from ..ratings.progress import Answer as Rated
from ..ratings.progress import Progress, answers_by_key, progress
from .answers import Answer, Fees, Teaching, answer, limits_in_words, teaching
from .gaps import Gap, GapGroup, find_gaps, group_gaps
from .offers import CourseOffer, Offers, both_scales, read_offers
from .optimiser import Option, Plan, best_plan, frontier, within


@dataclass(frozen=True)
class Recorded:
    """Her training record of a course, shown where the plan says "Record it when done"."""

    finished: date
    record_id: int

    @property
    def url(self) -> str:
        return reverse("assessments:record", args=[self.record_id])


def _recorded(offers: Offers) -> dict[str, Recorded]:
    """By course slug, from the offers read with recorded_by (no query)."""
    return {
        offers.courses[course_id].slug: Recorded(finished, record_id)
        for course_id, (finished, record_id) in offers.recorded.items()
        if course_id in offers.courses
    }


@dataclass(frozen=True)
class GapsPage:
    gaps: list[Gap]
    groups: list[GapGroup]
    courses: list[CourseOffer]  # every course covering one or more gaps, by title
    uncovered: list[Gap]  # gaps no listed course covers: shown, never hidden
    target: int
    answer: Answer  # where to start: the cheapest step, whether anything closes a gap
    recorded: dict[str, Recorded]  # by course slug: her latest training record of it

    @property
    def closable(self) -> int:
        return sum(bool(g.closed_by) for g in self.gaps)

    @property
    def contributed_only(self) -> int:
        return sum(bool(g.matches) and not g.closed_by for g in self.gaps)


def practitioner_gaps(user: User) -> GapsPage:
    framework = load_framework()
    offers = read_offers(recorded_by=user)
    found = find_gaps(framework, answers_by_key(user), user.target_level, offers)
    covering = {m.row.course_id for g in found for m in g.matches}
    courses = [
        CourseOffer(course, offers.fee_summary(pk))
        for pk, course in sorted(offers.courses.items(), key=lambda i: i[1].title)
        if pk in covering
    ]
    uncovered = [g for g in found if not g.matches]
    return GapsPage(
        found,
        group_gaps(found, framework),
        courses,
        uncovered,
        user.target_level,
        _where_to_start(user, found, offers),
        _recorded(offers),
    )


def _where_to_start(user: User, found: list[Gap], offers: Offers) -> Answer:
    """The gaps page's answer: the cheapest step of her plan, what it teaches, and
    whether any listed course closes one of her gaps (the plan page has the rest)."""
    standard, nhs = both_scales(found, offers)
    options, _ = _left_out(standard, user)
    fees = _fees(standard, nhs)
    gaps = frozenset(g.key for g in found)
    steps = frontier(gaps, options)
    by_key = {g.key: g for g in found}
    return answer(
        plan=steps[0] if steps else best_plan(gaps, options),
        every_step=steps,
        by_key=by_key,
        fees=fees,
        totals=lambda plan: _totals(plan, fees),
        limits=limits_in_words(None, None, "", nhs=False),
        limited=False,
        nothing_closes=not any(o.closes & gaps for o in options),
    )


def _fees(standard: list[Option], nhs: list[Option]) -> Fees:
    """Each option's fee on both scales, and which NHS-funded ones are standard fees."""
    return {
        "standard": {o.key: o.fee for o in standard},
        "nhs": {o.key: o.fee for o in nhs},
        "at_standard": {o.key for o in nhs if o.at_standard},
    }


@dataclass(frozen=True)
class ChosenOption:
    option: Option
    closes: list[Gap]  # the practitioner's gaps it closes
    contributes: list[Gap]  # and those it only contributes to
    reached: frozenset[str]  # the gaps of its plan it reaches
    by_key: dict[str, Gap]

    @property
    def teaches(self) -> list[Teaching]:
        """All of them by strength, strongest first (worked out only where a page shows
        it: the frontier's steps list many options and never this)."""
        return teaching(self.option, self.reached, self.by_key)


@dataclass(frozen=True)
class PlanView:
    """A plan as a page shows it: its options with the gaps each closes and contributes
    to, its totals on both fee scales, and what it leaves."""

    plan: Plan
    chosen: list[ChosenOption]
    standard: str  # total on the standard fees, e.g. "£2,550"
    nhs: str  # total on the NHS-funded fees
    not_closed: list[Gap]  # reached only by contributions
    untouched: list[Gap]  # reached by nothing in this plan


@dataclass(frozen=True)
class Step:
    """One step of the frontier and what it adds to the one before."""

    view: PlanView
    adds: list[Option]
    drops: list[Option]
    more_closed: int
    more_reached: int
    teaching: list[Teaching]  # what the whole step teaches, by strength

    @property
    def contributed(self) -> int:
        return len(self.view.plan.contributed)


@dataclass(frozen=True)
class LeftOut:
    """A course left out of her plans, and why (never silently)."""

    option: Option
    reason: str


@dataclass(frozen=True)
class PlanPage:
    objective: str
    nhs: bool
    complete: PlanView  # the most complete plan, by objective
    steps: list[Step]  # the frontier: from free to most complete
    limited: PlanView | None  # the best plan within the budget and time limit, if set
    budget: Decimal | None
    hours: Decimal | None
    unpriced: list[ChosenOption]  # options without a published fee, and what they reach
    uncovered: list[Gap]  # gaps no listed course reaches
    gap_count: int
    target: int
    progress: Progress
    highlights: list[Rated]  # up to ten answers with evidence, for the appraisal
    answer: Answer  # what the page opens with
    left_out: list[LeftOut]  # courses left out of every plan, each with the reason
    recorded: dict[str, Recorded]  # by course slug: her latest training record of it

    @property
    def any_step_closes(self) -> bool:
        return any(step.view.plan.closed for step in self.steps)


def _totals(plan: Plan, fees: Fees) -> tuple[str, str]:
    """The plan's total on each fee scale, saying what is not published and, on the
    NHS-funded scale, which fees are standard ones because no NHS-funded one is."""
    labels = []
    for scale, by_option in (("standard", fees["standard"]), ("nhs", fees["nhs"])):
        known = [by_option.get(o.key) for o in plan.chosen]
        missing = sum(f is None for f in known)
        if known and missing == len(known):
            labels.append("not published")
            continue
        label = pounds(sum((f for f in known if f is not None), Decimal(0)))
        if missing:
            label += f" + {missing} not published"
        standard = sum(o.key in fees["at_standard"] for o in plan.chosen) if scale == "nhs" else 0
        if standard:
            fees_word = "fees" if standard > 1 else "fee"
            label += f" (with {standard} standard {fees_word}: no NHS-funded fee is published)"
        labels.append(label)
    return labels[0], labels[1]


def _view(plan: Plan, by_key: dict[str, Gap], fees: Fees) -> PlanView:
    chosen = [
        ChosenOption(
            option,
            [by_key[k] for k in sorted(option.closes & plan.closed)],
            [by_key[k] for k in sorted((option.reaches & plan.reached) - option.closes)],
            option.reaches & plan.reached,
            by_key,
        )
        for option in plan.chosen
    ]
    return PlanView(
        plan,
        chosen,
        *_totals(plan, fees),
        [by_key[k] for k in sorted(plan.contributed)],
        [by_key[k] for k in sorted(frozenset(by_key) - plan.reached)],
    )


def _steps(plans: list[Plan], by_key: dict[str, Gap], fees: Fees) -> list[Step]:
    steps: list[Step] = []
    before: Plan | None = None
    for plan in plans:
        had = set(before.chosen) if before else set()
        steps.append(
            Step(
                _view(plan, by_key, fees),
                [o for o in plan.chosen if o not in had],
                [o for o in (before.chosen if before else ()) if o not in set(plan.chosen)],
                len(plan.closed) - (len(before.closed) if before else 0),
                len(plan.reached) - (len(before.reached) if before else 0),
                teaching(plan, plan.reached, by_key),
            )
        )
        before = plan
    return steps


NO_DEGREE = (
    "its entry asks for a degree or a professional registration, and your profile says "
    "you hold neither"
)


def _left_out(options: list[Option], user: User) -> tuple[list[Option], list[LeftOut]]:
    """The options she can take, and those left out with the reason: entry requirements
    she said she does not meet."""
    if user.holds_degree_or_registration is not False:
        return options, []
    kept = [o for o in options if not o.entry]
    out = {o.course_slug: LeftOut(o, NO_DEGREE) for o in options if o.entry}
    return kept, list(out.values())


def practitioner_plan(
    user: User,
    *,
    objective: str,
    nhs: bool,
    budget: Decimal | None = None,
    hours: Decimal | None = None,
    time_words: str = "",
) -> PlanPage:
    framework = load_framework()
    answers = answers_by_key(user)
    offers = read_offers(recorded_by=user)
    found = find_gaps(framework, answers, user.target_level, offers)
    standard_options, nhs_options = both_scales(found, offers)
    options, left_out = _left_out(nhs_options if nhs else standard_options, user)
    fees = _fees(standard_options, nhs_options)
    gaps = frozenset(g.key for g in found)
    by_key = {g.key: g for g in found}
    complete = best_plan(gaps, options, objective)
    steps = frontier(gaps, options, hours=hours)
    every_step = steps if hours is None else frontier(gaps, options)
    limited = None
    if budget is not None or hours is not None:
        limited_plan = within(gaps, options, budget=budget, hours=hours)
        limited = _view(limited_plan, by_key, fees)
    else:
        limited_plan = steps[0] if steps else complete
    opening = answer(
        plan=limited_plan,
        every_step=every_step,
        by_key=by_key,
        fees=fees,
        totals=lambda plan: _totals(plan, fees),
        limits=limits_in_words(budget, hours, time_words, nhs=nhs),
        limited=limited is not None,
        nothing_closes=not any(o.closes & gaps for o in options),
    )
    unpriced = [
        ChosenOption(
            o,
            [by_key[k] for k in sorted(o.closes & gaps)],
            [by_key[k] for k in sorted(o.contributes & gaps)],
            o.reaches & gaps,
            by_key,
        )
        for o in options
        if o.fee is None and o.reaches & gaps
    ]
    return PlanPage(
        objective=objective,
        nhs=nhs,
        complete=_view(complete, by_key, fees),
        steps=_steps(steps, by_key, fees),
        limited=limited,
        budget=budget,
        hours=hours,
        unpriced=unpriced,
        uncovered=[by_key[k] for k in sorted(complete.unreachable)],
        gap_count=len(found),
        target=user.target_level,
        progress=progress(framework, answers, user.target_level),
        highlights=[a for a in answers.values() if a.evidence][:10],
        answer=opening,
        left_out=left_out,
        recorded=_recorded(offers),
    )
