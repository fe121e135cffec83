"""The regulators' rules applied to a practitioner's records (assessments.portfolio.cycle:
pure Python), with the rules as shipped in the data migration."""

import datetime
from decimal import Decimal
from importlib import import_module
from types import SimpleNamespace

import pytest

from assessments.portfolio.cycle import Activity, Written, months_before, progress

D = datetime.date
RULES = {
    rule["regulator"]: SimpleNamespace(
        **{
            "cpd_hours": None,
            "participatory_hours": None,
            "hours_per_year": None,
            "records_needed": None,
            "peer_records_needed": None,
            "feedback_needed": None,
            "reflections_needed": None,
            "discussion_needed": False,
            "window_days": None,
            "gap_months": None,
            **rule,
        }
    )  # fmt: skip
    for rule in import_module("assessments.migrations.0016_portfolio").RULES
}


def activity(day, hours=1, participatory=0, peer=False):
    return Activity(day, Decimal(hours), Decimal(participatory), peer)


def checks(result) -> dict:
    return {c.label: (c.have, c.need, c.met) for c in result.checks}


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(D(2027, 3, 31), 36) == D(2024, 3, 31)
    assert months_before(D(2027, 3, 31), 1) == D(2027, 2, 28)
    assert months_before(D(2028, 2, 29), 12) == D(2027, 2, 28)


def test_nmc_counts_hours_feedback_accounts_and_a_discussion_in_three_years():
    records = [activity(D(2026, m, 1), 5, 3) for m in range(1, 8)]  # 35 h, 21 participatory
    records.append(activity(D(2024, 3, 31), 10, 10))  # the cycle's first day is not in it
    written = [Written(D(2026, 2, d), "account", False) for d in range(1, 6)]
    written += [Written(D(2026, 3, d), "feedback", False) for d in range(1, 5)]
    written.append(Written(D(2026, 9, 1), "discussion", False))
    result = progress(RULES["nmc"], D(2027, 3, 31), D(2026, 11, 30), records, written)
    assert (result.start, result.end) == (D(2024, 3, 31), D(2027, 3, 31))
    assert checks(result) == {
        "CPD hours": (Decimal("35.0"), 35, True),
        "of them participatory": (Decimal("21.0"), 20, True),
        "pieces of practice-related feedback": (4, 5, False),
        "written reflective accounts": (5, 5, True),
        "reflective discussion": (1, 1, True),
    }
    assert not result.met  # one piece of feedback short


def test_social_work_england_needs_two_records_one_discussed_with_a_peer_each_year():
    rule = RULES["swe"]
    alone = progress(rule, D(2027, 11, 30), D(2027, 6, 1), [activity(D(2027, 1, 5))], [])
    assert checks(alone) == {
        "CPD records": (1, 2, False),
        "of them discussed with a peer": (0, 1, False),
    }
    both = progress(
        rule, D(2027, 11, 30), D(2027, 6, 1),
        [activity(D(2027, 1, 5)), activity(D(2026, 11, 1), peer=True)],  # last year's: out
        [Written(D(2027, 2, 1), "account", True)],
    )  # fmt: skip
    assert both.met and checks(both)["CPD records"] == (2, 2, True)


def test_ukcp_counts_250_hours_in_five_years_and_20_in_every_year_begun():
    records = [activity(D(2026, 1, 10), 30), activity(D(2025, 1, 10), 15)]
    result = progress(RULES["ukcp"], D(2028, 6, 30), D(2026, 11, 30), records, [])
    found = checks(result)
    assert found["CPD hours"] == (Decimal("45.0"), 250, False)
    yearly = {
        label: have for label, (have, _, _) in found.items() if label.startswith("CPD hours,")
    }
    assert yearly == {
        "CPD hours, 01 Jul 2023 to 30 Jun 2024": Decimal("0.0"),
        "CPD hours, 01 Jul 2024 to 30 Jun 2025": Decimal("15.0"),
        "CPD hours, 01 Jul 2025 to 30 Jun 2026": Decimal("30.0"),
        "CPD hours, 01 Jul 2026 to 30 Jun 2027": Decimal("0.0"),
    }  # the year from July 2027 has not begun: not counted short


def test_hcpc_names_each_gap_of_three_months_without_learning():
    records = [activity(D(2026, 1, 10)), activity(D(2026, 2, 1)), activity(D(2026, 8, 1))]
    result = progress(RULES["hcpc"], D(2027, 1, 31), D(2026, 11, 30), records, [])
    assert result.gaps == [
        (D(2025, 1, 31), D(2026, 1, 10)),
        (D(2026, 2, 1), D(2026, 8, 1)),
        (D(2026, 8, 1), D(2026, 11, 30)),  # up to today, not the renewal date
    ]
    assert checks(result) == {"CPD records": (3, 4, False)}


def test_sssc_counts_nothing():
    result = progress(RULES["sssc"], D(2027, 5, 1), D(2026, 11, 30), [activity(D(2026, 6, 1))], [])
    assert result.checks == [] and result.gaps == [] and result.met


@pytest.mark.parametrize("regulator", sorted(RULES))
def test_without_a_date_the_cycle_ends_today(regulator):
    result = progress(RULES[regulator], None, D(2026, 11, 30), [], [])
    assert result.end == D(2026, 11, 30) and not result.dated
