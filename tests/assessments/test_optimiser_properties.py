"""The optimisers against brute force on random small instances (hypothesis): the
practitioner's frontier and budget plan, and the team budget plan. Budgets, ties,
unpublished prices, contributes-to links and their strengths are all drawn."""

import itertools
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from assessments.plans.budget import Funding, fund
from assessments.plans.optimiser import (
    NAMED,
    OPTIONAL,
    STRENGTHS,
    TAUGHT,
    Option,
    best_plan,
    frontier,
    within,
)

GAPS = [f"g{i}" for i in range(5)]
FEES = [None, Decimal(0), Decimal(100), Decimal(250), Decimal(400)]  # ties on purpose
HOURS = [None, Decimal(2), Decimal(10), Decimal(30)]


@st.composite
def options(draw, most=5):
    drawn = []
    for i in range(draw(st.integers(1, most))):
        reach = draw(st.sets(st.sampled_from(GAPS), min_size=1, max_size=4))
        closes = draw(st.sets(st.sampled_from(sorted(reach))))
        strengths = frozenset(
            (gap, draw(st.sampled_from([TAUGHT, OPTIONAL, NAMED])))
            for gap in sorted(reach - closes)
        )
        drawn.append(
            Option(
                f"o{i}",
                f"Course {i}",
                "place",
                draw(st.sampled_from(FEES)),
                draw(st.sampled_from(HOURS)),
                frozenset(closes),
                frozenset(reach - closes),
                strengths=strengths,
            )
        )
    return drawn


def subsets(items):
    return [c for r in range(len(items) + 1) for c in itertools.combinations(items, r)]


def worth(chosen, gaps):
    """(closed, reached): what the team budget plan weighs."""
    closed = set().union(*(o.closes for o in chosen)) & gaps if chosen else set()
    reached = set().union(*(o.reaches for o in chosen)) & gaps if chosen else set()
    return len(closed), len(reached)


def graded(chosen, gaps):
    """Each gap at the strongest link any chosen option has to it; then, strongest
    first, how many gaps are reached at that strength or stronger."""
    best = {gap: max((o.strength(gap) for o in chosen), default=0) for gap in gaps}
    return tuple(sum(s >= level for s in best.values()) for level in STRENGTHS)


def fee(chosen):
    return sum((o.fee for o in chosen), Decimal(0))


def hours(chosen):
    return sum((o.hours for o in chosen), Decimal(0))


def brute_within(gaps, opts, budget, limit):
    """The best (closed, reached) inside the limits, then its least fee."""
    priced = [
        o
        for o in opts
        if o.fee is not None and (limit is None or (o.hours is not None and o.hours <= limit))
    ]
    best = None
    for chosen in subsets(priced):
        if budget is not None and fee(chosen) > budget:
            continue
        if limit is not None and hours(chosen) > limit:
            continue
        key = (tuple(-v for v in graded(chosen, gaps)), fee(chosen))
        best = key if best is None or key < best else best
    return (*(-v for v in best[0]), best[1])


@settings(max_examples=150, deadline=None)
@given(
    opts=options(),
    gaps=st.sets(st.sampled_from(GAPS)),
    budget=st.sampled_from([None, Decimal(0), Decimal(100), Decimal(350), Decimal(700)]),
    limit=st.sampled_from([None, Decimal(10), Decimal(40)]),
)
def test_the_budget_plan_is_the_best_any_set_of_options_can_do(opts, gaps, budget, limit):
    gaps = frozenset(gaps)
    plan = within(gaps, opts, budget=budget, hours=limit)
    assert (*plan.worth, plan.total_fee) == brute_within(gaps, opts, budget, limit)
    assert budget is None or plan.total_fee <= budget
    assert limit is None or (plan.unknown_hours == 0 and plan.total_hours <= limit)


@settings(max_examples=150, deadline=None)
@given(opts=options(), gaps=st.sets(st.sampled_from(GAPS)))
def test_each_frontier_step_is_the_cheapest_way_to_be_worth_more(opts, gaps):
    gaps = frozenset(gaps)
    steps = frontier(gaps, opts)
    priced = [o for o in opts if o.fee is not None]
    every = [(fee(c), graded(c, gaps)) for c in subsets(priced)]
    expected, best = [], (0,) * len(STRENGTHS)
    for cost, value in sorted(every, key=lambda e: (e[0], tuple(-v for v in e[1]))):
        if value > best:
            best = value
            expected.append((cost, value))
    assert [(s.total_fee, s.worth) for s in steps] == expected


@settings(max_examples=100, deadline=None)
@given(opts=options(most=4), gaps=st.sets(st.sampled_from(GAPS)))
def test_the_most_complete_plan_reaches_all_it_can_at_the_least_cost(opts, gaps):
    gaps = frozenset(gaps)
    plan = best_plan(gaps, opts, "cost")
    full = graded(opts, gaps)
    assert plan.worth == full
    cheapest = min(
        (sum(o.fee is None for o in c), fee([o for o in c if o.fee is not None]), len(c))
        for c in subsets(opts)
        if graded(c, gaps) == full
    )
    assert (plan.unknown_fees, plan.total_fee, len(plan.chosen)) == cheapest


def brute_team(members, opts, budget):
    priced = [o for o in opts if o.fee is not None]
    sets = subsets(priced)
    per = [[(*worth(s, gaps), fee(s)) for s in sets] for _, gaps in members]
    best = None
    for pick in itertools.product(range(len(sets)), repeat=len(members)):
        total = sum(per[m][i][2] for m, i in enumerate(pick))
        if total > budget:
            continue
        closed = sum(per[m][i][0] for m, i in enumerate(pick))
        reached = sum(per[m][i][1] for m, i in enumerate(pick))
        key = (-closed, -reached, total)
        best = key if best is None or key < best else best
    return (-best[0], -best[1], best[2])


@settings(max_examples=120, deadline=None)
@given(
    opts=options(most=3),
    members=st.lists(st.sets(st.sampled_from(GAPS)), min_size=1, max_size=3),
    budget=st.sampled_from([Decimal(0), Decimal(100), Decimal(250), Decimal(500), Decimal(900)]),
)
def test_the_team_budget_plan_agrees_with_brute_force(opts, members, budget):
    team = [(n, frozenset(gaps)) for n, gaps in enumerate(members)]
    result = fund(team, opts, budget)
    assert (result.closed, result.reached, result.fee) == brute_team(team, opts, budget)
    assert result.proven and result.fee <= budget
    # What each member is given adds up to the totals.
    for funded in result.funded:
        assert (funded.closes, funded.reaches) == worth(funded.options, team[funded.member][1])


@settings(max_examples=120, deadline=None)
@given(
    opts=options(most=3),
    members=st.lists(st.sets(st.sampled_from(GAPS)), min_size=1, max_size=3),
    budget=st.sampled_from([Decimal(v) for v in (0, 50, 100, 150, 300, 450, 900, 5000)]),
)
@example(  # one member's cheapest place is affordable, the other's is not
    opts=[
        Option("o0", "Course 0", "place", Decimal(100), None, frozenset({"g0"})),
        Option("o1", "Course 1", "place", Decimal(400), None, frozenset({"g1"})),
    ],
    members=[{"g0"}, {"g1"}],
    budget=Decimal(150),
)
def test_every_team_frontier_step_and_total_agrees_with_brute_force(opts, members, budget):
    """The frontier's steps and a budget's totals, whether the solver is asked or the
    budget settles it alone (nothing but free places affordable, or enough for every
    member's most complete set), are the best any choice of sets can do; the totals
    are those of the plan the page shows at that budget."""
    team = [(n, frozenset(gaps)) for n, gaps in enumerate(members)]
    funding = Funding(team, opts)
    for step, result in funding.frontier():
        assert (result.closed, result.reached, result.fee) == brute_team(team, opts, step)
        assert result.proven
    totals = Funding(team, opts).totals(budget)
    assert (totals.closed, totals.reached, totals.fee) == brute_team(team, opts, budget)
    plan = Funding(team, opts).solve(budget)
    assert (plan.closed, plan.reached, plan.fee, plan.members) == (
        totals.closed,
        totals.reached,
        totals.fee,
        totals.members,
    )


def test_among_plans_closing_as_many_the_stronger_evidence_wins_before_the_price():
    """Two courses reach the same gap for the same fee: one teaches it in part, the other
    names it as a topic. The frontier, the budget plan and the most complete plan take
    the one that teaches it, although the topic one is listed first and is cheaper."""
    gaps = frozenset({"g1"})
    topic = Option("a-topic", "A", "course", Decimal(0), Decimal(2), frozenset(), frozenset(gaps))
    taught = Option(
        "b-taught",
        "B",
        "course",
        Decimal(100),
        Decimal(2),
        frozenset(),
        frozenset(gaps),
        strengths=frozenset({("g1", TAUGHT)}),
    )
    assert [p.chosen for p in frontier(gaps, [topic, taught])] == [(topic,), (taught,)]
    assert within(gaps, [topic, taught], budget=Decimal(100)).chosen == (taught,)
    assert within(gaps, [topic, taught], budget=Decimal(50)).chosen == (topic,)
    assert best_plan(gaps, [topic, taught]).chosen == (taught,)
    assert within(gaps, [topic, taught], budget=Decimal(100)).strength("g1") == TAUGHT
