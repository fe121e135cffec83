"""Organisation API keys (assessments/api/organisations/keys.py and
access.api_organisation): a key reads its own organisation only, a read key never
writes, a revoked, expired or mistyped key is refused at once.

The first tests use a probe view built the way every organisation endpoint is built
(the same authentication, permission, throttle and access helper), so the rules are
tested on their own."""

from datetime import timedelta

import pytest
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.api.organisations.keys import ORGANISATION_AUTH, KeyRateThrottle, SignedInOrKey
from assessments.models import Organisation
from assessments.security import access
from tests.factories import api_key

pytestmark = pytest.mark.django_db


class Probe(APIView):
    """Reads (GET) or writes (POST) one organisation, as the organisation endpoints do."""

    authentication_classes = ORGANISATION_AUTH
    permission_classes = [SignedInOrKey]
    throttle_classes = [KeyRateThrottle]

    def get(self, request, pk):
        organisation = access.api_organisation(request, pk)
        return Response({"organisation": organisation.name})

    def post(self, request, pk):
        organisation = access.api_organisation(request, pk, write=True)
        return Response({"written": organisation.name}, status=201)


urlpatterns = [
    path("probe/<int:pk>/", login_not_required(Probe.as_view()), name="probe"),
]
probe = pytest.mark.urls(__name__)


def by_key(key: str) -> dict:
    return {"authorization": f"Api-Key {key}"}


@pytest.fixture
def trust_b(catalogue) -> Organisation:
    """Another organisation, with nothing of Trust A's."""
    return Organisation.objects.create(name="Trust B")


@probe
def test_a_key_reads_its_own_organisation(client, team):
    _, key = api_key(team.organisation)
    response = client.get(f"/probe/{team.organisation_id}/", headers=by_key(key))
    assert response.status_code == 200
    assert response.json() == {"organisation": "Trust A"}


@probe
def test_a_key_never_sees_another_organisation(client, team, trust_b):
    _, key = api_key(team.organisation, scope="write")
    response = client.get(f"/probe/{trust_b.pk}/", headers=by_key(key))
    assert response.status_code == 404
    assert client.post(f"/probe/{trust_b.pk}/", headers=by_key(key)).status_code == 404


@probe
def test_a_revoked_key_is_refused_with_401(client, team):
    made, key = api_key(team.organisation)
    made.revoked = True
    made.save()
    response = client.get(f"/probe/{team.organisation_id}/", headers=by_key(key))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert "not valid" in response.json()["detail"]


@probe
def test_an_expired_or_mistyped_key_is_refused_with_401(client, team):
    _, expired = api_key(team.organisation, expiry_date=timezone.now() - timedelta(days=1))
    _, good = api_key(team.organisation)
    url = f"/probe/{team.organisation_id}/"
    assert client.get(url, headers=by_key(expired)).status_code == 401
    assert client.get(url, headers=by_key(good[:-1] + "x")).status_code == 401
    assert client.get(url, headers=by_key(good.split(".")[0])).status_code == 401
    assert client.get(url, headers={"authorization": "Api-Key"}).status_code == 401


@probe
def test_a_read_key_cannot_write_and_a_write_key_can(client, team):
    _, read = api_key(team.organisation, scope="read")
    _, write = api_key(team.organisation, scope="write")
    url = f"/probe/{team.organisation_id}/"
    refused = client.post(url, headers=by_key(read))
    assert refused.status_code == 403
    assert "can only read" in refused.json()["detail"]
    assert client.post(url, headers=by_key(write)).status_code == 201
    assert client.get(url, headers=by_key(write)).status_code == 200  # write implies read


@probe
def test_no_credentials_get_401_and_no_sign_in_page(client, team):
    response = client.get(f"/probe/{team.organisation_id}/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"


@probe
def test_a_lead_reads_her_organisation_with_her_session_and_not_another(client, tess, trust_b):
    client.force_login(tess)
    organisation = tess.leads.get().organisation_id
    assert client.get(f"/probe/{organisation}/").status_code == 200
    assert client.get(f"/probe/{trust_b.pk}/").status_code == 404


@probe
def test_an_admin_reads_any_organisation_with_her_session(client, admin_user, trust_b):
    client.force_login(admin_user)
    assert client.get(f"/probe/{trust_b.pk}/").status_code == 200


@probe
def test_a_session_without_its_second_factor_is_refused(client, team):
    from tests.factories import TrainingLeadFactory, UserFactory

    lead = UserFactory(username="lena")  # no authenticator: this sign-in gave no code
    TrainingLeadFactory(organisation=team.organisation, user=lead)
    client.force_login(lead)
    response = client.get(f"/probe/{team.organisation_id}/")
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


@probe
def test_a_practitioner_signed_in_sees_no_organisation(client, alice, team):
    client.force_login(alice)
    assert client.get(f"/probe/{team.organisation_id}/").status_code == 404


@probe
def test_a_key_used_is_marked_with_the_time_at_most_once_a_minute(
    client, team, django_assert_num_queries
):
    made, key = api_key(team.organisation)
    url = f"/probe/{team.organisation_id}/"
    with django_assert_num_queries(2):  # the key with its organisation; last used
        assert client.get(url, headers=by_key(key)).status_code == 200
    made.refresh_from_db()
    first = made.last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the key only: used within the minute
        client.get(url, headers=by_key(key))
    made.refresh_from_db()
    assert made.last_used_at == first
