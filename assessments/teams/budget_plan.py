"""The team budget plan: the funded places (which course or module, for whom) that close
the most member-gaps within a manager's budget, and what other budgets would buy. The
exact solver is plans.budget; this module reads the team and words the answer.

Both team plan pages (the team plan and the budget plan) open with an answer a manager
can act on (TeamAnswer): the limits in words, what to fund first, for whom, at what
cost and time, which of the members' gaps it teaches and how strongly, whether
anything closes a gap, and, on the budget plan, what the next bigger budget adds."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from catalogue.labels import money, total

from ..items import FrameworkView, Item
from ..models import TrainingRecord
from ..plans.answers import STRENGTH_WORDS, WHY_NOTHING_CLOSES, fee_words
from ..plans.gaps import Gap
from ..plans.optimiser import (
    AT_STANDARD,
    STRENGTHS,
    Option,
)
from .team_plan import (
    Member,
    Place,
    TeamGaps,
    TeamPlan,
    count_keys,
    option_fees,
    shared_gaps,
    team_gaps,
    team_plan,
)

if TYPE_CHECKING:
    from ..plans.budget import BudgetResult

AT_STANDARD_MARK = "standard fee: no NHS-funded fee is published"
FEW = 4  # the answer names the members of a place up to this many, else counts them

EVERYONE = "everyone"
NEEDING = "needing"  # members whose target level includes this level
WHO = {EVERYONE: "Everyone in the team", NEEDING: "Only members whose target level includes it"}


@dataclass(frozen=True)
class FrontierStep:
    budget: Decimal
    result: BudgetResult

    @property
    def budget_label(self) -> str:
        return money(self.budget)

    @property
    def spent_label(self) -> str:
        return money(self.result.fee)

    @property
    def contributed(self) -> int:
        return self.result.reached - self.result.closed


@dataclass(frozen=True)
class TeamTeaching:
    """The member-gaps one place teaches at one strength: each gap by name, with how
    many of the place's members miss it."""

    strength: int
    gaps: list[tuple[Gap, int]]

    @property
    def words(self) -> str:
        return STRENGTH_WORDS[self.strength]


@dataclass(frozen=True)
class FirstPlace:
    """What to fund first: a place, for whom, its cost and time, what it teaches."""

    place: Place
    teaches: list[TeamTeaching]

    @property
    def count(self) -> int:
        return len(self.place.members)

    @property
    def who(self) -> str:
        """Names when they are few, else how many."""
        if self.count <= FEW:
            return self.place.members_label
        return f"{self.count} members"

    @property
    def fee_words(self) -> str:
        """Its total for these members on both scales; a standard fee an NHS-funded plan
        took is marked, never written as an NHS-funded fee or as £0."""
        if self.place.option.at_standard:
            return f"{self.place.standard_label} ({AT_STANDARD_MARK})"
        words = fee_words(self.place.standard_label, self.place.nhs_label)
        return words

    @property
    def time_words(self) -> str:
        return self.place.option.time_label

    @property
    def notes(self) -> list[str]:
        """What its fee, time and entry rest on, each said once."""
        o = self.place.option
        notes = [f"Fee {o.fee_note}"] if o.fee_note else []
        notes += [o.fee_assumption] if o.fee_assumption else []
        notes += [f"Time {o.time_note}"] if o.time_note else []
        notes += [f"Entry: {o.entry}"] if o.entry else []
        return notes


@dataclass(frozen=True)
class NextBudget:
    """What the next bigger budget of the frontier would add to this plan."""

    step: FrontierStep
    closes_more: int
    reaches_more: int
    members_more: int


@dataclass(frozen=True)
class TeamAnswer:
    limits: str  # the plan's limits in words
    first: FirstPlace | None  # what to fund first
    others: int  # further places, in the table
    closes: int  # member-gaps the plan closes
    member_gaps: int  # member-gaps in all
    reaches: int  # member-gaps it closes or teaches
    nothing_closes: bool  # no listed course closes any of these members' gaps
    closing: FrontierStep | None = None  # the smallest budget shown that would close one
    more: NextBudget | None = None  # the next bigger budget, when it adds anything
    at_standard: list[Place] = field(default_factory=list)  # NHS-funded plan, standard fee
    total_standard: str = ""  # the team plan's totals: "£3,334", "£2,474 + 2 not published",
    total_nhs: str = ""  # "not published" (every fee of it unknown: never £0 or free)

    why_nothing_closes = WHY_NOTHING_CLOSES
    at_standard_mark = AT_STANDARD_MARK  # beside a fee
    at_standard_words = AT_STANDARD  # in a sentence: "the standard fee, as no NHS-funded …"


def _teaching(option: Option, reached: Counter, by_key: dict[str, Gap]) -> list[TeamTeaching]:
    """`reached` counts the place's member-gaps by key; grouped by how strongly the
    option teaches each, strongest first, gaps in framework order."""
    levels: dict[int, list[tuple[Gap, int]]] = {s: [] for s in STRENGTHS}
    order = {key: i for i, key in enumerate(by_key)}
    for key in sorted(reached, key=order.__getitem__):
        strength = option.strength(key)
        if strength:
            levels[strength].append((by_key[key], reached[key]))
    return [TeamTeaching(s, gaps) for s, gaps in levels.items() if gaps]


def total_words(places: list[Place], *, nhs: bool) -> str:
    """A total over places: the sum, "+ N not published" when some fees are unknown,
    "not published" when all are (never £0 or "free" for fees nobody published)."""
    count = sum(len(p.members) for p in places)
    unknown = sum(p.nhs_unpublished if nhs else p.unpublished for p in places)
    return total(sum((p.nhs if nhs else p.standard for p in places), Decimal(0)), unknown, count)


def _first(places: list[Place], reached: dict[str, Counter], by_key) -> FirstPlace | None:
    if not places:
        return None
    place = places[0]
    return FirstPlace(place, _teaching(place.option, reached[place.option.key], by_key))


def answered_team_plan(
    team, framework: FrameworkView, catalogue, *, level: int
) -> tuple[TeamPlan, TeamAnswer]:
    """team_plan.team_plan (each member's own best plan, added up per option) and the
    answer its page opens with. No query of its own."""
    plan = team_plan(team, framework, catalogue, level=level)
    courses = plan.courses
    members = plan.member_count
    first = courses[0].option.key if courses else ""
    answer = TeamAnswer(
        limits=(
            f"for Level {level}: each of the {members} member"
            f"{'s' if members != 1 else ''}' own most complete plan, cheapest first"
        ),
        first=_first(courses, {first: plan.first_reached}, plan.by_key),
        others=max(len(courses) - 1, 0),
        closes=sum(c.closes for c in courses),
        member_gaps=plan.member_gaps,
        reaches=sum(c.closes + c.contributes for c in courses),
        nothing_closes=not plan.closable,
        total_standard=total_words(courses, nhs=False),
        total_nhs=total_words(courses, nhs=True),
    )
    return plan, answer


@dataclass(frozen=True)
class TeamBudget:
    level: int
    budget: Decimal
    nhs: bool
    who: str
    considered: int  # members the plan may fund
    member_count: int
    member_gaps: int  # gaps of the members considered, in all
    places: list[Place]
    result: BudgetResult
    frontier: list[FrontierStep]
    unpriced: list[Option]  # options with no fee on this scale: left out, listed
    unmet: list[tuple[Item, int]]  # over the members considered
    answer: TeamAnswer | None = None

    @property
    def who_label(self) -> str:
        return WHO[self.who]

    @property
    def spent_label(self) -> str:
        return money(self.result.fee)

    @property
    def budget_label(self) -> str:
        return money(self.budget)

    @property
    def contributed(self) -> int:
        return self.result.reached - self.result.closed

    @property
    def not_reached(self) -> int:
        return self.member_gaps - self.result.reached

    @property
    def scale(self) -> str:
        return "NHS-funded" if self.nhs else "standard"

    @property
    def at_standard_spent(self) -> Decimal:
        """What the NHS-funded plan spends at standard fees (no NHS-funded fee is
        published for them): part of `spent`, marked wherever it is shown."""
        if not self.nhs:
            return Decimal(0)
        return sum((p.standard for p in self.places if p.option.at_standard), Decimal(0))

    @property
    def at_standard_label(self) -> str:
        return money(self.at_standard_spent)


def _mark_recorded(team, funded, places: dict[str, Place], names) -> None:
    """Name, on each funded place, the members who already have a training record of
    its course (a manager sees which funded places were used). One query."""
    slugs = {place.option.course_slug for place in places.values()}
    if not slugs:
        return
    recorded = set(
        TrainingRecord.objects.filter(
            course__slug__in=slugs,
            user__memberships__team=team,
            user__memberships__role="member",
        ).values_list("user_id", "course__slug")
    )
    for each in funded:
        for option in each.options:
            if (each.member, option.course_slug) in recorded:
                places[option.key].recorded.append(names[each.member].name)


def team_budget(
    team,
    framework: FrameworkView,
    catalogue,
    *,
    level: int,
    budget: Decimal,
    nhs: bool = False,
    who: str = EVERYONE,
) -> TeamBudget:
    """Two queries (team_gaps), and one for the training records of the funded places
    when it funds any; the rest is the solver."""
    found = team_gaps(team, framework, catalogue, level=level)
    considered: list[Member] = [m for m in found.members if who == EVERYONE or m.target >= level]
    standard_options, nhs_options, fees = option_fees(found.items, catalogue)
    options = nhs_options if nhs else standard_options
    # Imported here: HiGHS takes a noticeable time to load, which every process would
    # otherwise pay at start-up for a page few people open.
    from ..plans.budget import Funding

    funding = Funding([(m.user_id, m.gaps) for m in considered], options)
    result = funding.solve(budget)
    names = {m.user_id: m for m in considered}
    takers: dict[str, list[Member]] = defaultdict(list)  # by option key, in member order
    chosen: dict[str, Option] = {}
    for funded in result.funded:
        member = names[funded.member]
        for option in funded.options:
            chosen[option.key] = option
            takers[option.key].append(member)
    places: dict[str, Place] = {}
    reached: dict[str, Counter] = defaultdict(Counter)
    for key, members in takers.items():  # each place's members added at once
        places[key] = Place(chosen[key])
        places[key].add_all(members, fees)
        reaches = chosen[key].reaches
        shared = shared_gaps(members)
        reached[key] = count_keys([(reaches.intersection(gaps), n) for gaps, n in shared])
    _mark_recorded(team, result.funded, places, names)
    every_gap = frozenset().union(*(m.gaps for m in considered)) if considered else frozenset()
    ordered = sorted(places.values(), key=lambda p: (-p.closes, -p.contributes, p.option.key))
    frontier = [FrontierStep(b, r) for b, r in funding.frontier()]
    plan = TeamBudget(
        level=level,
        budget=budget,
        nhs=nhs,
        who=who,
        considered=len(considered),
        member_count=len(found.members),
        member_gaps=sum(len(m.gaps) for m in considered),
        places=ordered,
        result=result,
        frontier=frontier,
        unpriced=[o for o in options if o.fee is None and o.reaches & every_gap],
        # The unmet need of the members this plan is for, not of the whole team.
        unmet=TeamGaps(considered, found.items).unmet(),
    )
    closable = any(o.closes & every_gap for o in options)
    return _with_answer(plan, reached, found.by_key, closable=closable)


def _with_answer(plan: TeamBudget, reached, by_key, *, closable: bool) -> TeamBudget:
    result = plan.result
    words = f"within {plan.budget_label}, at {plan.scale} fees, for Level {plan.level}"
    if plan.who == NEEDING:
        words += ", only for members whose target level includes it"
    closing = None
    if not result.closed:
        closing = next((s for s in plan.frontier if s.result.closed), None)
    bigger = next(
        (
            s
            for s in plan.frontier
            if s.budget > plan.budget
            and (s.result.closed, s.result.reached) > (result.closed, result.reached)
        ),
        None,
    )
    more = None
    if bigger is not None:
        more = NextBudget(
            bigger,
            bigger.result.closed - result.closed,
            bigger.result.reached - result.reached,
            bigger.result.members - result.members,
        )
    answer = TeamAnswer(
        limits=words,
        first=_first(plan.places, reached, by_key),
        others=max(len(plan.places) - 1, 0),
        closes=result.closed,
        member_gaps=plan.member_gaps,
        reaches=result.reached,
        nothing_closes=not closable,
        closing=closing,
        more=more,
        at_standard=[p for p in plan.places if plan.nhs and p.option.at_standard],
    )
    return replace(plan, answer=answer)
