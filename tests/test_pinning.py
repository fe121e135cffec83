"""Read-your-writes (imhcf/pinning.py): after a signed-in person's write, the reads a
view marks for the replica go to the primary for IMHCF_PIN_SECONDS, then to the
replica again. CI's PostgreSQL pass sets the replica alias (a second connection to the
test database); elsewhere the router's choice is checked directly."""

import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.db import connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imhcf import pinning, routers
from imhcf.routers import ReplicaRouter, pinned_to_primary, replica_reads


def seconds_later(monkeypatch, seconds: float) -> None:
    """The signing clock moved on (only the clock the pin's signature is checked with)."""
    now = time.time() + seconds
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: now))


def with_cookie(value: str):
    request = RequestFactory().get("/")
    request.COOKIES[pinning.COOKIE] = value
    return request


@pytest.mark.replica
def test_a_pinned_request_reads_the_primary_even_where_reads_are_marked_for_the_replica(
    monkeypatch,
):
    monkeypatch.setattr(
        routers, "settings", SimpleNamespace(DATABASES=dict.fromkeys(["default", "replica"]))
    )
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(None) == "replica"
        with pinned_to_primary():
            assert router.db_for_read(None) is None
        with pinned_to_primary(False):
            assert router.db_for_read(None) == "replica"
        assert router.db_for_read(None) == "replica"


@pytest.mark.django_db
def test_a_signed_in_persons_save_pins_them_and_a_page_view_does_not(client, alice):
    client.force_login(alice)
    client.get(reverse("assessments:dashboard"))
    assert pinning.COOKIE not in client.cookies
    saved = client.post(reverse("assessments:grid", args=[1, 1]), {})
    assert saved.status_code < 500
    cookie = client.cookies[pinning.COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert pinning.is_pinned(with_cookie(cookie.value))


@pytest.mark.django_db
def test_an_anonymous_post_does_not_pin(client):
    client.post(reverse("account_login"), {"login": "nobody", "password": "wrong-password"})
    assert pinning.COOKIE not in client.cookies


def test_the_pin_lasts_its_seconds_and_a_forged_one_counts_for_nothing(monkeypatch, settings):
    settings.IMHCF_PIN_SECONDS = 10
    signed = signing.get_cookie_signer(salt=pinning.COOKIE + pinning.SALT).sign("1")
    assert pinning.is_pinned(with_cookie(signed))
    seconds_later(monkeypatch, 11)
    assert not pinning.is_pinned(with_cookie(signed))
    assert not pinning.is_pinned(with_cookie("1"))
    assert not pinning.is_pinned(with_cookie(signed.replace(":", ":x", 1)))


@pytest.mark.postgres
@pytest.mark.replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_right_after_a_save_the_team_report_reads_the_primary_and_later_the_replica(
    client, team, manager, monkeypatch
):
    if "replica" not in connections.settings:
        pytest.fail("CI's PostgreSQL pass sets DATABASE_REPLICA_URL (see .ci/run)")
    client.force_login(manager)
    report = reverse("assessments:team_report", args=[team.pk])

    def tally_read_on() -> set[str]:
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            assert client.get(report).status_code == 200
        return {
            alias
            for alias, captured in (("default", primary), ("replica", replica))
            if any("assessments_teamtally" in q["sql"] for q in captured.captured_queries)
        }

    assert tally_read_on() == {"replica"}
    client.post(reverse("assessments:invite", args=[team.pk]))
    assert tally_read_on() == {"default"}
    seconds_later(monkeypatch, 11)
    assert tally_read_on() == {"replica"}
