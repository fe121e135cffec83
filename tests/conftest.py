"""Shared test set-up: fast hashing, plain static files, the real catalogue, and
Debian's Chromium for the browser tests (Playwright never downloads a browser here)."""

import datetime
import os
import subprocess
from collections import Counter
from importlib import import_module

import pytest
from allauth.account.internal.flows.login import record_authentication
from django.apps import apps
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction

from assessments.models import Membership
from catalogue.loading import load_catalogue
from imhcf import routers
from tests.factories import (
    MembershipFactory,
    TeamFactory,
    TrainingLeadFactory,
    UserFactory,
    with_authenticator,
)

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse database access from it. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Evidence files go to a fresh folder per test (FileSystemStorage follows the setting).
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest storage needs `collectstatic`; tests serve files from static/ directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps its rate limits and the TOTP codes already used in Django's cache:
    each test starts with none counted and none used."""
    cache.clear()
    yield
    cache.clear()


def _record_both_factors(sender, request, user, **kwargs):
    """user_logged_in receiver: for a person given an authenticator by
    tests.factories.with_authenticator, record in the new session what allauth records
    after the password and a correct code, so `client.force_login(person)` is a sign-in
    with both factors (the cheap way; tests of signing in use the pages)."""
    if getattr(user, "signs_in_with_both_factors", False) and request is not None:
        record_authentication(request, user, "password", username=user.username)
        record_authentication(request, user, "mfa", id=user.totp.pk, type="totp")


@pytest.fixture(autouse=True)
def _both_factors_on_force_login():
    user_logged_in.connect(_record_both_factors, dispatch_uid="tests_both_factors")
    yield
    user_logged_in.disconnect(dispatch_uid="tests_both_factors")


@pytest.fixture(autouse=True)
def _no_tallies_left_by_the_last_flush(request):
    """A test that commits (transaction=True, a live server) starts with no tallies. After
    such a test Django empties the database table by table, on SQLite with DELETE, in the
    order of a set (so it changes from run to run); when a rating or a membership is
    deleted after the tallies were emptied, the database's tally triggers write rows for
    people who are gone, and a later test counting every tally finds them (the
    competencies migration test failed so, now and then). PostgreSQL truncates, which
    fires no trigger."""
    marker = request.node.get_closest_marker("django_db")
    commits = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not commits:
        return
    request.getfixturevalue("transactional_db")
    from assessments.models import Achieved, TeamTally

    TeamTally.objects.all().delete()
    Achieved.objects.all().delete()


@pytest.fixture(autouse=True)
def _primary_only(request, monkeypatch):
    """With a replica alias configured (CI's PostgreSQL pass), only tests marked
    `replica` read from it. Other tests write inside one transaction on the primary,
    which a second connection cannot see."""
    if "replica" not in request.keywords:
        monkeypatch.setattr(routers, "replica_alias", lambda: None)


@pytest.fixture(scope="session")
def _catalogue_rows(django_db_setup, django_db_blocker) -> tuple[Counter, list]:
    """The shipped fixtures, loaded once per test session exactly as `manage.py
    load_catalogue` does (about 1,500 queries), kept in memory and rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        loaded = load_catalogue()
        models = list(apps.get_app_config("catalogue").get_models())
        rows = [(model, list(model.objects.order_by("pk"))) for model in models]
        transaction.set_rollback(True)
    return loaded, rows


@pytest.fixture
def catalogue(db, _catalogue_rows, django_db_blocker) -> Counter:
    """The shipped fixtures as `load_catalogue` leaves them (same rows, same ids),
    written back in one insert per table instead of loaded again for every test.
    Foreign keys are checked at commit on both engines, so the order does not matter."""
    loaded, rows = _catalogue_rows
    with transaction.atomic():  # one commit in transactional tests too
        for model, objects in rows:
            model.objects.bulk_create(objects)
        # Rows came with their ids: move PostgreSQL's sequences past them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in rows]):
                cursor.execute(sql)
        _regulators_rules()
    return Counter(loaded)


def _regulators_rules() -> None:
    """The regulators' cycle rules come with a data migration; a transactional test's
    flush empties their table, so they are put back as the migration wrote them."""
    from assessments.models import CycleRule

    if not CycleRule.objects.exists():
        migration = import_module("assessments.migrations.0016_portfolio")
        for rule in migration.RULES:
            CycleRule.objects.create(checked_on=datetime.date(2026, 11, 1), **rule)


@pytest.fixture
def admin_user(db, django_user_model):
    """A superuser: the training lead who keeps the catalogue right. Signs in with an
    authenticator app, as admins must."""
    return with_authenticator(
        django_user_model.objects.create_superuser("lead", "lead@example.org", "x-pass-12345")
    )


@pytest.fixture
def alice(catalogue):
    """A health visitor (target Level 2) assessing herself; the owner in access tests."""
    return UserFactory(username="alice", email="alice@example.org", job_role="health_visitor")


@pytest.fixture
def bob(catalogue):
    """Another practitioner (her teammate where `team` is used): must never see or
    change anything of Alice's."""
    return UserFactory(username="bob", email="bob@example.org", job_role="early_years")


@pytest.fixture
def team(alice, bob):
    """North locality (Trust A): Alice and Bob are its members."""
    team = TeamFactory(name="North locality", organisation__name="Trust A")
    MembershipFactory(team=team, user=alice)
    MembershipFactory(team=team, user=bob)
    return team


@pytest.fixture
def manager(team):
    """Mina manages Alice's team and nothing else; signed in with both factors."""
    user = UserFactory(username="mina", email="mina@example.org")
    MembershipFactory(team=team, user=user, role=Membership.Role.MANAGER)
    return with_authenticator(user)


@pytest.fixture
def tess(team):
    """Tess leads Trust A (Alice's team's organisation); signed in with both factors."""
    user = UserFactory(username="tess", email="tess@trust-a.example")
    TrainingLeadFactory(organisation=team.organisation, user=user)
    return with_authenticator(user)


@pytest.fixture
def outsider(catalogue):
    """Omar manages another team (South locality, with its member Carol): a manager,
    but of nothing of Alice's."""
    other = TeamFactory(name="South locality", organisation__name="Trust A")
    MembershipFactory(team=other, user__username="carol")
    user = UserFactory(username="omar")
    MembershipFactory(team=other, user=user, role=Membership.Role.MANAGER)
    return with_authenticator(user)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def postgres_server_reachable() -> bool:
    """A PostgreSQL server on 127.0.0.1:5432 that `psql -U postgres` can reach, as on
    the CI machine (the load test makes its own database there)."""
    try:
        done = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc", "SELECT 1"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and done.stdout.strip() == "1"


def redis_server_reachable() -> bool:
    """A Redis server on 127.0.0.1:6379 answering PING, as on the CI machine."""
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need the suite to run on PostgreSQL (DATABASE_URL) with a
    server `psql` can reach, tests marked `redis` a Redis server on 127.0.0.1:6379;
    elsewhere (a laptop with only Python) they skip and say why."""
    needs = {
        "postgres": (
            connection.vendor == "postgresql" and postgres_server_reachable(),
            "needs PostgreSQL: runs in CI's PostgreSQL pass",
        ),
        "redis": (
            any("redis" in item.keywords for item in items) and redis_server_reachable(),
            "needs Redis on 127.0.0.1:6379 (redis-server --port 6379): runs in CI",
        ),
    }
    for marker, (available, reason) in needs.items():
        if available:
            continue
        why = pytest.mark.skip(reason=reason)
        for item in items:
            if marker in item.keywords:
                item.add_marker(why)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """With IMHCF_NO_SKIPS=1 (CI's PostgreSQL pass) a skipped `postgres` or `redis` test
    fails: there, every test that needs PostgreSQL or Redis must really run."""
    report = yield
    if (
        report.skipped
        and os.environ.get("IMHCF_NO_SKIPS") == "1"
        and call.when == "setup"
        and ("postgres" in item.keywords or "redis" in item.keywords)
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped where every test must run: {report.longrepr}"
    return report
