"""Which courses close or contribute to which gaps, and the best sets to buy. Pure
Python over plain data, no ORM: the rules are tested in milliseconds and shared by
the practitioner's plan (plans.pages) and the team plans (teams.team_plan,
teams.budget).

An option *closes* a gap when one of its coverage links is graded strong enough
(catalogue Coverage.closes) and points at that gap; it *contributes to* the gaps
its weaker links reach. A plan's worth is, in this order: gaps closed, then gaps
reached (closed or contributed to).

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
  closed and reached, keeping for each the plans no other beats on both fee and
  time (plan_states).
"""

from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from catalogue.labels import elapsed, pounds

EXACT_LIMIT = 12
OBJECTIVES = ("cost", "time", "count")


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
    def time_label(self) -> str:
        return elapsed(self.hours)


@dataclass(frozen=True)
class Plan:
    chosen: tuple[Option, ...]
    closed: frozenset[str]  # gaps the chosen options close
    reached: frozenset[str]  # gaps they close or contribute to
    unreachable: frozenset[str] = frozenset()  # gaps no listed option reaches: shown

    @property
    def contributed(self) -> frozenset[str]:
        return self.reached - self.closed

    @property
    def worth(self) -> tuple[int, int]:
        return (len(self.closed), len(self.reached))

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


def _plan(chosen, gaps: frozenset[str], unreachable=frozenset()) -> Plan:
    chosen = tuple(sorted(chosen, key=lambda o: o.key))
    closed = frozenset().union(*(o.closes & gaps for o in chosen)) if chosen else frozenset()
    reached = frozenset().union(*(o.reaches & gaps for o in chosen)) if chosen else frozenset()
    return Plan(chosen, closed, reached, unreachable)


# --- the most complete plan ------------------------------------------------------


def _rank(chosen: tuple[Option, ...], objective: str) -> tuple:
    fees = (sum(o.fee is None for o in chosen), sum((o.fee or 0) for o in chosen))
    hours = (sum(o.hours is None for o in chosen), sum((o.hours or 0) for o in chosen))
    keys = tuple(sorted(o.key for o in chosen))
    if objective == "time":
        return (*hours, len(chosen), *fees, keys)
    if objective == "count":
        return (len(chosen), *fees, *hours, keys)
    return (*fees, len(chosen), *hours, keys)


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
    useful = _drop_dominated(useful, gaps, objective)
    if len(useful) <= EXACT_LIMIT:
        chosen = _exact(useful, gaps, objective)
    else:
        chosen = _greedy(useful, gaps, objective)
    return _plan(chosen, gaps, gaps - reachable)


def cover_sets(options: list[Option]) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """For each gap key any option reaches: (keys of options closing it, keys reaching it)."""
    closing: dict[str, set[str]] = {}
    reaching: dict[str, set[str]] = {}
    for option in options:
        for gap in option.reaches:
            reaching.setdefault(gap, set()).add(option.key)
            if gap in option.closes:
                closing.setdefault(gap, set())
                closing[gap].add(option.key)
    return {
        gap: (frozenset(closing.get(gap, ())), frozenset(keys)) for gap, keys in reaching.items()
    }


class Signatures:
    """Keys that decide best_plan's choice, for many gap sets over the same options (a
    team's members; `covering` from cover_sets): two gap sets with the same signature get
    the same options. What matters of a gap is only which options close and reach it
    (its pattern); gaps no option reaches change nothing. While the search is exact
    only which patterns occur matters; past EXACT_LIMIT useful options the greedy search
    weighs how many gaps each option adds, so the signature counts them. Each pattern
    is numbered, so a signature is built by set operations that run in C: the team plan
    computes one plan per signature rather than one per member."""

    def __init__(self, covering: dict):
        patterns = list(dict.fromkeys(covering.values()))
        number = {pattern: i for i, pattern in enumerate(patterns)}
        self._pattern_of = {gap: number[pattern] for gap, pattern in covering.items()}
        self._reach = [reach for _, reach in patterns]
        self._reached = frozenset(covering)
        self._exact: dict[frozenset, bool] = {}

    def __call__(self, gaps: frozenset[str]) -> frozenset:
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


def _drop_dominated(options: list[Option], gaps: frozenset[str], objective: str) -> list[Option]:
    """An option is never needed if another closes and reaches at least the same gaps
    for no more."""
    kept = []
    for option in options:
        closes, reaches = option.closes & gaps, option.reaches & gaps
        beaten = any(
            other is not option
            and closes <= (other.closes & gaps)
            and reaches <= (other.reaches & gaps)
            and _weight(other, objective) <= _weight(option, objective)
            and (
                (closes, reaches) != (other.closes & gaps, other.reaches & gaps)
                or _weight(other, objective) < _weight(option, objective)
                or other.key < option.key
            )
            for other in options
        )
        if not beaten:
            kept.append(option)
    return kept


def _exact(options, gaps, objective) -> tuple[Option, ...]:
    masks = _masks(options, gaps)
    full = (0, 0)
    for close, reach in masks:
        full = (full[0] | close, full[1] | reach)
    best: tuple[Option, ...] = ()
    best_rank = None
    for size in range(0, len(options) + 1):
        for combo in combinations(range(len(options)), size):
            close = reach = 0
            for i in combo:
                close |= masks[i][0]
                reach |= masks[i][1]
            if (close, reach) != full:
                continue
            chosen = tuple(options[i] for i in combo)
            rank = _rank(chosen, objective)
            if best_rank is None or rank < best_rank:
                best, best_rank = chosen, rank
    return best


def _greedy(options, gaps, objective) -> tuple[Option, ...]:
    masks = _masks(options, gaps)
    width = len(gaps) + 1  # one gap closed is worth more than every gap reached
    full_close = full_reach = 0
    for close, reach in masks:
        full_close |= close
        full_reach |= reach
    have_close = have_reach = 0
    chosen: list[int] = []
    while (have_close, have_reach) != (full_close, full_reach):
        best_score, pick = None, -1
        for i, (close, reach) in enumerate(masks):
            new = (close & ~have_close).bit_count() * width + (reach & ~have_reach).bit_count()
            if i in chosen or not new:
                continue
            unknown, amount = _weight(options[i], objective)
            score = (unknown, amount / new, -new, options[i].key)
            if best_score is None or score < best_score:
                best_score, pick = score, i
        chosen.append(pick)
        have_close |= masks[pick][0]
        have_reach |= masks[pick][1]
    # Drop options made redundant by later picks, heaviest first.
    for i in sorted(chosen, key=lambda i: _weight(options[i], objective), reverse=True):
        rest_close = rest_reach = 0
        for j in chosen:
            if j != i:
                rest_close |= masks[j][0]
                rest_reach |= masks[j][1]
        if (rest_close, rest_reach) == (full_close, full_reach):
            chosen.remove(i)
    return tuple(options[i] for i in chosen)


def _masks(options, gaps) -> list[tuple[int, int]]:
    index = {gap: bit for bit, gap in enumerate(sorted(gaps))}
    return [
        (
            sum(1 << index[g] for g in o.closes & gaps),
            sum(1 << index[g] for g in o.reaches & gaps),
        )
        for o in options
    ]


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


def priced(options: list[Option], gaps: frozenset[str], hours: Decimal | None = None):
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


def plan_states(options: list[Option], masks: list[tuple[int, int]], hours=None):
    """Every (closed, reached) state the options can reach, each with the entries no
    other entry of the same state beats on both fee and time. Exact: two entries of one
    state grow alike, so a beaten entry stays beaten."""
    states: dict[tuple[int, int], list[_Entry]] = {
        (0, 0): [_Entry(Decimal(0), (0, Decimal(0)), ())]
    }
    for i, option in enumerate(options):
        extra = (int(option.hours is None), option.hours or Decimal(0))
        close, reach = masks[i]
        grown: dict[tuple[int, int], list[_Entry]] = {k: list(v) for k, v in states.items()}
        for (have_close, have_reach), entries in states.items():
            state = (have_close | close, have_reach | reach)
            if state == (have_close, have_reach):
                continue  # adds nothing: never part of a best plan
            for entry in entries:
                time = (entry.time[0] + extra[0], entry.time[1] + extra[1])
                if hours is not None and time[1] > hours:
                    continue
                _keep(
                    grown.setdefault(state, []),
                    _Entry(entry.fee + option.fee, time, (*entry.chosen, i)),
                )
        states = grown
    return states


def _keep(entries: list[_Entry], new: _Entry) -> None:
    for old in entries:
        if old.beats(new) and (old.fee, old.time) != (new.fee, new.time):
            return
        if (old.fee, old.time) == (new.fee, new.time) and len(old.chosen) <= len(new.chosen):
            return
    entries[:] = [old for old in entries if not new.beats(old)]
    entries.append(new)


def _order(options, state, entry) -> tuple:
    """Best first: most closed, most reached, least fee, least time, fewest, keys."""
    return (
        -state[0].bit_count(),
        -state[1].bit_count(),
        entry.fee,
        entry.time,
        len(entry.chosen),
        tuple(sorted(options[i].key for i in entry.chosen)),
    )


def frontier(
    gaps: frozenset[str], options: list[Option], *, hours: Decimal | None = None
) -> list[Plan]:
    """The best plans from free to most complete, cheapest first: each step is the
    cheapest plan that closes or reaches more than every cheaper one. Options without
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
    best = (0, 0)  # buying nothing is not a step
    for _, _, state, entry in candidates:
        worth = (state[0].bit_count(), state[1].bit_count())
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
    """The plan that closes, then reaches, the most gaps with a total fee inside the
    budget and a total time inside the limit; ties go to the cheaper, quicker, smaller."""
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


def _reachable(options, gaps) -> frozenset[str]:
    return frozenset().union(*(o.reaches & gaps for o in options)) if options else frozenset()
