"""Organisation API keys (assessments/api/organisations/keys.py and
access.api_organisation): a key reads its own organisation only, a read key never
writes, a revoked, expired or mistyped key is refused at once.

The first tests use a probe view built the way every organisation endpoint is built
(the same authentication, permission, throttle and access helper), so the rules are
tested on their own."""

import logging
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils import timezone
from django.utils.timezone import localtime
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.api.organisations.keys import ORGANISATION_AUTH, KeyRateThrottle, SignedInOrKey
from assessments.models import Organisation, OrganisationAPIKey
from assessments.security import access
from catalogue.models import Course
from tests.factories import (
    TeamFactory,
    TrainingLeadFactory,
    UserFactory,
    api_key,
    with_authenticator,
)
from tests.queries import count_queries
from tests.security.helpers import a_new_period, code, prove_again

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
    path("", include("imhcf.urls")),
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


# The lead's page: /me/organisations/<pk>/api-keys/ ------------------------------------


def make(client, organisation_id: int, name: str = "Board report", scope: str = "read"):
    return client.post(
        reverse("assessments:api_key_new", args=[organisation_id]), {"name": name, "scope": scope}
    )


@probe
def test_making_a_key_asks_who_she_is_then_shows_the_key_once(client, tess, team):
    client.force_login(tess)
    asked = make(client, team.organisation_id)
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert not OrganisationAPIKey.objects.exists()  # nothing made before she proves it
    # The code from her app; allauth then answers the POST it kept.
    to_code = client.get(asked["Location"])
    assert to_code["Location"].startswith(reverse("mfa_reauthenticate"))
    a_new_period()
    shown = client.post(to_code["Location"], {"code": code()})
    assert shown.status_code == 200, shown.get("Location")
    made = OrganisationAPIKey.objects.get()
    secret = shown.context["secret"]
    assert secret.startswith(made.prefix + ".") and secret in shown.content.decode()
    assert "it will not be shown again" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert secret not in made.hashed_key and secret not in made.pk  # only its hash is kept
    assert (made.name, made.scope, made.made_by, made.organisation) == (
        "Board report",
        "read",
        tess,
        team.organisation,
    )
    listing = client.get(reverse("assessments:api_keys", args=[team.organisation_id]))
    page = listing.content.decode()
    assert secret not in page and secret.split(".")[1] not in page
    assert f"{made.prefix}…" in page and "Board report" in page and "never" in page
    assert secret not in str(dict(client.session))  # nor kept in her session


@probe
def test_a_key_without_a_name_is_not_made_and_her_choice_is_kept(client, tess, team):
    client.force_login(tess)
    prove_again(client)
    response = make(client, team.organisation_id, name="  ", scope="write")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["form"].errors["name"]
    assert response.context["form"]["scope"].value() == "write"
    assert not OrganisationAPIKey.objects.exists()


@probe
def test_a_revoked_key_stops_working_at_once(client, tess, team):
    made, key = api_key(team.organisation, scope="write")
    program = Client()
    url = f"/probe/{team.organisation_id}/"
    assert program.get(url, headers=by_key(key)).status_code == 200
    client.force_login(tess)
    revoke = reverse("assessments:api_key_revoke", args=[team.organisation_id, made.prefix])
    confirm = client.get(revoke)
    assert "stops working at once" in confirm.content.decode()
    assert program.get(url, headers=by_key(key)).status_code == 200  # asking is not revoking
    done = client.post(revoke)
    assert done["Location"] == reverse("assessments:api_keys", args=[team.organisation_id])
    assert program.get(url, headers=by_key(key)).status_code == 401
    assert program.post(url, headers=by_key(key)).status_code == 401
    made.refresh_from_db()
    assert made.revoked and made.revoked_by == tess and made.revoked_at is not None
    page = client.get(done["Location"]).content.decode()
    assert "is revoked: it no longer works" in page and "Revoked on" in page


@probe
def test_another_organisations_lead_gets_404_for_its_keys(client, team, trust_b):
    made, key = api_key(team.organisation)
    uma = with_authenticator(UserFactory(username="uma"))
    TrainingLeadFactory(organisation=trust_b, user=uma)
    client.force_login(uma)
    org = team.organisation_id
    assert client.get(reverse("assessments:api_keys", args=[org])).status_code == 404
    assert make(client, org).status_code == 404  # not even asked who she is
    revoke = reverse("assessments:api_key_revoke", args=[org, made.prefix])
    assert client.post(revoke).status_code == 404
    # Nor through her own organisation: the key is looked for in it only.
    mine = reverse("assessments:api_key_revoke", args=[trust_b.pk, made.prefix])
    assert client.post(mine).status_code == 404
    made.refresh_from_db()
    assert not made.revoked
    assert not OrganisationAPIKey.objects.filter(organisation=team.organisation).exclude(pk=made.pk)


@probe
def test_the_page_shows_when_each_key_was_last_used(client, tess, team):
    used, key = api_key(team.organisation, name="Used one")
    api_key(team.organisation, name="Idle one")
    Client().get(f"/probe/{team.organisation_id}/", headers=by_key(key))
    used.refresh_from_db()
    client.force_login(tess)
    page = client.get(reverse("assessments:api_keys", args=[team.organisation_id]))
    rows = {key.name: key for key in page.context["keys"]}
    assert rows["Used one"].last_used_at == used.last_used_at
    text = page.content.decode()
    assert localtime(used.last_used_at).strftime("%-d %B %Y, %H:%M") in text
    assert rows["Idle one"].last_used_at is None and ">never<" in text


@probe
def test_the_keys_page_costs_the_same_for_one_key_or_twenty(client, tess, team):
    client.force_login(tess)
    url = reverse("assessments:api_keys", args=[team.organisation_id])
    api_key(team.organisation, made_by=tess)
    one = count_queries(client, url)
    for n in range(19):
        api_key(team.organisation, name=f"Key {n}", made_by=tess)
    assert len(client.get(url).context["keys"]) == 20
    assert count_queries(client, url) == one


@probe
def test_the_organisation_page_links_to_its_keys(client, tess, team):
    client.force_login(tess)
    page = client.get(reverse("assessments:organisation", args=[team.organisation_id]))
    assert reverse("assessments:api_keys", args=[team.organisation_id]) in page.content.decode()


# Throttling and the log ------------------------------------------------------------------


@probe
def test_a_key_past_its_rate_gets_429_with_retry_after_and_another_key_does_not(
    client, team, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
            "organisation_key": "2/min",
        },
    }
    _, busy = api_key(team.organisation)
    _, other = api_key(team.organisation)
    url = f"/probe/{team.organisation_id}/"
    assert [client.get(url, headers=by_key(busy)).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url, headers=by_key(busy))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused["Content-Type"] == "application/json"
    assert client.get(url, headers=by_key(other)).status_code == 200


@probe
def test_every_use_of_a_key_is_logged_with_its_prefix_never_the_key(client, team, caplog):
    made, key = api_key(team.organisation)
    revoked, revoked_key = api_key(team.organisation, revoked=True)
    url = f"/probe/{team.organisation_id}/"
    with caplog.at_level(logging.INFO, logger="imhcf.security"):
        client.get(url, headers=by_key(key))
        client.get(url, headers=by_key(key))
        client.post(url, headers=by_key(key))  # refused: it only reads, and still a use
        client.get(url, headers=by_key(revoked_key))
    lines = [r.getMessage() for r in caplog.records if r.name == "imhcf.security"]
    used = [line for line in lines if "event=api_key.used" in line]
    assert len(used) == 3
    assert all(f"key='{made.prefix}'" in line for line in used)
    assert f"organisation={team.organisation_id}" in used[0] and "method='GET'" in used[0]
    refused = [line for line in lines if "event=api_key.refused" in line]
    assert len(refused) == 1 and f"key='{revoked.prefix}'" in refused[0]
    assert "reason='revoked'" in refused[0]
    for secret in (key, revoked_key):
        assert all(secret.split(".")[1] not in line for line in lines)


@probe
def test_making_and_revoking_a_key_are_logged(client, tess, team, caplog):
    client.force_login(tess)
    prove_again(client)
    with caplog.at_level(logging.INFO, logger="imhcf.security"):
        shown = make(client, team.organisation_id)
        made = OrganisationAPIKey.objects.get()
        client.post(reverse("assessments:api_key_revoke", args=[team.organisation_id, made.prefix]))
    lines = [r.getMessage() for r in caplog.records if r.name == "imhcf.security"]
    assert any("event=api_key.made" in line and made.prefix in line for line in lines)
    assert any("event=api_key.revoked" in line and made.prefix in line for line in lines)
    secret = shown.context["secret"]
    assert all(secret.split(".")[1] not in line for line in lines)


# The walk: every URL of the API × every kind of key ----------------------------------
#
# Found by walking the URL configuration, so an endpoint added later is walked too; its
# parameters come from the fixtures below (a new parameter name fails the walk until it
# is given one here). What each kind of URL must answer:
#   organisation  /api/v1/organisations/…: no credentials, a revoked, expired or
#                 mistyped key → 401; a key of Trust A reads Trust A (200); a read key
#                 writing → 403; a write key writing gets through (here 400: the body is
#                 empty); a key of Trust B → 404 for anything of Trust A, and never a
#                 word of Trust A where it names no organisation
#   own record    /api/v1/me/…: her session only; any key, good or bad → 401 or 403
#   public        everything else: a key changes nothing (same answer as without)


@dataclass(frozen=True)
class ApiRoute:
    name: str
    route: str
    params: frozenset[str]
    methods: tuple[str, ...]

    @property
    def kind(self) -> str:
        if self.route.startswith("api/v1/organisations/"):
            return "organisation"
        if self.route.startswith("api/v1/me/"):
            return "own record"
        return "public"

    def writes(self) -> list[str]:
        return [m for m in self.methods if m != "get"]


def _api_routes(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _api_routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and namespace == "api" and pattern.name:
            view = getattr(pattern.callback, "cls", None) or getattr(
                pattern.callback, "view_class", None
            )
            methods = tuple(
                m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)
            ) or ("get",)
            yield ApiRoute(
                f"api:{pattern.name}",
                prefix + str(pattern.pattern),
                frozenset(pattern.pattern.regex.groupindex),
                methods,
            )


API_ROUTES = list(_api_routes(get_resolver().url_patterns))


def test_the_walk_sees_every_kind_of_api_url():
    kinds = {route.kind for route in API_ROUTES}
    assert kinds == {"organisation", "own record", "public"}
    assert len([r for r in API_ROUTES if r.kind == "organisation" and "pk" in r.params]) >= 3


@pytest.fixture
def cast(team, tess, catalogue):
    """Trust A (North locality: Alice and Bob; Tess leads it) and Trust B (East
    locality; Uma leads it), and keys, each made by its organisation's lead: Trust A's
    read and write keys, a revoked and an expired write key of Trust A, and Trust B's
    write key."""
    trust_b = Organisation.objects.create(name="Trust B")
    east = TeamFactory(name="East locality", organisation=trust_b)
    uma = TrainingLeadFactory(organisation=trust_b, user__username="uma").user
    past = timezone.now() - timedelta(days=1)
    a = team.organisation
    return {
        "a": a,
        "team_a": team,
        "b": trust_b,
        "team_b": east,
        "course": Course.objects.order_by("pk").first(),
        "read": api_key(a, scope="read", made_by=tess)[1],
        "write": api_key(a, scope="write", made_by=tess)[1],
        "revoked": api_key(a, scope="write", made_by=tess, revoked=True)[1],
        "expired": api_key(a, scope="write", made_by=tess, expiry_date=past)[1],
        "other": api_key(trust_b, scope="write", made_by=uma)[1],
    }


def _url(route: ApiRoute, cast, *, org: str = "a", team: str = "team_a") -> str:
    given = {"pk": cast[org].pk, "team": cast[team].pk, "slug": cast["course"].slug}
    missing = route.params - set(given)
    assert not missing, f"the walk has no value for {sorted(missing)} of {route.name}"
    return reverse(route.name, kwargs={name: given[name] for name in route.params})


def _call(client, method: str, url: str, authorization: str | None):
    headers = {"authorization": authorization} if authorization else {}
    if method == "get":
        return client.get(url, headers=headers)
    return getattr(client, method)(url, {}, content_type="application/json", headers=headers)


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: r.name)
def test_every_api_url_answers_each_key_as_it_should(client, cast, route):
    url = _url(route, cast)
    key = {name: f"Api-Key {cast[name]}" for name in ("read", "write", "revoked", "expired")}
    key["other"] = f"Api-Key {cast['other']}"
    malformed = "Api-Key not-a-key"
    for method in route.methods:
        status = {
            name: _call(client, method, url, authorization).status_code
            for name, authorization in {
                "none": None,
                **key,
                "malformed": malformed,
            }.items()
        }
        if route.kind == "public":
            assert set(status.values()) == {status["none"]}, (method, status)
            assert status["none"] == 200, (method, status)
        elif route.kind == "own record":
            assert set(status.values()) <= {401, 403}, (method, status)
        else:
            bad = {n: status[n] for n in ("none", "revoked", "expired", "malformed")}
            assert set(bad.values()) == {401}, (method, status)
            if method == "get":
                assert (status["read"], status["write"]) == (200, 200), status
            else:
                assert status["read"] == 403, (method, status)
                assert status["write"] in (200, 201, 202, 400), (method, status)
            if "pk" in route.params:
                assert status["other"] == 404, (method, status)
            else:  # a list of what the key may see: Trust B's own, nothing of Trust A
                answer = _call(client, method, url, key["other"])
                assert answer.status_code == 200, (method, answer.status_code)
                assert "Trust A" not in answer.content.decode(), route.name


@pytest.mark.parametrize(
    "route",
    [r for r in API_ROUTES if r.kind == "organisation" and "team" in r.params],
    ids=lambda r: r.name,
)
def test_a_key_never_reaches_another_organisations_team_through_its_own(client, cast, route):
    url = _url(route, cast, org="a", team="team_b")  # Trust A's address, Trust B's team
    for method in route.methods:
        answer = _call(client, method, url, f"Api-Key {cast['write']}")
        assert answer.status_code == 404, (method, answer.status_code)


@probe
def test_an_admin_revokes_a_key_in_admin_and_never_adds_one_there(client, admin_user, team):
    made, key = api_key(team.organisation)
    client.force_login(admin_user)
    changelist = reverse("admin:assessments_organisationapikey_changelist")
    listing = client.get(changelist)
    assert made.prefix in listing.content.decode() and key not in listing.content.decode()
    assert client.get(reverse("admin:assessments_organisationapikey_add")).status_code == 403
    client.post(changelist, {"action": "revoke", "_selected_action": [made.pk]})
    made.refresh_from_db()
    assert made.revoked and made.revoked_by == admin_user
    assert client.get(f"/probe/{team.organisation_id}/", headers=by_key(key)).status_code == 401
