"""How the OpenAPI description says the API's credentials (drf-spectacular's extensions,
registered when AssessmentsConfig.ready() imports this module), and its last touches
(post-processing hooks)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

EMPTY_TEXT = {"type": "string", "maxLength": 0}


def _null_allowed(node: Any) -> Any:
    if isinstance(node, list):
        return [_null_allowed(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _null_allowed(value) for key, value in node.items()}
    # A text field that may be left empty is "a web address (or an e-mail address) or
    # nothing": "" is both when formats are not checked, and "oneOf" wants exactly one.
    if EMPTY_TEXT in node.get("oneOf", []):
        node["anyOf"] = node.pop("oneOf")
    if node.pop("nullable", False):
        kind = node.get("type")
        if isinstance(kind, str):
            node["type"] = [kind, "null"]
        elif isinstance(kind, list):
            node["type"] = [*kind, "null"] if "null" not in kind else kind
        else:
            return {"oneOf": [node, {"type": "null"}]}
    return node


def nullable_as_json_schema(result: dict, generator: Any, request: Any, public: Any) -> dict:
    """OpenAPI 3.1 says "may be null" as JSON Schema does (a "null" type); REST
    framework's pagination schema (and anything else written for 3.0) still says
    "nullable", which 3.1 no longer has, so a generated client would refuse a null
    `next` on the last page. And an optional web address is "anyOf" an address or
    nothing, so a client that does not check formats accepts ""."""
    return _null_allowed(result)


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "assessments.api.personal_keys.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "One of your own API tokens (made on your account page, shown "
            "once): reads your own record only.",
        }


class OrganisationKeyScheme(OpenApiAuthenticationExtension):
    target_class = "assessments.api.organisations.keys.OrganisationKeyAuthentication"
    name = "organisationKey"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An organisation\'s API key, sent as "Api-Key <key>" (made by a '
            "training lead on the organisation's API keys page, shown once): reads that "
            "organisation only, and with the write scope adds staff.",
        }
