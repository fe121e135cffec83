"""The health probe (`imhcf/health.py`) answers the reverse proxy at `/healthz/`."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from imhcf.health import health


def test_the_health_probe_is_served_from_the_project_not_the_catalogue():
    assert resolve("/healthz/").func is health


@pytest.mark.django_db
def test_health_check_answers_ok_with_one_query_and_is_never_cached(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok"
    assert len(queries) == 1
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
