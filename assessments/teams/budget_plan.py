"""The team budget plan: the funded places (which course or module, for whom) that close
the most member-gaps within a manager's budget, and what other budgets would buy. The
exact solver is plans.budget; this module reads the team and words the answer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from catalogue.labels import pounds

from ..items import FrameworkView, Item
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
    """Two queries (team_gaps); the rest is the solver."""
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
