"""`recount` on a worker: a full rebuild of the team tallies takes seconds at national
scale, and holds writes to the tallies while it runs, so it is not done in a request."""

from celery import shared_task

from ..teams import tallies
from .queueing import RETRIED


@shared_task(**RETRIED)
def recount() -> int:
    """Rebuild every team tally from memberships and ratings, in one transaction (run
    twice, it writes the same tallies). Returns the tally rows written."""
    return tallies.recount()
