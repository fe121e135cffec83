"""Report reads from a PostgreSQL replica, when there is one (DATABASE_REPLICA_URL).

Only the reads a view marks with `replica_reads()` go there: the team report's
figures, the organisation overview and the team plan, after the view has decided who
may see them on the primary. Everything else reads the primary, and every write goes
there: sign-in, sessions and access decisions never see a replica's lag. A person who
has just saved something reads the primary for a few seconds after (imhcf.pinning),
so a report they open straight after shows what they saved, however far behind the
replica is. Migrations run on the primary only (a replica copies them)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reads = ContextVar("imhcf_replica_reads", default=False)
_pinned = ContextVar("imhcf_pinned_to_primary", default=False)


@contextmanager
def replica_reads():
    """Reads inside this block go to the replica, if one is configured and this request
    is not pinned to the primary."""
    token = _reads.set(True)
    try:
        yield
    finally:
        _reads.reset(token)


@contextmanager
def pinned_to_primary(pinned: bool = True):
    """Inside this block (a request by someone who has just saved: imhcf.pinning),
    reads marked for the replica go to the primary."""
    token = _pinned.set(pinned)
    try:
        yield
    finally:
        _pinned.reset(token)


def replica_alias() -> str | None:
    """The replica's alias, when one is configured."""
    return REPLICA if REPLICA in settings.DATABASES else None


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads.get() and not _pinned.get():
            return replica_alias()
        return None  # the primary

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
