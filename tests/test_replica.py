"""Report reads may go to a PostgreSQL replica (DATABASE_REPLICA_URL): only the reads a
view marks, after it has decided on the primary who may see them; every write, and
every other read, goes to the primary. CI's PostgreSQL pass sets a second alias, a
separate connection to the test database, as a replica would be."""

from types import SimpleNamespace

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Invite
from imhcf import routers
from imhcf.routers import ReplicaRouter, replica_reads
from tests.assessments.helpers import rate


def databases(monkeypatch, *aliases):
    """What the router sees of settings.DATABASES (Django warns against overriding it)."""
    monkeypatch.setattr(routers, "settings", SimpleNamespace(DATABASES=dict.fromkeys(aliases)))


@pytest.mark.replica
def test_marked_reads_go_to_the_replica_and_nothing_else_does(monkeypatch):
    router = ReplicaRouter()
    databases(monkeypatch, "default", "replica")
    assert router.db_for_read(Invite) is None
    with replica_reads():
        assert router.db_for_read(Invite) == "replica"
        assert router.db_for_write(Invite) == "default"
    assert router.db_for_read(Invite) is None
    assert router.allow_migrate("default", "assessments") is True
    assert router.allow_migrate("replica", "assessments") is False


@pytest.mark.replica
def test_without_a_replica_marked_reads_stay_on_the_primary(monkeypatch):
    databases(monkeypatch, "default")
    with replica_reads():
        assert ReplicaRouter().db_for_read(Invite) is None


@pytest.mark.postgres
@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_team_report_reads_its_figures_from_the_replica_and_writes_go_to_the_primary(
    client, team, alice, manager
):
    if "replica" not in connections.settings:
        pytest.fail("CI's PostgreSQL pass sets DATABASE_REPLICA_URL (see .ci/run)")
    rate(alice, {(1, 1): ("achieved", "")})
    client.force_login(manager)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        page = client.get(reverse("assessments:team_report", args=[team.pk]))
    assert page.status_code == 200 and page.context["report"].member_count == 2
    on_replica = " ".join(q["sql"] for q in replica.captured_queries)
    on_primary = " ".join(q["sql"] for q in primary.captured_queries)
    assert "assessments_teamtally" in on_replica and "assessments_rating" in on_replica
    assert "assessments_teamtally" not in on_primary
    assert "django_session" in on_primary and "django_session" not in on_replica
    assert "assessments_membership" in on_primary  # who may see it: decided on the primary
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        client.post(reverse("assessments:invite", args=[team.pk]))
    assert Invite.objects.filter(team=team).exists()
    assert any(q["sql"].startswith("INSERT") for q in primary.captured_queries)
    assert replica.captured_queries == []


def test_behind_pgbouncer_connections_are_not_kept_and_cursors_stay_client_side():
    import json
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_DB_PGBOUNCER": "1",
        "DATABASE_URL": "postgres://imhcf:x@pool:6432/imhcf",
        "DATABASE_REPLICA_URL": "postgres://imhcf:x@replica-pool:6432/imhcf",
    }
    code = (
        "import json, imhcf.settings as s; print(json.dumps({a: [d['CONN_MAX_AGE'], "
        "d.get('DISABLE_SERVER_SIDE_CURSORS')] for a, d in s.DATABASES.items()}))"
    )
    done = subprocess.run(  # noqa: S603 - this Python, a fixed snippet
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == {"default": [0, True], "replica": [0, True]}
