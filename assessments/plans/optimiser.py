"""Which courses close or contribute to which gaps, and the best sets to buy. Pure
Python over plain data, no ORM: the rules are tested in milliseconds and shared by
the practitioner's plan (plans.pages) and the team plans (teams.team_plan,
teams.budget).

An option *closes* a gap when one of its coverage links is graded strong enough
(catalogue Coverage.closes) and points at that gap; it *contributes to* the gaps
its weaker links reach, each at a strength (STRENGTHS: taught in part, only in an
optional module, named as a topic). A plan counts each gap at the strongest link
any chosen option has to it, and its worth is, strongest first: gaps closed, then
gaps taught in part or better, then gaps reached through an optional module or
better, then gaps reached at all (Plan.worth). So among plans that close as many
gaps, the one with the stronger evidence wins before cost or time is looked at.

- best_plan: the most complete plan (closes every gap any option closes and
  reaches every gap any option reaches); among those, by objective:
    cost:  fewer unpublished fees, then the lowest total fee, then fewer options
    time:  fewer unpublished lengths, then the least total time, then fewer options
    count: fewer options, then fewer unpublished fees, then the lowest total fee
  and finally the alphabetically first option keys, so the answer never depends
  on input order. Exhaustive (exact) up to EXACT_LIMIT useful options; past that
  a greedy weighted cover with redundancy pruning.
- frontier / within: exact, over the options with a fee (published or worked out
  from a published rate): the best plans from free to most complete, and the best
  plan inside a budget and a time limit. A dynamic programme over which gaps are
  reached at each strength, keeping for each state the plans no other beats on both
  fee and time (plan_states).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, reduce
from itertools import chain
from operator import or_
from typing import Any

from catalogue.labels import elapsed, pounds

EXACT_LIMIT = 12
OBJECTIVES = ("cost", "time", "count")

# How strongly an option teaches a gap, from the grade of its strongest link
# (catalogue Grade): only CLOSES closes a gap; the others contribute to it.
CLOSES, TAUGHT, OPTIONAL, NAMED = 4, 3, 2, 1
STRENGTHS = (CLOSES, TAUGHT, OPTIONAL, NAMED)  # strongest first
LEVELS = len(STRENGTHS)

AT_STANDARD = "the standard fee, as no NHS-funded fee is published"


@dataclass(frozen=True)
class Option:
    """One thing a practitioner could buy or take: a course, an exit award or a module."""

    key: str  # stable and unique, e.g. "glasgow-imh-msc/PGCert"
    course_title: str  # for people
    label: str  # what is bought, e.g. "PGCert (60 credits)"
    fee: Decimal | None  # None: not published; 0: free
    hours: Decimal | None  # elapsed time on one scale; None: not published
    closes: frozenset[str]  # gap keys, e.g. {"1:1.07", "2:D3"}
    contributes: frozenset[str] = frozenset()  # gaps it reaches without closing them
    # Set when the fee is not a published price but worked out by us from one (a
    # module from a per-credit rate), or when the rate does not settle it: the
    # assumption, shown beside it.
    fee_assumption: str = ""
    provider: str = ""
    whole: bool = False  # the course itself at its one fee: its title says what it is
    # Contributions stronger than a named topic: (gap, TAUGHT or OPTIONAL). Any other
    # contribution counts as NAMED; closes count as CLOSES.
    strengths: frozenset[tuple[str, int]] = frozenset()
    fee_note: str = ""  # said beside the fee: the dated run it was published for
    time_note: str = ""  # said beside the time: a length worked out by us
    # The length as the provider gives it ("2–4 hours of practitioner time"), where the
    # option is the course itself; `hours` is its longest, for adding up.
    length: str = ""
    entry: str = ""  # the course's entry requirements, where it has some
    at_standard: bool = False  # an NHS-funded plan took its standard fee: none is published

    def strength(self, gap: str) -> int:
        """How strongly this option teaches the gap; 0 when it does not reach it."""
        if gap in self.closes:
            return CLOSES
        if gap not in self.contributes:
            return 0
        return self._strength.get(gap, NAMED)

    @cached_property
    def _strength(self) -> dict[str, int]:
        return dict(self.strengths)

    def at_least(self, strength: int) -> frozenset[str]:
        """The gaps it reaches at this strength or stronger."""
        if strength <= NAMED:
            return self.reaches
        if strength >= CLOSES:
            return self.closes
        return self._at_least[strength]

    @cached_property
    def _at_least(self) -> dict[int, frozenset[str]]:
        return {
            s: self.closes | frozenset(g for g, at in self.strengths if at >= s)
            for s in (TAUGHT, OPTIONAL)
        }

    @property
    def name(self) -> str:
        """What a person reads: the course, and the award or module where it is one."""
        return self.course_title if self.whole else f"{self.course_title}: {self.label}"

    @property
    def course_slug(self) -> str:
        """The course's page (keys start with the course's slug)."""
        return self.key.split("/", 1)[0]

    @property
    def reaches(self) -> frozenset[str]:
        return self.closes | self.contributes

    @property
    def fee_label(self) -> str:
        return pounds(self.fee)

    @property
    def fee_notes(self) -> str:
        """Everything said beside the fee: its dated run, and the standard fee used."""
        notes = [self.fee_note] if self.fee_note else []
        if self.at_standard:
            notes.append(AT_STANDARD)
        return "; ".join(notes)

    @property
    def time_label(self) -> str:
        return self.length or elapsed(self.hours)


@dataclass(frozen=True)
class Plan:
    chosen: tuple[Option, ...]
    closed: frozenset[str]  # gaps the chosen options close
    reached: frozenset[str]  # gaps they close or contribute to
    unreachable: frozenset[str] = frozenset()  # gaps no listed option reaches: shown

    @property
    def contributed(self) -> frozenset[str]:
        return self.reached - self.closed

    def strength(self, gap: str) -> int:
        """The strongest link any chosen option has to the gap (0: none)."""
        return max((o.strength(gap) for o in self.chosen), default=0)

    @property
    def worth(self) -> tuple[int, ...]:
        """Gaps reached at each strength or stronger, strongest first (closed first,
        reached last): compared as a tuple, a plan with stronger evidence is worth more."""
        return tuple(
            len(frozenset().union(*(o.at_least(s) for o in self.chosen)) & self.reached)
            for s in STRENGTHS
        )

    @property
    def total_fee(self) -> Decimal:
        return sum((o.fee for o in self.chosen if o.fee is not None), Decimal(0))

    @property
    def unknown_fees(self) -> int:
        return sum(o.fee is None for o in self.chosen)

    @property
    def derived_fees(self) -> int:
        """Fees in the total that we worked out from a published rate."""
        return sum(bool(o.fee_assumption) and o.fee is not None for o in self.chosen)

    @property
    def total_hours(self) -> Decimal:
        return sum((o.hours for o in self.chosen if o.hours is not None), Decimal(0))

    @property
    def unknown_hours(self) -> int:
        return sum(o.hours is None for o in self.chosen)

    @property
    def total_fee_label(self) -> str:
        return pounds(self.total_fee)

    @property
    def total_time_label(self) -> str:
        return elapsed(self.total_hours) if self.total_hours else ""


def _plan(
    options: Iterable[Option], gaps: frozenset[str], unreachable: frozenset[str] = frozenset()
) -> Plan:
    chosen = tuple(sorted(options, key=lambda o: o.key))
    closed = frozenset().union(*(o.closes & gaps for o in chosen)) if chosen else frozenset()
    reached = frozenset().union(*(o.reaches & gaps for o in chosen)) if chosen else frozenset()
    return Plan(chosen, closed, reached, unreachable)


# --- the most complete plan ------------------------------------------------------


def _rank(chosen: tuple[Option, ...], objective: str) -> tuple[Any, ...]:
    """Lower is better; `chosen` in key order (the last tie-break)."""
    unknown_fees = unknown_hours = 0
    fee = hours = Decimal(0)
    for o in chosen:
        if o.fee is None:
            unknown_fees += 1
        else:
            fee += o.fee
        if o.hours is None:
            unknown_hours += 1
        else:
            hours += o.hours
    keys = tuple(o.key for o in chosen)
    if objective == "time":
        return (unknown_hours, hours, len(chosen), unknown_fees, fee, keys)
    if objective == "count":
        return (len(chosen), unknown_fees, fee, unknown_hours, hours, keys)
    return (unknown_fees, fee, len(chosen), unknown_hours, hours, keys)


def _weight(option: Option, objective: str) -> tuple[int, Decimal]:
    """What one option costs toward the objective: (unpublished?, amount)."""
    if objective == "count":
        return (0, Decimal(1))
    value = option.hours if objective == "time" else option.fee
    return (1, Decimal(0)) if value is None else (0, value)


def best_plan(gaps: frozenset[str], options: list[Option], objective: str = "cost") -> Plan:
    """The plan that closes and reaches the most gaps at the least cost, time or count."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}")
    useful = sorted((o for o in options if o.reaches & gaps), key=lambda o: o.key)
    reachable = frozenset().union(*(o.reaches & gaps for o in useful)) if useful else frozenset()
    packed = dict(zip((o.key for o in useful), _packed(useful, gaps), strict=True))
    useful = _drop_dominated(useful, packed, objective)
    if len(useful) <= EXACT_LIMIT:
        chosen = _exact(useful, [packed[o.key] for o in useful], objective)
    else:
        chosen = _greedy(useful, gaps, objective)
    return _plan(chosen, gaps, gaps - reachable)


def cover_sets(options: list[Option]) -> dict[str, tuple[frozenset[str], ...]]:
    """For each gap key any option reaches: the keys of the options reaching it at each
    strength or stronger (STRENGTHS order: closing it first, reaching it at all last)."""
    by_gap: dict[str, list[set[str]]] = {}
    for option in options:
        for gap in option.reaches:
            sets = by_gap.setdefault(gap, [set() for _ in STRENGTHS])
            strength = option.strength(gap)
            for n, level in enumerate(STRENGTHS):
                if strength >= level:
                    sets[n].add(option.key)
    return {gap: tuple(map(frozenset, sets)) for gap, sets in by_gap.items()}


class Signatures:
    """Keys that decide best_plan's choice, for many gap sets over the same options (a
    team's members; `covering` from cover_sets): two gap sets with the same signature get
    the same options. What matters of a gap is only which options close and reach it
    (its pattern); gaps no option reaches change nothing. While the search is exact
    only which patterns occur matters; past EXACT_LIMIT useful options the greedy search
    weighs how many gaps each option adds, so the signature counts them. Each pattern
    is numbered, so a signature is built by set operations that run in C: the team plan
    computes one plan per signature rather than one per member."""

    def __init__(self, covering: dict[str, tuple[frozenset[str], ...]]):
        patterns = list(dict.fromkeys(covering.values()))
        number = {pattern: i for i, pattern in enumerate(patterns)}
        self._pattern_of = {gap: number[pattern] for gap, pattern in covering.items()}
        self._reach = [pattern[-1] for pattern in patterns]  # the options reaching it
        self._reached = frozenset(covering)
        self._exact: dict[frozenset[int], bool] = {}

    def __call__(self, gaps: frozenset[str]) -> frozenset[int] | frozenset[tuple[int, int]]:
        numbers = list(map(self._pattern_of.__getitem__, self._reached & gaps))
        present = frozenset(numbers)
        exact = self._exact.get(present)
        if exact is None:
            options = frozenset().union(*(self._reach[i] for i in present))
            exact = self._exact[present] = len(options) <= EXACT_LIMIT
        if exact:
            return present
        counts: dict[int, int] = {}
        for n in numbers:
            counts[n] = counts.get(n, 0) + 1
        return frozenset(counts.items())


def _drop_dominated(options: list[Option], masks: dict[str, int], objective: str) -> list[Option]:
    """An option is never needed if another reaches at least the same gaps at least as
    strongly for no more (`masks`: each option's packed masks, by key)."""

    def covers(other: Option, option: Option) -> bool:
        return masks[option.key] | masks[other.key] == masks[other.key]

    kept = []
    for option in options:
        beaten = any(
            other is not option
            and covers(other, option)
            and _weight(other, objective) <= _weight(option, objective)
            and (
                masks[option.key] != masks[other.key]
                or _weight(other, objective) < _weight(option, objective)
                or other.key < option.key
            )
            for other in options
        )
        if not beaten:
            kept.append(option)
    return kept


def _exact(options: list[Option], packed: list[int], objective: str) -> tuple[Option, ...]:
    # `options` are in key order (best_plan), so every subset below is too (_rank).
    """Every subset, each union built from a smaller one (one OR per subset). Only the
    subsets that reach everything are ranked, and of those only the ones that need
    their first option: a subset that reaches everything without it is never worse
    (fees, times and counts only grow), so the bigger one is never the best."""
    full = 0
    for mask in packed:
        full |= mask
    if not full:
        return ()
    unions = [0] * (1 << len(options))
    best: tuple[Option, ...] = ()
    best_rank = None
    for subset in range(1, 1 << len(options)):
        low = subset & -subset
        before = unions[subset ^ low]
        union = before | packed[low.bit_length() - 1]
        unions[subset] = union
        if union != full or before == full:
            continue
        chosen = tuple(o for i, o in enumerate(options) if subset >> i & 1)
        rank = _rank(chosen, objective)
        if best_rank is None or rank < best_rank:
            best, best_rank = chosen, rank
    return best


def _greedy(options: list[Option], gaps: frozenset[str], objective: str) -> tuple[Option, ...]:
    packed = _packed(options, gaps)
    width = len(gaps)
    block = (1 << width) - 1
    weight = width + 1  # one gap at a stronger grade is worth more than all at weaker
    full = 0
    for mask in packed:
        full |= mask
    have = 0
    chosen: list[int] = []
    while have != full:
        best_score, pick = None, -1
        for i, mask in enumerate(packed):
            fresh = mask & ~have
            if i in chosen or not fresh:
                continue
            new = 0
            for level in range(LEVELS):  # strongest first
                new = new * weight + (fresh >> (level * width) & block).bit_count()
            unknown, amount = _weight(options[i], objective)
            score = (unknown, amount / new, -new, options[i].key)
            if best_score is None or score < best_score:
                best_score, pick = score, i
        chosen.append(pick)
        have |= packed[pick]
    # Drop options made redundant by later picks, heaviest first.
    for i in sorted(chosen, key=lambda i: _weight(options[i], objective), reverse=True):
        rest = 0
        for j in chosen:
            if j != i:
                rest |= packed[j]
        if rest == full:
            chosen.remove(i)
    return tuple(options[i] for i in chosen)


def _masks(options: list[Option], gaps: frozenset[str]) -> list[tuple[int, ...]]:
    """Per option, a bit mask of the gaps it reaches at each strength or stronger
    (STRENGTHS order: closes first, reaches last)."""
    index = {gap: bit for bit, gap in enumerate(sorted(gaps))}
    return [
        tuple(sum(1 << index[g] for g in o.at_least(s) & gaps) for s in STRENGTHS) for o in options
    ]


def _packed(options: list[Option], gaps: frozenset[str]) -> list[int]:
    """Each option's masks at every strength in one integer (one block of bits per
    strength): a union or a comparison of whole states is then one operation."""
    width = len(gaps)
    packed = []
    for masks in _masks(options, gaps):
        value = 0
        for n, mask in enumerate(masks):
            value |= mask << (n * width)
        packed.append(value)
    return packed


# --- the frontier and plans within a budget --------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One way to reach a state: its fee, its time (unpublished lengths, hours), the
    number of options and their indexes."""

    fee: Decimal
    time: tuple[int, Decimal]
    chosen: tuple[int, ...]

    def beats(self, other: "_Entry") -> bool:
        return self.fee <= other.fee and self.time <= other.time


def priced(
    options: list[Option], gaps: frozenset[str], hours: Decimal | None = None
) -> list[Option]:
    """The options a budget can be set against: a fee we can add up, something to add
    for these gaps, and, under a time limit, a published length within it."""
    return sorted(
        (
            o
            for o in options
            if o.fee is not None
            and o.reaches & gaps
            and (hours is None or (o.hours is not None and o.hours <= hours))
        ),
        key=lambda o: o.key,
    )


def plan_states(
    options: list[Option],
    masks: Sequence[tuple[int, ...]],
    hours: Decimal | None = None,
    *,
    levels: int = LEVELS,
) -> dict[tuple[int, ...], list[_Entry]]:
    """Every state the options can reach (a tuple of gap masks: which gaps are reached
    at each strength, or closed and reached), each with the entries no other entry of
    the same state beats on both fee and time. Exact: two entries of one state grow
    alike, so a beaten entry stays beaten. A state's masks are packed in one integer
    while the states grow (one OR, one cheap dictionary key), and unpacked at the end."""
    width = reduce(or_, chain.from_iterable(masks), 0).bit_length()
    packed = [sum(m << (n * width) for n, m in enumerate(mask)) for mask in masks]
    states: dict[int, list[_Entry]] = {0: [_Entry(Decimal(0), (0, Decimal(0)), ())]}
    for i, option in enumerate(options):
        fee = option.fee
        if fee is None:
            raise ValueError(f"{option.key} has no fee: plan_states takes priced() options")
        unknown, more = int(option.hours is None), option.hours or Decimal(0)
        mask = packed[i]
        grown: dict[int, list[_Entry]] = {k: list(v) for k, v in states.items()}
        for have, entries in states.items():
            state = have | mask
            if state == have:
                continue  # adds nothing: never part of a best plan
            for entry in entries:
                time = (entry.time[0] + unknown, entry.time[1] + more)
                if hours is not None and time[1] > hours:
                    continue
                _keep(
                    grown.setdefault(state, []),
                    _Entry(entry.fee + fee, time, (*entry.chosen, i)),
                )
        states = grown
    block = (1 << width) - 1
    return {
        tuple(state >> (n * width) & block for n in range(levels)): entries
        for state, entries in states.items()
    }


def _keep(entries: list[_Entry], new: _Entry) -> None:
    for old in entries:
        if old.beats(new) and (old.fee, old.time) != (new.fee, new.time):
            return
        if (old.fee, old.time) == (new.fee, new.time) and len(old.chosen) <= len(new.chosen):
            return
    entries[:] = [old for old in entries if not new.beats(old)]
    entries.append(new)


def _order(options: list[Option], state: tuple[int, ...], entry: _Entry) -> tuple[Any, ...]:
    """Best first: most worth (strongest first), least fee, least time, fewest, keys."""
    return (
        *(-level.bit_count() for level in state),
        entry.fee,
        entry.time,
        len(entry.chosen),
        tuple(sorted(options[i].key for i in entry.chosen)),
    )


def frontier(
    gaps: frozenset[str], options: list[Option], *, hours: Decimal | None = None
) -> list[Plan]:
    """The best plans from free to most complete, cheapest first: each step is the
    cheapest plan worth more (Plan.worth) than every cheaper one. Options without
    a fee are left out (listed apart by the page); with a time limit, so are options
    whose length is not published or over it."""
    useful = priced(options, gaps, hours)
    masks = _masks(useful, gaps)
    states = plan_states(useful, masks, hours)
    reachable = _reachable(options, gaps)
    candidates = sorted(
        (
            (entry.fee, _order(useful, state, entry), state, entry)
            for state, entries in states.items()
            for entry in entries
        ),
        key=lambda c: (c[0], c[1]),
    )
    steps: list[Plan] = []
    best = (0,) * len(STRENGTHS)  # buying nothing is not a step
    for _, _, state, entry in candidates:
        worth = tuple(level.bit_count() for level in state)
        if worth > best:
            best = worth
            steps.append(_plan((useful[i] for i in entry.chosen), gaps, gaps - reachable))
    return steps


def within(
    gaps: frozenset[str],
    options: list[Option],
    *,
    budget: Decimal | None = None,
    hours: Decimal | None = None,
) -> Plan:
    """The plan worth the most (Plan.worth: closes, then the strength of the rest) with
    a total fee inside the budget and a total time inside the limit; ties go to the
    cheaper, quicker, smaller."""
    useful = priced(options, gaps, hours)
    masks = _masks(useful, gaps)
    states = plan_states(useful, masks, hours)
    best = min(
        (
            _order(useful, state, entry) + (entry,)
            for state, entries in states.items()
            for entry in entries
            if budget is None or entry.fee <= budget
        ),
        key=lambda c: c[:-1],
    )
    return _plan((useful[i] for i in best[-1].chosen), gaps, gaps - _reachable(options, gaps))


def _reachable(options: list[Option], gaps: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*(o.reaches & gaps for o in options)) if options else frozenset()
