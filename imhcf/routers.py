"""Report reads from a PostgreSQL replica, when there is one (DATABASE_REPLICA_URL).

Only the reads a view marks with `replica_reads()` go there: the team report's
figures, the organisation overview and the team plan, after the view has decided who
may see them on the primary. Everything else reads the primary, and every write goes
there: sign-in, sessions and access decisions never see a replica's lag, and a person
always reads what they have just saved. Migrations run on the primary only (a replica
copies them)."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reads = ContextVar("imhcf_replica_reads", default=False)


@contextmanager
def replica_reads():
    """Reads inside this block go to the replica, if one is configured."""
    token = _reads.set(True)
    try:
        yield
    finally:
        _reads.reset(token)


def replica_alias() -> str | None:
    """The replica's alias, when one is configured."""
    return REPLICA if REPLICA in settings.DATABASES else None


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica_alias() if _reads.get() else None  # None: the primary

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
