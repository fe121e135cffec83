"""Many people saving the same items at the same moment, on PostgreSQL (the production
database, where saves really run in parallel): no update is lost, and every writer
whose save lost the race is told so, with the other version shown.

SQLite runs one write at a time (IMMEDIATE transactions), so there is no race to test
there; this file runs in CI's PostgreSQL pass."""

import threading

import pytest
from django.db import connection

from assessments.items import load_framework
from assessments.models import Rating, RatingChange
from assessments.ratings.services import Entry, fingerprint, save_domain
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,  # SQLite serialises writers (IMMEDIATE): no race to test
]
WRITERS = 8
ROUNDS = 4


def race(jobs) -> list:
    """Run every job at the same instant, each on its own database connection."""
    start = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            start.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported below, never swallowed
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def test_writers_on_the_same_item_one_wins_each_round_and_the_rest_are_told(catalogue):
    alice = UserFactory(username="alice")
    item = load_framework().items[(1, 1)][0]
    wins = []
    for round_ in range(ROUNDS):
        current = Rating.objects.filter(user=alice).first()
        seen = (
            (current.version, current.status, current.evidence)
            if current
            else (0, "not_assessed", "")
        )

        def write(writer, round_=round_, seen=seen):
            text = f"round {round_} writer {writer}"
            entry = Entry(item, "working_towards", text, seen[0], seen[1], fingerprint(seen[2]))
            return text, save_domain(user=alice, editor=alice, level=1, domain=1, entries=[entry])

        results = race([lambda w=w: write(w) for w in range(WRITERS)])
        saved = [text for text, result in results if result.saved]
        told = [result for _, result in results if result.conflicts]
        assert len(saved) == 1 and len(told) == WRITERS - 1
        for result in told:  # each loser sees the winner's words beside their own
            assert result.conflicts[0].current.evidence == saved[0]
        wins += saved
    rating = Rating.objects.get(user=alice)
    assert rating.version == ROUNDS and rating.evidence == wins[-1]
    history = list(RatingChange.objects.order_by("pk").values_list("new_evidence", flat=True))
    assert history == wins  # every confirmed save is in the history, in order


def test_writers_on_different_items_of_one_domain_all_succeed(catalogue):
    from tests.factories import build_full_framework

    build_full_framework()
    alice = UserFactory(username="alice")
    items = load_framework().items[(1, 1)][:WRITERS]

    def write(item):
        entry = Entry(item, "achieved", f"Evidence {item.code}", 0, "not_assessed", fingerprint(""))
        return save_domain(user=alice, editor=alice, level=1, domain=1, entries=[entry])

    results = race([lambda i=i: write(i) for i in items])
    assert all(r.saved and not r.conflicts for r in results)
    assert Rating.objects.filter(user=alice).count() == len(items)
    assert RatingChange.objects.count() == len(items)
