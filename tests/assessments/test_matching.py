"""The plan optimiser on hand-worked examples: pure functions, no database."""

from decimal import Decimal

import pytest

from assessments.plans.optimiser import EXACT_LIMIT, Option, best_plan


def opt(key, fee, hours, *covers):
    return Option(
        key,
        key,
        key,
        None if fee is None else Decimal(fee),
        None if hours is None else Decimal(hours),
        frozenset(covers),
    )


def keys(plan):
    return [o.key for o in plan.chosen]


def test_free_course_wins_when_it_closes_the_same_gap():
    free, paid = opt("nes", 0, 4, "1:1.07"), opt("pgcert", 2550, 5000, "1:1.07")
    plan = best_plan(frozenset({"1:1.07", "1:D6"}), [paid, free])
    assert keys(plan) == ["nes"]
    assert plan.unreachable == {"1:D6"}
    assert plan.total_fee == 0


def test_two_cheap_options_beat_one_dear_one_that_covers_both():
    gaps = frozenset({"a", "b"})
    plan = best_plan(
        gaps, [opt("both", 900, 10, "a", "b"), opt("x", 300, 50, "a"), opt("y", 400, 50, "b")]
    )
    assert keys(plan) == ["x", "y"]
    assert plan.total_fee == 700


def test_least_time_and_fewest_courses_choose_differently():
    gaps = frozenset({"a", "b"})
    options = [opt("both", 900, 100, "a", "b"), opt("x", 300, 20, "a"), opt("y", 400, 20, "b")]
    assert keys(best_plan(gaps, options, "time")) == ["x", "y"]  # 40 hours < 100
    assert keys(best_plan(gaps, options, "count")) == ["both"]


def test_covering_more_gaps_comes_before_saving_money():
    gaps = frozenset({"a", "b"})
    plan = best_plan(gaps, [opt("cheap", 0, 1, "a"), opt("dear", 5000, 1, "a", "b")])
    assert keys(plan) == ["dear"]
    assert plan.unreachable == frozenset()


def test_unpublished_fee_is_taken_only_when_nothing_published_covers_the_gap():
    gaps = frozenset({"a", "b"})
    options = [opt("unknown", None, None, "a", "b"), opt("known", 100, 1, "a")]
    plan = best_plan(gaps, options)
    assert keys(plan) == ["unknown"]  # only it covers b; then "known" is not needed
    assert plan.unknown_fees == 1 and plan.total_fee == 0
    plan = best_plan(frozenset({"a"}), options)
    assert keys(plan) == ["known"]


def test_ties_are_broken_by_key_whatever_the_input_order():
    gaps = frozenset({"a"})
    options = [opt("zeta", 100, 1, "a"), opt("alpha", 100, 1, "a")]
    assert keys(best_plan(gaps, options)) == ["alpha"]
    assert keys(best_plan(gaps, list(reversed(options)))) == ["alpha"]


def test_gaps_no_option_covers_are_listed_and_nothing_is_bought_for_them():
    plan = best_plan(frozenset({"x", "y"}), [opt("other", 10, 1, "z")])
    assert plan.chosen == ()
    assert plan.unreachable == {"x", "y"}


def test_no_gaps_means_an_empty_plan():
    plan = best_plan(frozenset(), [opt("any", 10, 1, "a")])
    assert plan.chosen == () and plan.unreachable == frozenset()


def test_an_unknown_objective_is_refused():
    with pytest.raises(ValueError):
        best_plan(frozenset({"a"}), [], "fun")


def test_module_priced_option_beats_the_whole_award_it_sits_in():
    gaps = frozenset({"2:D6"})
    options = [
        opt("msc", 15000, 26298, "2:D6", "2:D4"),
        opt("pgdip", 10000, 17532, "2:D6"),
        opt("module", 1667, None, "2:D6"),
    ]
    assert keys(best_plan(gaps, options)) == ["module"]
    assert keys(best_plan(gaps, options, "time")) == ["pgdip"]  # the module's time is unknown


def test_large_inputs_use_the_greedy_search_and_still_cover_everything():
    gaps = frozenset(f"g{i}" for i in range(189))
    options = [
        opt(f"c{n:02d}", 100 + n, 10, *(f"g{i}" for i in range(n, 189, 7))) for n in range(50)
    ]
    assert len(options) > EXACT_LIMIT
    plan = best_plan(gaps, options)
    assert plan.unreachable == frozenset()
    covered = frozenset().union(*(o.reaches for o in plan.chosen))
    assert covered >= gaps
    # No option in the plan is redundant.
    for option in plan.chosen:
        rest = frozenset().union(*(o.reaches for o in plan.chosen if o is not option))
        assert not rest >= gaps


@pytest.mark.parametrize("n_options", [6, 30])  # the exact search, then the greedy one
def test_gap_sets_with_one_signature_get_the_same_plan(n_options):
    import random

    from assessments.plans.optimiser import Signatures, cover_sets

    rng = random.Random(n_options)
    universe = [f"g{i:02d}" for i in range(40)]
    # Options cover whole blocks of gaps (as a domain-wide coverage row does), so many
    # different gap sets share a signature; some gaps no option covers.
    blocks = [universe[i : i + 5] for i in range(0, 35, 5)]
    options = [
        opt(
            f"c{n:02d}",
            rng.choice([None, 0, 500, 1667, 2550]),
            rng.choice([None, 4, 900]),
            *(g for block in rng.sample(blocks, rng.randint(1, 3)) for g in block),
        )
        for n in range(n_options)
    ]
    signature_of = Signatures(cover_sets(options))
    plans: dict[frozenset, list[str]] = {}
    gap_sets = {frozenset(rng.sample(universe, rng.randint(0, 40))) for _ in range(400)}
    for gaps in gap_sets:
        chosen = keys(best_plan(gaps, options))
        assert plans.setdefault(signature_of(gaps), chosen) == chosen
    if n_options <= EXACT_LIMIT:  # here the signature does merge many different gap sets
        assert len(plans) < len(gap_sets) / 2
    else:  # here it counts gaps, so merges fewer, but some
        assert len(plans) < len(gap_sets)
