"""The team budget plan: which places to fund, for whom, so that the team's members
close the most gaps within a budget. Exact, not greedy. Pure Python over plain data
plus HiGHS (highspy); no ORM.

Each member's value from a set of options is what it closes and reaches among her own
gaps (optimiser.Option), and a place's fee is paid once per member, so the problem
splits into:
1. per member, the sets of options worth buying: every (closed, reached) state the
   options can reach over the gaps' patterns (which options close and reach a gap),
   each at its least fee (optimiser.plan_states), kept only where no cheaper set
   closes and reaches at least as many of her gaps;
2. across members, one set each, with the fees inside the budget: a multiple-choice
   knapsack, solved exactly as a mixed-integer programme by HiGHS. Members with the
   same gap counts per pattern are interchangeable, so the programme has one integer
   per (kind of member, set) saying how many of them get it.
The objective is lexicographic, as in the practitioner's plan: member-gaps closed,
then member-gaps reached (closed or contributed to), then the least total fee; ties
are broken by member order and option keys so the answer is repeatable."""

import time
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

import highspy
import numpy as np
import numpy.typing as npt

from .optimiser import Option, _Entry, plan_states

TIME_LIMIT_S = 20.0  # HiGHS stops here and the page says the answer is not proven best


@dataclass(frozen=True)
class Funded:
    """The places one member gets."""

    member: Hashable  # the key the caller gave (a user id)
    options: tuple[Option, ...]
    closes: int
    reaches: int

    @property
    def fee(self) -> Decimal:
        return sum((o.fee for o in self.options if o.fee is not None), Decimal(0))


@dataclass(frozen=True)
class BudgetResult:
    funded: list[Funded]  # members who get one place or more, in member order
    closed: int  # member-gaps closed
    reached: int  # member-gaps closed or contributed to
    fee: Decimal
    proven: bool  # False only if HiGHS hit its time limit
    solver_ms: float
    members: int = 0  # members given one place or more


Bundle = tuple[Decimal, int, int, _Entry]  # a set worth buying: fee, closes, reaches, entry


@dataclass
class _Kind:
    """Members with the same number of gaps in each pattern."""

    counts: tuple[int, ...]
    members: list[Hashable]
    bundles: list[Bundle]


def _patterns(
    options: list[Option], gaps: set[str]
) -> tuple[dict[str, int], int, list[tuple[int, int]]]:
    """Group gaps by which options close and reach them; options' masks over patterns."""
    pattern_of: dict[str, tuple[frozenset[int], frozenset[int]]] = {}
    for gap in gaps:
        pattern_of[gap] = (
            frozenset(i for i, o in enumerate(options) if gap in o.closes),
            frozenset(i for i, o in enumerate(options) if gap in o.reaches),
        )
    patterns = sorted(set(pattern_of.values()), key=lambda p: (sorted(p[0]), sorted(p[1])))
    index = {p: n for n, p in enumerate(patterns)}
    masks = [
        (
            sum(1 << index[p] for p in patterns if i in p[0]),
            sum(1 << index[p] for p in patterns if i in p[1]),
        )
        for i in range(len(options))
    ]
    return {gap: index[p] for gap, p in pattern_of.items()}, len(patterns), masks


class _States:
    """Every state the options reach, at its least fee, cheapest first, with which
    patterns each closes and reaches as 0/1 matrices (states x patterns)."""

    def __init__(self, states: dict[tuple[int, ...], list[_Entry]], size: int):
        rows = sorted(
            (
                (min(entries, key=lambda e: (e.fee, len(e.chosen), e.chosen)), close, reach)
                for (close, reach), entries in states.items()
            ),
            key=lambda r: (r[0].fee, len(r[0].chosen), r[0].chosen),
        )
        self.entries = [entry for entry, _, _ in rows]
        self.closes = np.array([[c >> p & 1 for p in range(size)] for _, c, _ in rows], float)
        self.reaches = np.array([[r >> p & 1 for p in range(size)] for _, _, r in rows], float)
        fees = np.array([float(entry.fee) for entry in self.entries])
        self.runs = np.flatnonzero(np.r_[True, fees[1:] != fees[:-1]])  # equal-fee runs
        self.run_of = np.searchsorted(self.runs, np.arange(len(fees)), side="right") - 1


def _bundles(states: _States, counts: npt.NDArray[np.float64]) -> list[list[Bundle]]:
    """For each kind of member (a row of gap counts per pattern), the sets worth buying:
    each state at its least fee, kept only if it is worth more (closes, then reaches)
    than every cheaper state and is the first of the best at its own fee. Exact:
    swapping a member's set for one no dearer and worth no less never makes the team's
    plan worse."""
    closes = counts @ states.closes.T  # kinds x states
    reaches = counts @ states.reaches.T
    worth = closes * (counts.sum(axis=1, keepdims=True) + 1) + reaches
    run_best = np.maximum.reduceat(worth, states.runs, axis=1)  # kinds x runs
    before = np.maximum.accumulate(run_best, axis=1)
    before = np.c_[np.full((worth.shape[0], 1), -1.0), before[:, :-1]]  # best of cheaper runs
    best_here = run_best[:, states.run_of]
    top = worth == best_here
    # Only the first state reaching its run's best (the fewest options, then keys).
    seen = np.cumsum(top, axis=1)
    seen_before_run = np.c_[np.zeros((worth.shape[0], 1)), seen][:, states.runs][:, states.run_of]
    kept = top & (seen - seen_before_run == 1) & (worth > before[:, states.run_of])
    bundles: list[list[Bundle]] = [[] for _ in range(worth.shape[0])]
    for k, j in zip(*np.nonzero(kept), strict=True):
        bundles[k].append(
            (states.entries[j].fee, int(closes[k, j]), int(reaches[k, j]), states.entries[j])
        )
    return bundles


class Funding:
    """One team's funding problem, prepared once and solved at any budget (the chosen
    budget and the frontier's steps share the preparation)."""

    def __init__(self, members: list[tuple[Hashable, frozenset[str]]], options: list[Option]):
        """`members` are (key, gap keys) in the order ties should favour; options without
        a fee are left out (there is nothing to add up)."""
        self.members = members
        every_gap = set().union(*(gaps for _, gaps in members)) if members else set()
        self.options = sorted(
            (o for o in options if o.fee is not None and o.reaches & every_gap),
            key=lambda o: o.key,
        )
        pattern, size, masks = _patterns(self.options, every_gap)
        kinds: dict[tuple[int, ...], _Kind] = {}
        of_set: dict[int, tuple[int, ...]] = {}  # by id: members often share one gap set
        for key, gaps in members:
            counts = of_set.get(id(gaps))
            if counts is None:
                counted = Counter(map(pattern.__getitem__, gaps))
                counts = of_set[id(gaps)] = tuple(map(counted.__getitem__, range(size)))
            kind = kinds.get(counts)
            if kind is None:
                kind = kinds[counts] = _Kind(counts, [], [])
            kind.members.append(key)
        self.kinds = list(kinds.values())
        self._solver: _Solver | None = None
        self._chosen: dict[Decimal, tuple[list[list[int]], bool, float]] = {}
        if self.kinds:
            states = _States(plan_states(self.options, masks, levels=2), size)
            for kind, bundles in zip(
                self.kinds, _bundles(states, np.array(list(kinds), float)), strict=True
            ):
                kind.bundles = bundles

    @cached_property
    def enough(self) -> Decimal:
        """A budget that buys everyone their most complete set."""
        return sum((len(k.members) * k.bundles[-1][0] for k in self.kinds), Decimal(0))

    def _settled(self, budget: Decimal) -> list[int] | None:
        """Each kind's set when the budget decides it without the solver, else None.
        A kind's sets are one per fee, each worth more than every cheaper one (the
        first is the best free set, perhaps the empty one, the last the cheapest of the
        most complete): from what buys everyone her last set up, each member gets it;
        below the cheapest set that costs anything, each gets her first. Either way
        each member's choice is her own, so it is exact; a team's frontier starts and
        ends with such budgets."""
        if not self.kinds or budget < 0:
            return None
        if budget >= self.enough:
            return [len(kind.bundles) - 1 for kind in self.kinds]
        if budget < self.cheapest:
            return [0] * len(self.kinds)
        return None

    @cached_property
    def cheapest(self) -> Decimal:
        """The least fee of a set that costs anything (a kind's second set, the first
        being free), or infinity when none does."""
        fees = [kind.bundles[1][0] for kind in self.kinds if len(kind.bundles) > 1]
        return min(fees) if fees else Decimal("Infinity")

    def _choose(self, budget: Decimal) -> tuple[list[list[int]], bool, float]:
        if budget in self._chosen:  # the page's budget is often one of the frontier's
            return self._chosen[budget]
        started = time.perf_counter()
        settled = self._settled(budget)
        if settled is not None:
            choice = [[0] * len(kind.bundles) for kind in self.kinds]
            for counts, kind, b in zip(choice, self.kinds, settled, strict=True):
                counts[b] = len(kind.members)
            proven = True
        else:
            if self.kinds and self._solver is None:
                self._solver = _Solver(self.kinds)
            choice, proven = self._solver.solve(budget) if self._solver is not None else ([], True)
        self._chosen[budget] = (choice, proven, (time.perf_counter() - started) * 1000)
        return self._chosen[budget]

    def totals(self, budget: Decimal) -> BudgetResult:
        """The best plan's totals alone, without who gets what (the frontier's steps)."""
        if not self.kinds:
            return BudgetResult([], 0, 0, Decimal(0), True, 0.0)
        started = time.perf_counter()
        settled = self._settled(budget)
        if settled is not None:
            bundles = [
                (len(k.members), k.bundles[b]) for k, b in zip(self.kinds, settled, strict=True)
            ]
            closed = sum(n * bundle[1] for n, bundle in bundles)
            reached = sum(n * bundle[2] for n, bundle in bundles)
            fee = sum((n * bundle[0] for n, bundle in bundles), Decimal(0))
            members = sum(n for n, bundle in bundles if bundle[3].chosen)
            proven = True
        else:
            if self._solver is None:
                self._solver = _Solver(self.kinds)
            closed, reached, fee, members, proven = self._solver.totals(budget)
        solver_ms = (time.perf_counter() - started) * 1000
        return BudgetResult([], closed, reached, fee, proven, solver_ms, members)

    def solve(self, budget: Decimal) -> BudgetResult:
        choice, proven, solver_ms = self._choose(budget)
        given: dict[Hashable, Funded] = {}
        for kind, counts in zip(self.kinds, choice, strict=True):
            # Best sets to the first members, so ties favour member order.
            order = sorted(
                range(len(kind.bundles)),
                key=lambda b: (-kind.bundles[b][1], -kind.bundles[b][2], b),
            )
            queue = [b for b in order for _ in range(counts[b])]
            for key, b in zip(kind.members, queue, strict=True):
                _, closes, reaches, entry = kind.bundles[b]
                if entry.chosen:
                    options = tuple(self.options[i] for i in entry.chosen)
                    given[key] = Funded(key, options, closes, reaches)
        funded = [given[key] for key, _ in self.members if key in given]
        return BudgetResult(
            funded,
            sum(f.closes for f in funded),
            sum(f.reaches for f in funded),
            sum((f.fee for f in funded), Decimal(0)),
            proven,
            solver_ms,
            len(funded),
        )

    def frontier(self) -> list[tuple[Decimal, BudgetResult]]:
        """What round budgets buy, from £0 up to what buys everything, skipping budgets
        that buy no more than the one before."""
        steps: list[tuple[Decimal, BudgetResult]] = []
        everything = self.totals(self.enough)
        for budget in frontier_budgets(self.enough):
            # Past what buying everything costs, every budget buys the same.
            result = everything if budget >= everything.fee else self.totals(budget)
            if steps and (result.closed, result.reached) == (
                steps[-1][1].closed,
                steps[-1][1].reached,
            ):
                continue
            steps.append((budget, result))
        return steps


def fund(
    members: list[tuple[Hashable, frozenset[str]]], options: list[Option], budget: Decimal
) -> BudgetResult:
    return Funding(members, options).solve(budget)


def _rows(
    rows: list[list[int]], coefficients: list[list[float]] | None = None
) -> tuple[int, npt.NDArray[np.int32], int, npt.NDArray[np.int32], npt.NDArray[np.float64]]:
    """Rows in compressed form for Highs.addRows: starts, indexes, values."""
    starts = np.cumsum([0] + [len(r) for r in rows[:-1]]).astype(np.int32)
    index = np.array([c for r in rows for c in r], dtype=np.int32)
    if coefficients is None:
        values = np.ones(len(index))
    else:
        values = np.array([v for r in coefficients for v in r], dtype=float)
    return len(rows), starts, len(index), index, values


def _quiet(h: highspy.Highs, **options: bool | float | str) -> None:
    h.setOptionValue("output_flag", False)
    for name, value in options.items():
        h.setOptionValue(name, value)


class _Solver:
    """The programme for one team, built once and solved at any budget.

    Integers only where they matter: n[s], how many members get set s (a few dozen
    sets), and the budget on them. Which members get them is a transportation problem
    (kinds supply members, sets take n[s] of them), whose vertices are whole numbers
    once n is, so the member-to-set columns stay continuous and HiGHS branches on the
    sets alone; a second, pure transportation programme (the simplex method, whose
    basic solutions are whole) then says which kinds take them. Two solves per budget:
    the most worth (closes, then reaches, as one integer weight), then the least fee
    at that worth, each kept for the page (its budget is often a frontier step too).

    In the first programme, kinds whose sets are each worth the same (the same closes
    and reaches) are one group: their members are interchangeable there, and a team of
    500 has a few hundred kinds but about a hundred groups, which HiGHS solves in a
    third of the time. The second programme still assigns places kind by kind."""

    def __init__(self, kinds: list[_Kind]):
        self.kinds = kinds
        self.columns = [(k, b) for k, kind in enumerate(kinds) for b in range(len(kind.bundles))]
        self.sets: dict[tuple[int, ...], int] = {}
        fees: list[Decimal] = []
        for kind in kinds:
            for fee, _, _, entry in kind.bundles:
                if entry.chosen not in self.sets:
                    self.sets[entry.chosen] = len(self.sets)
                    fees.append(fee)
        groups: dict[tuple[tuple[int, int, tuple[int, ...]], ...], list[int]] = {}
        for k, kind in enumerate(kinds):
            worth = tuple(
                (closes, reaches, entry.chosen) for _, closes, reaches, entry in kind.bundles
            )
            groups.setdefault(worth, []).append(k)
        # (the group's first kind, its members in all): each stands for its group
        grouped = [(ks[0], sum(len(kinds[k].members) for k in ks)) for ks in groups.values()]
        # One member-gap closed outweighs every member-gap reached.
        width = self.width = (
            sum(len(kind.members) * max(b[2] for b in kind.bundles) for kind in kinds) + 1
        )
        columns = [(k, size, b) for k, size in grouped for b in range(len(kinds[k].bundles))]
        n_x, n_s = len(columns), len(self.sets)
        self.n_x, self.n = n_x, n_x + n_s
        self.worth = np.zeros(self.n)
        self.pence = np.zeros(self.n)
        upper = np.zeros(self.n)
        by_group: list[list[int]] = [[] for _ in grouped]
        by_set: list[list[int]] = [[] for _ in range(n_s)]
        first = {k: g for g, (k, _) in enumerate(grouped)}
        for c, (k, size, b) in enumerate(columns):
            _, closes, reaches, entry = kinds[k].bundles[b]
            self.worth[c] = closes * width + reaches
            upper[c] = size
            by_group[first[k]].append(c)
            by_set[self.sets[entry.chosen]].append(c)
        upper[n_x:] = float(sum(len(kind.members) for kind in kinds))
        self.pence[n_x:] = [float(fee * 100) for fee in fees]
        sizes = np.array([float(size) for _, size in grouped])
        self.everything = np.arange(self.n, dtype=np.int32)
        self._found: dict[Decimal, tuple[list[int], bool, int, int]] = {}

        mip = self.mip = highspy.Highs()
        _quiet(
            mip,
            mip_rel_gap=0.0,
            mip_abs_gap=0.5,  # objectives are whole numbers
            time_limit=TIME_LIMIT_S,
            threads=1,
        )
        mip.addVars(self.n, np.zeros(self.n), upper)
        sets = np.arange(n_x, self.n, dtype=np.int32)
        mip.changeColsIntegrality(n_s, sets, np.full(n_s, highspy.HighsVarType.kInteger))
        count, starts, nnz, index, values = _rows(by_group)
        mip.addRows(count, sizes, sizes, nnz, starts, index, values)  # one set each
        taken = [[*cols, n_x + s] for s, cols in enumerate(by_set)]
        signs = [[1.0] * len(cols) + [-1.0] for cols in by_set]
        count, starts, nnz, index, values = _rows(taken, signs)
        zeros = np.zeros(count)
        mip.addRows(count, zeros, zeros, nnz, starts, index, values)  # they add up to n[s]
        self.budget_row = len(grouped) + n_s
        mip.addRow(-highspy.kHighsInf, 0.0, n_s, sets, self.pence[n_x:])
        self.worth_row = self.budget_row + 1
        mip.addRow(-highspy.kHighsInf, highspy.kHighsInf, self.n, self.everything, self.worth)

        # The assignment, kind by kind.
        n_k = len(self.columns)
        kind_worth = np.zeros(n_k)
        kind_upper = np.zeros(n_k)
        by_kind: list[list[int]] = [[] for _ in kinds]
        by_set = [[] for _ in range(n_s)]
        for c, (k, b) in enumerate(self.columns):
            _, closes, reaches, entry = kinds[k].bundles[b]
            kind_worth[c] = closes * width + reaches
            kind_upper[c] = len(kinds[k].members)
            by_kind[k].append(c)
            by_set[self.sets[entry.chosen]].append(c)
        lp = self.lp = highspy.Highs()
        _quiet(lp, solver="simplex")
        lp.addVars(n_k, np.zeros(n_k), kind_upper)
        kind_sizes = np.array([float(len(kind.members)) for kind in kinds])
        count, starts, nnz, index, values = _rows(by_kind)
        lp.addRows(count, kind_sizes, kind_sizes, nnz, starts, index, values)
        count, starts, nnz, index, values = _rows(by_set)
        lp.addRows(count, np.zeros(count), np.zeros(count), nnz, starts, index, values)
        lp.changeColsCost(n_k, np.arange(n_k, dtype=np.int32), kind_worth)
        lp.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def solve(self, budget: Decimal) -> tuple[list[list[int]], bool]:
        """How many members of each kind get each of its sets, and whether HiGHS proved
        it best."""
        places, proven, _, _ = self._places(budget)
        return self._assign(places), proven

    def totals(self, budget: Decimal) -> tuple[int, int, Decimal, int, bool]:
        """Closed, reached, fee and members given a place, read from the two objectives
        and the places alone (no assignment needed): reached < width, so the worth is
        closed * width + reached."""
        places, proven, worth, pence = self._places(budget)
        empty = self.sets.get(())
        given = sum(places) - (places[empty] if empty is not None else 0)
        closed, reached = divmod(worth, self.width)
        return closed, reached, Decimal(pence) / 100, given, proven

    def _places(self, budget: Decimal) -> tuple[list[int], bool, int, int]:
        if budget not in self._found:
            self._found[budget] = self._run(budget)
        return self._found[budget]

    def _run(self, budget: Decimal) -> tuple[list[int], bool, int, int]:
        mip, n = self.mip, self.n
        mip.changeRowBounds(self.budget_row, -highspy.kHighsInf, float(budget * 100))
        mip.changeRowBounds(self.worth_row, -highspy.kHighsInf, highspy.kHighsInf)
        mip.changeColsCost(n, self.everything, self.worth)
        mip.changeObjectiveSense(highspy.ObjSense.kMaximize)
        mip.run()
        proven = mip.getModelStatus() == highspy.HighsModelStatus.kOptimal
        best = round(mip.getInfo().objective_function_value)
        first = highspy.HighsSolution()
        first.col_value = list(mip.getSolution().col_value)
        first.value_valid = True
        # Second: the least fee among the plans worth as much, starting from the first.
        mip.changeRowBounds(self.worth_row, best - 0.5, highspy.kHighsInf)
        mip.changeColsCost(n, self.everything, self.pence)
        mip.changeObjectiveSense(highspy.ObjSense.kMinimize)
        mip.setSolution(first)
        mip.run()
        proven = proven and mip.getModelStatus() == highspy.HighsModelStatus.kOptimal
        pence = round(mip.getInfo().objective_function_value)
        places = [round(v) for v in mip.getSolution().col_value[self.n_x :]]
        return places, proven, best, pence

    def _assign(self, places: list[int]) -> list[list[int]]:
        lp, kinds = self.lp, self.kinds
        first_set_row = len(kinds)
        for s, count in enumerate(places):
            lp.changeRowBounds(first_set_row + s, float(count), float(count))
        lp.run()
        values = lp.getSolution().col_value
        choice: list[list[int]] = [[0] * len(kind.bundles) for kind in kinds]
        for c, (k, b) in enumerate(self.columns):
            choice[k][b] = round(values[c])
            if abs(values[c] - choice[k][b]) > 1e-6:
                raise ArithmeticError("a transportation vertex is whole; this one is not")
        return choice


def frontier_budgets(cheapest_full: Decimal) -> list[Decimal]:
    """The budgets the team frontier is shown at: £0, round steps up to what reaching
    everything costs, and that cost itself."""
    steps = [Decimal(v) for v in (0, 2500, 10000, 25000, 100000)]
    return sorted({s for s in steps if s < cheapest_full} | {cheapest_full})
