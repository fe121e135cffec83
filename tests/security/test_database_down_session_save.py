"""The database going down between reading a session and writing it back is a 503 with
Retry-After, not a 400: Django's session middleware reports the failed update as
SessionInterrupted ("Bad Request"), which `make faults` met on a save sent while
PostgreSQL restarted. Django's own middleware and handlers all the way; the view stands
in for a page during which the database went away."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import BadRequest
from django.core.handlers.exception import convert_exception_to_response
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from assessments.security.unavailable import RETRY_AFTER_SECONDS, bad_request, database_down
from tests.security.test_database_down import Outage

pytestmark = pytest.mark.django_db


def test_a_session_that_cannot_be_saved_because_the_database_went_down_answers_503(tmp_path):
    session = SessionStore()
    session["seen"] = 1
    session.create()
    outage = Outage(tmp_path)

    def page(request):
        request.session["seen"] = 2  # read (on the database), changed: saved on the way out
        outage.__enter__()
        return HttpResponse("the page")

    request = RequestFactory().get("/me/")
    request.COOKIES["sessionid"] = session.session_key
    try:
        response = convert_exception_to_response(SessionMiddleware(page))(request)
    finally:
        outage.__exit__()
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "The service is briefly unavailable" in response.content.decode()
    assert SessionStore(session.session_key).load() == {"seen": 1}


def test_a_bad_request_with_the_database_up_is_still_a_400():
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        try:
            raise ValueError("raised while handling it")
        except ValueError as handled:
            assert database_down(handled)
    response = bad_request(RequestFactory().get("/"), BadRequest("a malformed request"))
    assert response.status_code == 400
