"""The public catalogue pages, kept whole in Django's cache for visitors who are not
signed in, and dropped all at once whenever any catalogue row changes.

A cached page costs no query: most visitors to the course list and course pages are
anonymous, and the catalogue changes only when an admin edits it or a loader runs. With
IMHCF_REDIS_URL the cache is Redis, so every app server serves the same copy and an
edit on one server is seen on all of them at once.

Invalidation is a version number kept in the cache: every page key carries it, and a
change to any catalogue row moves it on, at once and again after its transaction
commits (a request that read the rows as they were before the commit may have stored
its page under the new number meanwhile). Old pages are never read again and expire
on their own. Saves and deletes through the ORM move it by signal (admin,
`load_catalogue`, the wording import); bulk writes (`update()`, `bulk_create()`) send
no signal, so their callers call `catalogue_changed()` themselves.

What is never cached: a signed-in visitor's page (it names them and has a sign-out
form with a CSRF token), a page showing a message meant for one visitor, a page whose
rendering asked for a CSRF token or set a cookie, and anything but a 200. The pages
use no CSP nonce (the policy allows our own files only), so a stored copy stays valid.
Only the body and its type are stored: headers (CSP, security, `Vary`) are added by
the middleware on every response, cached or not.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "catalogue:version"
# An upper bound on how stale a page can be if a change ever bypassed
# `catalogue_changed()` (a raw SQL edit): edits through the app show at once.
PAGE_SECONDS = 15 * 60


def cached_for_visitors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page from the cache to anyone not signed in, and store it after
    rendering it for them. Costs two cache reads a visit; nothing for signed-in people."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _shareable(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        stored = _cache_call(cache.get, key) if key else None
        if stored is not None:
            content_type, body = stored
            response = HttpResponse(body, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if key and _storable(request, response):
                _cache_call(
                    cache.set, key, (response["Content-Type"], response.content), PAGE_SECONDS
                )
        # The same address shows another page to a signed-in visitor.
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def kept_data(request: HttpRequest, compute: Callable[[], Any]) -> Any:
    """What a public API endpoint answers at this address, kept like a page: computed
    once per catalogue version, then read from the cache (no query) by every caller, signed
    in or not (the answer names nobody). Only the data is kept: the API still checks its
    rate limits and renders it on each call."""
    key = _page_key(request) if request.method == "GET" else None
    if key is not None:
        key = key.replace("catalogue:page:", "catalogue:data:", 1)
        stored = _cache_call(cache.get, key)
        if stored is not None:
            return stored
    data = compute()
    if key is not None:
        _cache_call(cache.set, key, data, PAGE_SECONDS)
    return data


def catalogue_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Every cached catalogue page is out of date: now, for reads inside this transaction
    (the writer's own, e.g. a test or a loader's checks), and again once it commits, for
    the pages other requests rendered meanwhile from the rows as they were. The second
    is one cache write per transaction, however many rows changed."""
    _new_version()
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return
    current = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        # One is due at this commit already, and a rollback that undid it would undo
        # this change too.
        if isinstance(callback, _AfterCommit) and not callback.done and savepoints <= current:
            return
    transaction.on_commit(_AfterCommit(), using=using)


class _AfterCommit:
    """The version move due when the transaction commits; `done` once run (a test's
    captured callbacks stay listed after they run)."""

    done = False

    def __call__(self) -> None:
        self.done = True
        _new_version()


def row_changed(sender, *, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_save / post_delete receiver for every catalogue model (apps.py)."""
    catalogue_changed(using)


def _shareable(request: HttpRequest) -> bool:
    """A page everyone not signed in sees alike: no signed-in user, no message waiting."""
    if request.method != "GET":
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    # Counting loads the messages (cookie, or the session already read) without using them.
    return len(messages.get_messages(request)) == 0


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")  # a view that said how to keep it
    )


def _page_key(request: HttpRequest) -> str | None:
    """The page's key: catalogue version, then the full address with its query string
    (so each set of filters is its own page). None when the cache cannot be reached."""
    version = _cache_call(_current_version)
    if version is None:
        return None
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"catalogue:page:{version}:{address}"


def _current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A number no page was ever stored under, even if an older version was evicted.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _new_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # never set, or evicted: any fresh number will do
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception:
        # The edit is saved; pages may be stale for up to PAGE_SECONDS. Say so.
        logger.exception("catalogue pages could not be marked out of date")


def _cache_call(function: Callable, *args):
    """A cache that cannot be reached costs the page its cached copy, never the page."""
    try:
        return function(*args)
    except Exception:
        logger.warning("cache unavailable for the catalogue pages", exc_info=True)
        return None
