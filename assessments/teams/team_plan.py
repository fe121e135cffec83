"""The team plan: every member's own best plan, added up per option."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from operator import mul
from typing import NamedTuple

from django.db.models import FilteredRelation, Q

from catalogue.labels import pounds, total

from ..items import FrameworkView, Item
from ..models import Membership, Status, display_name, target_level
from ..plans.gaps import Gap, attach_matches
from ..plans.offers import both_scales
from ..plans.optimiser import Option, Plan, Signatures, best_plan, cover_sets


@dataclass
class Place:
    """One option given to one or more members (the team plan, the budget plan): who,
    what it costs in all on both fee scales, and the member-gaps it closes and
    contributes to for them."""

    option: Option
    members: list[str] = field(default_factory=list)
    standard: Decimal = Decimal(0)
    nhs: Decimal = Decimal(0)
    unpublished: int = 0  # members for whom it has no published standard fee
    nhs_unpublished: int = 0  # members for whom it has no published NHS-funded fee
    closes: int = 0  # member-gaps it closes for them
    contributes: int = 0  # member-gaps it only contributes to
    recorded: list[str] = field(default_factory=list)  # members with a training record of it

    def add(self, member: "Member", fees: dict[bool, dict[str, Decimal | None]]) -> None:
        """One more member takes it; `fees` maps NHS-funded? to each option's fee."""
        self.add_all([member], fees)

    def add_all(self, members: list["Member"], fees: dict[bool, dict[str, Decimal | None]]) -> None:
        """These members take it (the team plan adds everyone with one plan at once:
        the fee is the same for each, and the counting runs in C)."""
        count = len(members)
        self.members.extend(member.name for member in members)
        shared = shared_gaps(members)
        sets, times = [gaps for gaps, _ in shared], [n for _, n in shared]
        self.closes += sum(map(mul, times, map(len, map(self.option.closes.intersection, sets))))
        self.contributes += sum(
            map(mul, times, map(len, map(self.option.contributes.intersection, sets)))
        )
        standard, nhs = fees[False][self.option.key], fees[True][self.option.key]
        if standard is None:
            self.unpublished += count
        else:
            self.standard += standard * count
        if nhs is None:
            self.nhs_unpublished += count
        else:
            self.nhs += nhs * count

    @property
    def members_label(self) -> str:
        """The names joined: "Ann Lee, Sam Jones". One string, so the template escapes
        it once rather than each of a team of 5,000 names under each course."""
        return ", ".join(self.members)

    @property
    def standard_label(self) -> str:
        return total(self.standard, self.unpublished, len(self.members))

    @property
    def nhs_label(self) -> str:
        return total(self.nhs, self.nhs_unpublished, len(self.members))


def option_fees(items, catalogue) -> tuple[list[Option], list[Option], dict]:
    """The options for these items on the standard and the NHS-funded scale, and every
    option's published fee on both (an NHS-funded fee that is not published is None
    here, and counted apart, never as 0)."""
    standard, nhs = both_scales(items, catalogue)
    fees: dict[bool, dict[str, Decimal | None]] = {
        False: {o.key: o.fee for o in standard},
        True: {o.key: None if o.at_standard else o.fee for o in nhs},
    }
    return standard, nhs, fees


@dataclass
class TeamPlan:
    level: int
    member_count: int
    courses: list[Place]
    unmet: list[tuple[Item, int]]  # items no listed course covers, with members missing them
    # For the answer the page opens with (budget_plan.answered_team_plan): the first
    # place's member-gaps by key, the members' gaps in all, whether any listed option
    # closes one of them, and the gaps by key.
    first_reached: Counter = field(default_factory=Counter)
    member_gaps: int = 0
    closable: bool = False
    by_key: dict[str, Gap] = field(default_factory=dict)

    @property
    def total_standard(self) -> Decimal:
        return sum((c.standard for c in self.courses), Decimal(0))

    @property
    def total_nhs(self) -> Decimal:
        return sum((c.nhs for c in self.courses), Decimal(0))

    @property
    def total_standard_label(self) -> str:
        return pounds(self.total_standard)

    @property
    def total_nhs_label(self) -> str:
        return pounds(self.total_nhs)

    @property
    def nhs_unpublished(self) -> int:
        return sum(c.nhs_unpublished for c in self.courses)

    @property
    def unpublished(self) -> int:
        return sum(c.unpublished for c in self.courses)


class Member(NamedTuple):
    """A tuple, not a dataclass: a team of 5,000 makes 5,000 of them per page."""

    user_id: int
    name: str
    target: int  # the level they assess up to
    gaps: frozenset[str]  # their gap keys at the level (one object per distinct set)


def shared_gaps(members: Iterable[Member]) -> list[tuple[frozenset[str], int]]:
    """Each gap set among these members, with how many members have it: members with
    the same gaps share one set (team_gaps), so work per set, not per member, is done
    a handful of times for a team of 5,000."""
    members = list(members)
    times = Counter(id(member.gaps) for member in members)
    sets = {id(member.gaps): member.gaps for member in members}
    return [(sets[key], n) for key, n in times.items()]


def count_keys(shared: list[tuple[frozenset[str], int]]) -> Counter[str]:
    """How many members have each key, from (keys, members) pairs: the sets of one
    member counted in C, as before sets were shared; a shared set once, times its
    members."""
    counted = Counter(chain.from_iterable(keys for keys, n in shared if n == 1))
    for keys, n in shared:
        if n > 1:
            for key in keys:
                counted[key] += n
    return counted


@dataclass(frozen=True)
class TeamGaps:
    """Every member's gaps at one level, and every item of the level with its matches."""

    members: list[Member]
    items: list[Gap]  # every item of the level, as a gap with its coverage matches

    @property
    def by_key(self) -> dict[str, Gap]:
        return {gap.key: gap for gap in self.items}

    def missing(self) -> dict[str, int]:
        """How many members miss each item."""
        return count_keys(shared_gaps(self.members))

    def unmet(self) -> list[tuple[Item, int]]:
        """Items no listed course reaches, with how many members miss them, most first."""
        by_key = self.by_key
        return [
            (by_key[key].item, count)
            for key, count in sorted(self.missing().items(), key=lambda kv: (-kv[1], kv[0]))
            if not by_key[key].matches
        ]


def team_gaps(team, framework: FrameworkView, catalogue, *, level: int) -> TeamGaps:
    """One query: the members, each with what they have achieved at the level as one
    text (models.tallies.Achieved, kept by the database), not one row per rating."""
    rows = (
        Membership.objects.members_of(team)
        .annotate(done=FilteredRelation("user__achieved", condition=Q(user__achieved__level=level)))
        .in_member_order()
        .values_list(
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "user__chosen_level",
            "user__job_role",
            "done__refs",
        )
    )
    items = [Gap(item, Status.NOT_ASSESSED) for item in framework.items_at(level)]
    attach_matches(items, framework, catalogue)
    key_of = {str(gap.item.ref): gap.key for gap in items}
    every = frozenset(key_of.values())
    gaps_of: dict[str, frozenset[str]] = {"": every}  # members with the same achievements
    # One object per distinct set, whatever order the refs were joined in: what is worked
    # out per set (shared_gaps, the plan's signatures) is then done once for all of them.
    interned: dict[frozenset[str], frozenset[str]] = {every: every}
    members = []
    for user_id, first, last, username, chosen, job_role, text in rows:
        text = text or ""
        if text not in gaps_of:
            # A ref of an item that no longer exists maps to None: in no gap set.
            gaps = every.difference(map(key_of.get, text.split(",")))
            gaps_of[text] = interned.setdefault(gaps, gaps)
        members.append(
            Member(
                user_id,
                display_name(first, last, username),
                target_level(chosen, job_role),
                gaps_of[text],
            )
        )
    return TeamGaps(members, items)


def team_plan(team, framework: FrameworkView, catalogue, *, level: int, objective: str = "cost"):
    """Each member's own best plan for their gaps at `level` (the same optimiser as the
    practitioner's plan, on the same priced options), added up per option. Members whose
    gaps give the optimiser the same choice (optimiser.Signatures) share one
    computation. Two queries: members, and what they have achieved."""
    found = team_gaps(team, framework, catalogue, level=level)
    options, _, fees = option_fees(found.items, catalogue)
    signature_of = Signatures(cover_sets(options))
    plans: dict[frozenset, Plan] = {}
    taking: dict[frozenset, list[Member]] = defaultdict(list)  # members, by signature
    signatures: dict[int, frozenset] = {}  # by gaps set: members share them (team_gaps)
    for member in found.members:
        signature = signatures.get(id(member.gaps))
        if signature is None:
            signature = signatures[id(member.gaps)] = signature_of(member.gaps)
        if signature not in plans:
            plans[signature] = best_plan(member.gaps, options, objective)
        taking[signature].append(member)
    takers: dict[str, list[Member]] = defaultdict(list)  # by option key
    places: dict[str, Option] = {}
    for signature, members in taking.items():
        for option in plans[signature].chosen:
            places[option.key] = option
            takers[option.key].extend(members)
    order = {member.user_id: i for i, member in enumerate(found.members)}
    chosen: dict[str, Place] = {}
    for key, members in takers.items():
        members.sort(key=lambda member: order[member.user_id])  # named in member order
        chosen[key] = Place(places[key])
        chosen[key].add_all(members, fees)
    courses = sorted(chosen.values(), key=lambda c: (-c.closes, -c.contributes, c.option.key))
    # Only the first place is named gap by gap (counted in C, not key by key).
    first_reached: Counter = Counter()
    if courses:
        reaches = courses[0].option.reaches
        shared = shared_gaps(takers[courses[0].option.key])
        first_reached = count_keys([(reaches.intersection(gaps), n) for gaps, n in shared])
    closing = frozenset().union(*(o.closes for o in options))
    sets = {id(m.gaps): m.gaps for m in found.members}.values()  # shared, not per member
    return TeamPlan(
        level,
        len(found.members),
        courses,
        found.unmet(),
        first_reached,
        sum(len(m.gaps) for m in found.members),
        any(not closing.isdisjoint(gaps) for gaps in sets),
        found.by_key,
    )
