"""Who may see what. Every practitioner page shows only the signed-in user's own
records: nothing is looked up by an id from the URL, so there is nothing of
anyone else's to reach. Levels and domains in URLs are checked here (404)."""

from django.http import Http404

from .progress import LEVELS, Framework


def own_grid(framework: Framework, level: int, domain: int):
    """The domain to show on the signed-in user's grid, or 404 for a level or
    domain that does not exist."""
    if level not in LEVELS:
        raise Http404("No such level")
    for candidate in framework.domains:
        if candidate.number == domain:
            return candidate
    raise Http404("No such domain")
