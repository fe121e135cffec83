"""How the heat map shows a status: a symbol, words for screen readers and a tint, so
it never relies on colour alone. The cells are built once as safe HTML: a page has
up to 25 x 63 of them, and rendering each through the template engine cost more
than the rest of the page."""

from django.utils.html import format_html

from ..models import Status

# Symbol, words (the status's own label) and a tint per status.
SYMBOL = {
    status: (symbol, status.label, css)
    for status, symbol, css in (
        (Status.ACHIEVED, "✔", "hm-achieved"),
        (Status.WORKING_TOWARDS, "◐", "hm-working"),
        (Status.NOT_ASSESSED, "○", "hm-none"),
    )
}

CELL = {
    status: format_html(
        '<td class="{}"><span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>'
        "</td>",
        css,
        symbol,
        label,
    )
    for status, (symbol, label, css) in SYMBOL.items()
}


def row_cells(statuses: list[str]) -> str:
    """One member's row of cells, in the order given. One format_html per row: the
    CELL strings are already safe, so nothing is escaped twice and no data reaches
    the markup."""
    return format_html("{}" * len(statuses), *[CELL[status] for status in statuses])
