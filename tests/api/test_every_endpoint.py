"""Every endpoint the API's OpenAPI description documents, called by a client built from
that description (each path with its parameters filled in, each request body made from
its schema) as every kind of caller, and every answer it lets through checked against
the description's own schema for it. A new endpoint is walked without anyone adding it
here; one this walk cannot place fails test_every_endpoint_has_an_audience.

Who may call what:
  public        anyone, with or without a sign-in or a key
  own           anyone signed in, about herself; never by an organisation's key
  organisation  its training leads and the site's admins with their session, and keys of
                that organisation (a write needs a write key); anyone else 404, a bad
                key 401, a read key writing 403"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openapi_schema_validator import OAS31Validator

from assessments.models import Organisation
from catalogue.models import Course
from tests.factories import TrainingLeadFactory, UserFactory, api_key, with_authenticator

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "practitioner",  # Alice, a member of North locality (Trust A)
    "manager",  # Mina manages North locality, leads nothing
    "lead",  # Tess leads Trust A
    "other_lead",  # leads Trust B
    "admin",  # a site admin: every organisation, as a lead
    "read_key",  # Trust A's read key
    "write_key",  # Trust A's write key
    "other_key",  # Trust B's write key
    "revoked_key",  # Trust A's write key, revoked
]
SESSIONS = {"practitioner", "manager", "lead", "other_lead", "admin"}


def audience(path: str) -> str | None:
    if path.startswith("/api/v1/me/"):
        return "own"
    if path.startswith("/api/v1/organisations/"):
        return "organisation"
    if re.match(r"^/api/v1/(framework|courses)/", path):
        return "public"
    return None


def expected(audience: str, role: str, path: str, method: str) -> set[int]:
    """The status codes `role` may get from this operation."""
    ok = {200, 201} if method == "post" else {200}
    if audience == "public":
        return ok
    if role == "anonymous":
        return {401, 403}
    if audience == "own":
        return ok if role in SESSIONS else {401, 403}
    # The organisation API.
    if role == "revoked_key":
        return {401}
    if path == "/api/v1/organisations/":  # the list of what the caller may see
        return ok
    if role in {"lead", "admin", "write_key"}:
        return ok
    if role == "read_key":
        return {403} if method != "get" else ok
    return {404}


def resolved(node: Any, components: dict) -> Any:
    """The schema with every $ref to a component written out in place."""
    if isinstance(node, dict):
        if "$ref" in node:
            return resolved(components[node["$ref"].rsplit("/", 1)[1]], components)
        return {key: resolved(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [resolved(value, components) for value in node]
    return node


def example(schema: dict, name: str = "") -> Any:
    """A value the schema accepts, as a client generated from it would send: required
    fields only, the first choice where there are choices."""
    if "enum" in schema:
        return next(value for value in schema["enum"] if value not in ("", None))
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", list(schema.get("properties", {})))
        return {
            field: example(schema["properties"][field], field)
            for field in required
            if field in schema.get("properties", {})
        }
    if kind == "array":
        return [example(schema["items"], name)]
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if schema.get("format") == "email" or name == "email":
        return "new.starter@trust-a.example"
    if name == "team":
        return "North locality"
    if name == "name":
        return "New Starter"
    return "x"


def operations(document: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


@pytest.fixture
def world(catalogue, team, manager, tess, admin_user) -> dict:
    """Trust A (North locality: Alice, Bob; Mina manages it; Tess leads it), Trust B with
    its own lead, a site admin, and Trust A's and Trust B's keys."""
    trust_b = Organisation.objects.create(name="Trust B")
    other_lead = with_authenticator(UserFactory(username="olga"))
    TrainingLeadFactory(organisation=trust_b, user=other_lead)
    revoked, revoked_key = api_key(team.organisation, scope="write", name="Old")
    revoked.revoked = True
    revoked.save()
    return {
        "users": {
            "practitioner": team.memberships.get(user__username="alice").user,
            "manager": manager,
            "lead": tess,
            "other_lead": other_lead,
            "admin": admin_user,
        },
        "keys": {
            "read_key": api_key(team.organisation, scope="read")[1],
            "write_key": api_key(team.organisation, scope="write")[1],
            "other_key": api_key(trust_b, scope="write")[1],
            "revoked_key": revoked_key,
        },
        "values": {
            "slug": Course.objects.order_by("pk").first().slug,
            "id": str(team.organisation_id),
            "pk": str(team.organisation_id),
            "team": str(team.pk),
        },
    }


@pytest.fixture
def document(client: Client, catalogue) -> dict:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_description_is_made_without_a_warning(tmp_path):
    # A warning means a wrong description: two answers sharing one name, a credential
    # the description cannot say. The command fails on any.
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "api.yaml"))


def test_every_endpoint_has_an_audience(document):
    assert [path for path, _, _ in operations(document) if audience(path) is None] == []
    assert len(list(operations(document))) >= 14


def call(client: Client, world: dict, role: str, method: str, url: str, body: Any):
    client.logout()
    headers = {}
    if role in SESSIONS:
        client.force_login(world["users"][role])
    elif role.endswith("_key"):
        headers["authorization"] = f"Api-Key {world['keys'][role]}"
    if method == "get":
        return client.get(url, headers=headers)
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def test_every_documented_endpoint_answers_every_caller_as_described(client, world, document):
    components = document["components"]["schemas"]
    walked = 0
    for path, method, operation in operations(document):
        url = re.sub(r"\{(\w+)\}", lambda m: world["values"][m.group(1)], path)
        body = None
        if "requestBody" in operation:
            content = operation["requestBody"]["content"]["application/json"]
            examples = list(content.get("examples", {}).values())
            # The described example where there is one, as a client's author would send.
            body = (
                examples[0]["value"]
                if examples
                else example(resolved(content["schema"], components))
            )
        for role in ROLES:
            response = call(client, world, role, method, url, body)
            allowed = expected(audience(path), role, path, method)
            assert response.status_code in allowed, (
                method,
                path,
                role,
                response.status_code,
                response.content[:300],
            )
            assert response["Content-Type"].startswith("application/json"), (path, role)
            answer = operation["responses"].get(str(response.status_code))
            if response.status_code < 300:
                assert answer is not None, (path, response.status_code, "not described")
                schema = resolved(answer["content"]["application/json"]["schema"], components)
                OAS31Validator(schema).validate(response.json())
            walked += 1
    assert walked >= 14 * len(ROLES)
