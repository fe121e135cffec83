"""The database unreachable is a 503 with Retry-After and a plain page, not a 500.

The database is made unreachable for real: the default connection is swapped for one of
the same engine pointed where nothing answers (SQLite: a file in a folder that does not
exist, which even root cannot open; PostgreSQL: a port nothing listens on), so the
driver itself raises OperationalError when Django connects. On PostgreSQL a connection
the server ends mid-session is tested too."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import IntegrityError, OperationalError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from assessments.models import RatingChange
from assessments.security.unavailable import RETRY_AFTER_SECONDS, database_down
from tests.assessments.helpers import grid_post

pytestmark = pytest.mark.django_db

# What a person must never be shown.
DEVELOPER_WORDS = ("Traceback", "OperationalError", "InterfaceError", "SQL", "database", "psycopg")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable(real: BaseDatabaseWrapper, tmp_path: Path) -> BaseDatabaseWrapper:
    """A new connection of the same engine to a database nobody can reach."""
    settings_dict = dict(real.settings_dict)
    if real.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    return type(real)(settings_dict, alias=real.alias)


class Outage:
    """Switches the default alias to a database that cannot be reached, and back."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.real: BaseDatabaseWrapper | None = None

    def __enter__(self) -> None:
        self.real = connections["default"]
        connections["default"] = unreachable(self.real, self.tmp_path)

    def __exit__(self, *exc_info: object) -> None:
        assert self.real is not None
        connections["default"].close()
        connections["default"] = self.real


@pytest.fixture
def outage(tmp_path: Path) -> Iterator[Outage]:
    """`with outage:` every query on the default alias goes to a database nobody can
    reach; afterwards the real connection (and the test's transaction) is back."""
    down = Outage(tmp_path)
    yield down
    if down.real is not None and connections["default"] is not down.real:
        down.__exit__()


@pytest.fixture
def visitor() -> Client:
    """A browser as gunicorn would answer it: errors become pages, never re-raised into
    the test (the default test client re-raises what reached handler500)."""
    return Client(raise_request_exception=False)


def assert_briefly_unavailable(response) -> None:
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    assert "The service is briefly unavailable" in page
    assert "What you typed in your assessment" in page and "try again in a minute" in page
    for word in DEVELOPER_WORDS:
        assert word not in page, word


def test_the_connection_really_fails_while_the_database_is_down(outage):
    with outage, pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_a_public_page_answers_503_with_retry_after_and_a_plain_page(visitor, catalogue, outage):
    # Anonymous, no session cookie: the view's own query is the first to fail.
    with outage:
        response = visitor.get(reverse("catalogue:framework"))
    assert_briefly_unavailable(response)
    assert visitor.get(reverse("catalogue:framework")).status_code == 200  # and back


def test_a_signed_in_page_answers_503_when_the_session_cannot_be_read(visitor, alice, outage):
    # Before any view: SessionTimeouts asks who this is, which reads the session row.
    visitor.force_login(alice)
    with outage:
        response = visitor.get(reverse("assessments:dashboard"))
    assert_briefly_unavailable(response)
    assert visitor.get(reverse("assessments:dashboard")).status_code == 200


def test_a_grid_save_while_the_database_is_down_answers_503_and_says_the_text_is_kept(
    visitor, alice, outage
):
    visitor.force_login(alice)
    typed = "Talked through a father's history with him."
    data = grid_post(alice, 1, 3, {"D3": ("achieved", typed)})
    with outage:
        response = visitor.post(reverse("assessments:grid", args=[1, 3]), data)
    assert_briefly_unavailable(response)
    assert "this save did not happen" in response.content.decode()
    assert not RatingChange.objects.filter(new_evidence=typed).exists()
    # The same form sent again once the database is back saves it.
    again = visitor.post(reverse("assessments:grid", args=[1, 3]), data)
    assert again.status_code == 302
    assert RatingChange.objects.filter(new_evidence=typed).exists()


def test_health_answers_503_while_the_database_is_down(visitor, outage):
    with outage:
        response = visitor.get("/healthz/")
    assert response.status_code == 503
    assert visitor.get("/healthz/").status_code == 200


def test_other_database_errors_are_not_taken_for_the_database_being_down():
    assert not database_down(IntegrityError("duplicate key"))
    assert database_down(OperationalError("connection refused"))


@pytest.mark.postgres
def test_a_connection_postgresql_ended_mid_session_answers_503(visitor, catalogue):
    # What a restart does to an open connection: the server ends it, and the next query
    # on it fails (health checks off, so Django does not quietly reconnect first).
    real = connections["default"]
    ended = type(real)({**real.settings_dict, "CONN_HEALTH_CHECKS": False}, alias=real.alias)
    with ended.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with real.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    connections["default"] = ended
    try:
        response = visitor.get(reverse("catalogue:framework"))
    finally:
        ended.close()
        connections["default"] = real
    assert_briefly_unavailable(response)
