"""How money and time are written on every page, export and PDF (the one home of each
wording). Pure functions."""

from decimal import Decimal

HOURS_PER_MONTH = Decimal("730.5")


def pounds(amount: Decimal | None) -> str:
    """£15,000 / £1,666.50 / free / not published."""
    if amount is None:
        return "not published"
    if amount == 0:
        return "free"
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


def money(amount: Decimal) -> str:
    """A sum, not a price (a budget, what a plan spends): £0 is nothing spent, where
    `pounds` says a course at 0 is free."""
    return "£0" if amount == 0 else pounds(amount)


def total(amount: Decimal, unpublished: int, count: int) -> str:
    """A total over `count` fees of which `unpublished` are not published: "£3,000",
    "£3,000 + 2 not published", or "not published" when none is (never £0 or "free"
    for fees nobody published)."""
    if count and unpublished == count:
        return "not published"
    label = pounds(amount)
    return f"{label} + {unpublished} not published" if unpublished else label


def elapsed(hours: Decimal | None) -> str:
    """4 hours / about 12 months / not published, from hours on one scale."""
    if hours is None:
        return "not published"
    if hours < 24:
        return f"{hours.normalize():f} hours"
    months = round(hours / HOURS_PER_MONTH)
    return f"about {months} month{'s' if months != 1 else ''}"
