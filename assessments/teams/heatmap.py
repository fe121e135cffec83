"""How the heat map shows a status: a symbol, words for screen readers and a tint, so
it never relies on colour alone. The cells are built once as safe HTML: a page has
up to 25 x 63 of them, and rendering each through the template engine cost more
than the rest of the page."""

from django.utils.html import format_html

from ..models import Status

# Symbol, words and a tint per status: the heat map never relies on colour alone.
SYMBOL = {
    Status.ACHIEVED: ("✔", "Achieved", "hm-achieved"),
    Status.WORKING_TOWARDS: ("◐", "Working towards", "hm-working"),
    Status.NOT_ASSESSED: ("○", "Not yet assessed", "hm-none"),
}

# One heat-map cell per status, built once: a page has up to 25 x 63 cells, and
# rendering each through the template engine cost more than the rest of the page.
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
