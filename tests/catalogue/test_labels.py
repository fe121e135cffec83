"""Money has one home (catalogue/labels.py): a price, a sum and a total over fees are
written differently on purpose, and every page, export and PDF reads them from there."""

from decimal import Decimal

from catalogue.labels import money, pounds, total


def test_a_price_of_nothing_is_free_but_a_sum_of_nothing_is_0():
    assert pounds(Decimal(0)) == "free"
    assert money(Decimal(0)) == "£0"
    assert pounds(Decimal("1666.50")) == money(Decimal("1666.50")) == "£1,666.50"
    assert pounds(Decimal(15000)) == money(Decimal(15000)) == "£15,000"
    assert pounds(None) == "not published"


def test_a_total_says_how_many_fees_are_not_published_and_never_0_for_none_published():
    assert total(Decimal(3000), 0, 2) == "£3,000"
    assert total(Decimal(3000), 2, 5) == "£3,000 + 2 not published"
    assert total(Decimal(0), 3, 3) == "not published"
    assert total(Decimal(0), 0, 0) == "free"
