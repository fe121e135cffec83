"""How money and time are written on every page, export and PDF. Pure functions."""

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


def elapsed(hours: Decimal | None) -> str:
    """4 hours / about 12 months / not published, from hours on one scale."""
    if hours is None:
        return "not published"
    if hours < 24:
        return f"{hours.normalize():f} hours"
    months = round(hours / HOURS_PER_MONTH)
    return f"about {months} month{'s' if months != 1 else ''}"
