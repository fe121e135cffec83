"""The team budget plan: the funded places (which course or module, for whom) that close
the most member-gaps within a manager's budget, and what other budgets would buy. The
exact solver is plans.budget; this module reads the team and words the answer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from catalogue.labels import pounds

from ..items import FrameworkView, Item
from ..models import TrainingRecord
from ..plans.offers import build_options
from ..plans.optimiser import Option
from .team_plan import Member, Place, option_fees, team_gaps

if TYPE_CHECKING:
    from ..plans.budget import BudgetResult

EVERYONE = "everyone"
NEEDING = "needing"  # members whose target level includes this level
WHO = {EVERYONE: "Everyone in the team", NEEDING: "Only members whose target level includes it"}


def money(amount: Decimal) -> str:
    """A budget or a sum spent: £0 is nothing spent, not a free course."""
    return "£0" if amount == 0 else pounds(amount)


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
    unmet: list[tuple[Item, int]]

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
    standard_options, fees = option_fees(found.items, catalogue)
    options = build_options(found.items, catalogue, nhs=True) if nhs else standard_options
    # Imported here: HiGHS takes a noticeable time to load, which every process would
    # otherwise pay at start-up for a page few people open.
    from ..plans.budget import Funding

    funding = Funding([(m.user_id, m.gaps) for m in considered], options)
    result = funding.solve(budget)
    names = {m.user_id: m for m in considered}
    places: dict[str, Place] = {}
    for funded in result.funded:
        for option in funded.options:
            places.setdefault(option.key, Place(option)).add(names[funded.member], fees)
    _mark_recorded(team, result.funded, places, names)
    every_gap = frozenset().union(*(m.gaps for m in considered)) if considered else frozenset()
    return TeamBudget(
        level=level,
        budget=budget,
        nhs=nhs,
        who=who,
        considered=len(considered),
        member_count=len(found.members),
        member_gaps=sum(len(m.gaps) for m in considered),
        places=sorted(places.values(), key=lambda p: (-p.closes, -p.contributes, p.option.key)),
        result=result,
        frontier=[FrontierStep(b, r) for b, r in funding.frontier()],
        unpriced=[o for o in options if o.fee is None and o.reaches & every_gap],
        unmet=found.unmet(),
    )
