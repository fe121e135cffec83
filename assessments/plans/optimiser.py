"""Which courses close which gaps, and the best set to buy. Pure Python over
plain data, no ORM: the rules are tested in milliseconds and shared by the
practitioner's plan (plans.views) and the team plan (teams.team_plan).

A plan first covers every gap that any listed option covers (the most gaps);
among the plans that do, it prefers, by objective:
  cost:  fewer unpublished fees, then the lowest total fee, then fewer options
  time:  fewer unpublished lengths, then the least total time, then fewer options
  count: fewer options, then fewer unpublished fees, then the lowest total fee
and finally the alphabetically first option keys, so the answer never depends
on input order. Up to EXACT_LIMIT useful options the search is exhaustive
(exact); past that a greedy weighted set cover with redundancy pruning.
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
    label: str  # what is bought, e.g. "PGCert exit award"
    fee: Decimal | None  # None: not published; 0: free
    hours: Decimal | None  # elapsed time on one scale; None: not published
    covers: frozenset[str]  # gap keys, e.g. {"1:1.07", "2:D3"}
    # Set when the fee is not a published price but worked out by us from one (a
    # module from a per-credit rate): the assumption it rests on, shown beside it.
    fee_assumption: str = ""

    @property
    def fee_label(self) -> str:
        return pounds(self.fee)

    @property
    def time_label(self) -> str:
        return elapsed(self.hours)


@dataclass(frozen=True)
class Plan:
    chosen: tuple[Option, ...]
    covered: frozenset[str]
    uncovered: frozenset[str]  # gaps no listed option covers: shown, never hidden

    @property
    def total_fee(self) -> Decimal:
        return sum((o.fee for o in self.chosen if o.fee is not None), Decimal(0))

    @property
    def unknown_fees(self) -> int:
        return sum(o.fee is None for o in self.chosen)

    @property
    def derived_fees(self) -> int:
        """Fees in the total that we worked out from a published rate."""
        return sum(bool(o.fee_assumption) for o in self.chosen)

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
    """The plan that covers the most gaps at the least cost, time or count."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}")
    useful = sorted((o for o in options if o.covers & gaps), key=lambda o: o.key)
    coverable = frozenset().union(*(o.covers & gaps for o in useful)) if useful else frozenset()
    useful = _drop_dominated(useful, gaps, objective)
    if len(useful) <= EXACT_LIMIT:
        chosen = _exact(useful, gaps, coverable, objective)
    else:
        chosen = _greedy(useful, gaps, coverable, objective)
    chosen = tuple(sorted(chosen, key=lambda o: o.key))
    return Plan(chosen, coverable, gaps - coverable)


def cover_sets(options: list[Option]) -> dict[str, frozenset[str]]:
    """For each gap key any option covers: the keys of the options that cover it."""
    covering: dict[str, set[str]] = {}
    for option in options:
        for gap in option.covers:
            covering.setdefault(gap, set()).add(option.key)
    return {gap: frozenset(keys) for gap, keys in covering.items()}


def plan_signature(gaps: frozenset[str], covering: dict[str, frozenset[str]]) -> frozenset:
    """A key that decides best_plan's choice (`covering` from cover_sets): two gap sets
    with the same signature get the same options. What matters of a gap is only which
    options cover it; gaps no option covers change nothing. While the search is exact
    only which of those cover-sets occur matters; past EXACT_LIMIT useful options the
    greedy search weighs how many gaps each option closes, so the signature counts
    them. The team plan computes one plan per signature rather than one per member."""
    present = [covering[gap] for gap in gaps if gap in covering]
    if len(frozenset().union(*present)) <= EXACT_LIMIT:
        return frozenset(present)
    counts: dict[frozenset[str], int] = {}
    for keys in present:
        counts[keys] = counts.get(keys, 0) + 1
    return frozenset(counts.items())


def _drop_dominated(options: list[Option], gaps: frozenset[str], objective: str) -> list[Option]:
    """An option is never needed if another covers at least the same gaps for no more."""
    kept = []
    for option in options:
        mine = option.covers & gaps
        beaten = any(
            other is not option
            and mine <= (other.covers & gaps)
            and _weight(other, objective) <= _weight(option, objective)
            and (
                mine != (other.covers & gaps)
                or _weight(other, objective) < _weight(option, objective)
                or other.key < option.key
            )
            for other in options
        )
        if not beaten:
            kept.append(option)
    return kept


def _exact(options, gaps, coverable, objective) -> tuple[Option, ...]:
    masks = _masks(options, gaps)
    full = _mask_of(coverable, gaps)
    best: tuple[Option, ...] = ()
    best_rank = None
    for size in range(0, len(options) + 1):
        for combo in combinations(range(len(options)), size):
            mask = 0
            for i in combo:
                mask |= masks[i]
            if mask != full:
                continue
            chosen = tuple(options[i] for i in combo)
            rank = _rank(chosen, objective)
            if best_rank is None or rank < best_rank:
                best, best_rank = chosen, rank
    return best


def _greedy(options, gaps, coverable, objective) -> tuple[Option, ...]:
    masks = _masks(options, gaps)
    full = _mask_of(coverable, gaps)
    covered = 0
    chosen: list[int] = []
    while covered != full:
        best_score, pick = None, -1
        for i, mask in enumerate(masks):
            new = (mask & ~covered).bit_count()
            if i in chosen or not new:
                continue
            unknown, amount = _weight(options[i], objective)
            score = (unknown, amount / new, -new, options[i].key)
            if best_score is None or score < best_score:
                best_score, pick = score, i
        chosen.append(pick)
        covered |= masks[pick]
    # Drop options made redundant by later picks, heaviest first.
    for i in sorted(chosen, key=lambda i: _weight(options[i], objective), reverse=True):
        rest = 0
        for j in chosen:
            if j != i:
                rest |= masks[j]
        if rest == full:
            chosen.remove(i)
    return tuple(options[i] for i in chosen)


def _masks(options, gaps) -> list[int]:
    index = {gap: bit for bit, gap in enumerate(sorted(gaps))}
    return [sum(1 << index[g] for g in o.covers & gaps) for o in options]


def _mask_of(subset, gaps) -> int:
    index = {gap: bit for bit, gap in enumerate(sorted(gaps))}
    return sum(1 << index[g] for g in subset)
