"""What a program meets when it sends the API something wrong: an answer in JSON that
says what, never a page and never a 500."""

import pytest
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

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

    assert response.status_code in (403, 405)  # 403: CSRF is checked first for a session
    assert response["Content-Type"] == "application/json"
