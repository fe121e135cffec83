"""Past one machine: with the cache in Redis and sessions in Redis written through to the
database (imhcf/settings.py with IMHCF_REDIS_URL), any app server serves anyone.

Each test plays two app servers behind the load balancer: two test clients, each with
its own middleware and its own fresh connection to the cache, and one browser's cookie
carried from the first to the second. Runs against the real Redis on 127.0.0.1:6379,
in a database of its own (9), emptied before and after each test."""

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.signals import clear_cache_handlers
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

REDIS_URL = "redis://127.0.0.1:6379/9"
DASHBOARD = "assessments:dashboard"


@pytest.fixture
def shared_state(settings):
    """The settings of several app servers (as IMHCF_REDIS_URL makes them), on an empty
    Redis database; yields a client of that database to look inside."""
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    settings.CACHES = redis_caches(REDIS_URL)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield store
    store.flushdb()


def redis_caches(url: str) -> dict:
    """CACHES as IMHCF_REDIS_URL=`url` makes them (imhcf/settings.py)."""
    return {
        "default": {
            "BACKEND": "assessments.ops.shared_cache.SharedCache",
            "LOCATION": url,
            "KEY_PREFIX": "imhcf",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }


def another_app_server(browser: Client | None = None) -> Client:
    """A fresh app server: nothing this process kept (its cache connections and their
    objects are made again from the settings), with `browser`'s cookies when given (the
    load balancer sent the same browser here)."""
    clear_cache_handlers(setting="CACHES")
    server = Client()
    if browser is not None:
        server.cookies = browser.cookies
    return server


def sign_in(server: Client, password: str = PASSWORD, username: str = "alice"):
    return server.post(reverse("account_login"), {"login": username, "password": password})


def session_keys(store: redis.Redis) -> list[bytes]:
    return store.keys("imhcf:*django.contrib.sessions.cached_db*")


def test_a_sign_in_on_one_app_server_is_known_to_another(shared_state, alice):
    first = another_app_server()
    assert sign_in(first).status_code == 302

    second = another_app_server(first)
    page = second.get(reverse(DASHBOARD))

    assert page.status_code == 200
    assert page.context["user"] == alice
    assert len(session_keys(shared_state)) == 1


def test_a_session_outlives_emptying_redis(shared_state, alice):
    first = another_app_server()
    sign_in(first)

    shared_state.flushdb()  # Redis restarted: it keeps nothing on disk
    second = another_app_server(first)
    page = second.get(reverse(DASHBOARD))

    assert page.status_code == 200 and page.context["user"] == alice
    assert len(session_keys(shared_state)) == 1  # read from the database, cached again


def test_failed_sign_ins_on_one_app_server_count_on_another(settings, shared_state, alice):
    # django-axes counts in the database, shared already; this test is about allauth's
    # counts (ACCOUNT_RATE_LIMITS "login_failed": five per account and address), kept in
    # the cache.
    settings.AXES_FAILURE_LIMIT = 100
    first = another_app_server()
    for _ in range(5):
        assert sign_in(first, password="wrong-password").status_code == 200

    second = another_app_server()
    refused = sign_in(second)

    assert "Too many wrong tries" in refused.content.decode()  # allauth's, in our words
    assert "_auth_user_id" not in second.session
    shared_state.flushdb()  # the counts lived in Redis: gone with it
    assert sign_in(another_app_server()).status_code == 302


def test_a_page_reads_the_session_from_redis_not_the_database(shared_state, alice):
    first = another_app_server()
    sign_in(first)
    second = another_app_server(first)
    second.get(reverse("catalogue:glossary"))  # the person's last-seen time is written now

    with CaptureQueriesContext(connection) as queries:
        page = second.get(reverse("catalogue:glossary"))

    assert page.status_code == 200 and page.context["user"] == alice
    assert [q["sql"] for q in queries if "django_session" in q["sql"]] == []
    # The person (with her roles, security.roles) and the terms; the session costs none.
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_the_same_page_on_database_sessions_costs_one_query_more(settings, alice):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    browser = Client()
    sign_in(browser)
    browser.get(reverse("catalogue:glossary"))

    with CaptureQueriesContext(connection) as queries:
        browser.get(reverse("catalogue:glossary"))

    assert len([q for q in queries if "django_session" in q["sql"]]) == 1
    assert len(queries) == 3


def test_the_cached_catalogue_pages_are_shared_between_app_servers(
    shared_state, catalogue, django_assert_num_queries
):
    another_app_server().get("/courses/glasgow-imh-msc/")

    with django_assert_num_queries(0):
        page = another_app_server().get("/courses/glasgow-imh-msc/")

    assert page.status_code == 200
    assert shared_state.get("imhcf:1:catalogue:version") is not None


def test_with_redis_down_people_still_sign_in_and_keep_their_session(settings, alice):
    """Redis unreachable (a port nobody listens on): the cache answers "not cached", the
    session is read from and written to the database, and the pages answer as usual."""
    from tests.mail import free_port

    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/0")
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    browser = another_app_server()
    assert sign_in(browser).status_code == 302
    page = another_app_server(browser).get(reverse("assessments:dashboard"))
    assert page.status_code == 200 and page.context["user"] == alice
    assert another_app_server().get("/courses/").status_code == 200  # rendered afresh
