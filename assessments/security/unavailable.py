"""The database down is a 503, not a 500. While PostgreSQL restarts (or SQLite's file
cannot be opened), connecting or querying raises OperationalError or InterfaceError;
every page then answers 503 Service Unavailable with Retry-After and a plain page that
says nothing about the server's insides. Other database errors (an IntegrityError, a
DataError) are bugs and stay 500s.

Two hooks, because Django hands errors over in two places:
- `DatabaseUnavailable.process_exception` sees what a view raises: most of them,
  answered with one warning in the log rather than a traceback per request.
- `server_error`, the project's handler500, sees the rest: Django turns an exception
  raised inside any middleware (the session read by AuthenticationMiddleware,
  SessionTimeouts or TwoFactorGate, the session write on the way out) into a response
  at that layer, by calling handler500, so no middleware further out ever sees it
  raised, wherever it sits in MIDDLEWARE.
- `bad_request`, the project's handler400, for the one error Django reports as the
  visitor's: a session row that cannot be updated (the database went down between
  reading the session and writing it back) becomes UpdateError, then SessionInterrupted,
  a 400 "Bad Request" page (found by `make faults`: a save sent while PostgreSQL
  restarted).

An error counts as the database being down when it, or an error it was raised while
handling, is one of DATABASE_DOWN.

Neither touches the database: the page is rendered without the request (no context
processors, no user, no session)."""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

# Errors that mean "the database cannot be reached now", not "this request is wrong".
DATABASE_DOWN: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
# A PostgreSQL restart takes seconds; a minute is what the page tells people.
RETRY_AFTER_SECONDS = 60
TEMPLATE = "503.html"

logger = logging.getLogger("imhcf.unavailable")


def database_down(exception: BaseException | None) -> bool:
    """Whether this exception, or one it was raised while handling (Django's session
    store turns OperationalError into UpdateError, then SessionInterrupted), means the
    database is unreachable for now."""
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, DATABASE_DOWN):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def _api_call(request: HttpRequest | None) -> bool:
    """An API call (/api/...) is answered in JSON, never with a page."""
    return request is not None and request.path.startswith("/api/")


def unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    """The plain 503 page with Retry-After (JSON for an API call), never stored by a
    browser or a proxy. No query: rendered without the request's context."""
    if _api_call(request):
        response: HttpResponse = JsonResponse(
            {"detail": "The service is briefly unavailable: try again in a minute."},
            status=503,
        )
    else:
        response = HttpResponse(loader.render_to_string(TEMPLATE), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailable:
    """Answers 503 for a view that raised because the database is unreachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_down(exception):
            return None
        first_line = next(iter(str(exception).strip().splitlines()), "")
        logger.warning(
            "database unavailable: %s %s: %s: %s",
            request.method,
            request.path,
            type(exception).__name__,
            first_line,
        )
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 when the error being handled is the database being unreachable
    (raised in a middleware, where process_exception never sees it); Django's own 500
    page otherwise. Django has already logged the error with its traceback."""
    if database_down(sys.exc_info()[1]):
        return unavailable_response(request)
    if _api_call(request):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    response: HttpResponseServerError = defaults.server_error(request)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a 503 when the request failed because the database is unreachable
    (a session that could not be saved); Django's own 400 page otherwise."""
    if database_down(exception):
        return unavailable_response(request)
    if _api_call(request):
        return JsonResponse({"detail": "The request could not be understood."}, status=400)
    response: HttpResponse = defaults.bad_request(request, exception)
    return response
