"""What a program meets when it sends the API something wrong: an answer in JSON that
says what, never a page and never a 500."""

import json

import pytest
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from assessments.models import Invite
from tests.factories import api_key


def by_key(key: str) -> dict:
    return {"authorization": f"Api-Key {key}"}


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/courses/x/y/z/", "/api/v2/framework/", "/api/"]
)
def test_a_path_that_is_no_endpoint_is_a_404_in_json(client: Client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "There is no such endpoint."
    assert response.json()["endpoints"].endswith("/api/v1/schema/")


def test_the_public_endpoints_slow_down_one_address_that_calls_too_often(
    client: Client, catalogue, monkeypatch
):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/min")

    answers = [client.get("/api/v1/courses/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    response = client.get("/api/v1/framework/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"].lower()


def test_her_own_record_is_counted_apart_from_the_public_calls_of_her_address(
    client: Client, alice, monkeypatch
):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "1/min")
    client.get("/api/v1/courses/")
    assert client.get("/api/v1/courses/").status_code == 429  # public: counted per address
    client.force_login(alice)

    assert client.get("/api/v1/me/").status_code == 200  # hers: counted per person


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_a_read_only_endpoint_is_a_405_in_json(client: Client, alice, method):
    client.force_login(alice)

    response = getattr(client, method)("/api/v1/me/", "{}", content_type="application/json")

    assert response.status_code == 405  # the test client sends no CSRF check to fail
    assert response["Content-Type"] == "application/json"


@pytest.fixture
def write_key(team, tess) -> str:
    return api_key(team.organisation, scope="write", made_by=tess)[1]


def staff_url(team) -> str:
    return f"/api/v1/organisations/{team.organisation_id}/staff/"


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, team, write_key, settings):
    settings.IMHCF_API_MAX_BODY = 1000
    body = json.dumps({"staff": [{"name": "x" * 2000}]})

    response = client.post(
        staff_url(team), body, content_type="application/json", headers=by_key(write_key)
    )

    assert response.status_code == 413
    assert "larger than 1,000 bytes" in response.json()["detail"]
    assert not Invite.objects.exists()


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ("", "application/json"),
        ('{"staff": [}', "application/json"),
        ("name,email\nSam,sam@x.example", "text/csv"),
        ("\x00\x01\x02", "application/json"),
    ],
)
def test_a_body_that_is_not_json_is_a_4xx_in_json_never_a_500(
    client, team, write_key, body, content_type
):
    response = client.post(
        staff_url(team), body, content_type=content_type, headers=by_key(write_key)
    )

    assert response.status_code in (400, 415)
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert not Invite.objects.exists()
