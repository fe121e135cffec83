"""Signing in with a work account: django-allauth's OpenID Connect views, stricter in
two ways and kinder in one.

- The ID token's signature is always checked against the provider's published keys.
  allauth skips that check when the token came straight from the token endpoint (the
  specification allows it over TLS); we check it anyway, so a provider answering from
  the wrong key is refused whatever the transport.
- Microsoft Entra ID's multi-tenant endpoints ("common", "organizations") publish an
  issuer with a "{tenantid}" placeholder: the token's own tenant (its "tid") is put in
  its place, and, when the provider's settings list "allowed_tenants", must be one.
- A provider that does not answer gets a page saying so, not a server error; nothing is
  made or changed.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import jwt
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from requests import RequestException

from ..security import audit

TENANT = "{tenantid}"


class WorkAccountOIDCAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        issuer: str = self.openid_config["issuer"]
        if TENANT in issuer:
            try:
                tenant = str(jwt.decode(id_token, options={"verify_signature": False})["tid"])
            except (jwt.PyJWTError, KeyError) as error:
                raise OAuth2Error("The ID token names no tenant") from error
            allowed = app.settings.get("allowed_tenants") or []
            if allowed and tenant not in allowed:
                raise OAuth2Error("This tenant is not allowed")
            issuer = issuer.replace(TENANT, tenant)
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=issuer,
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


def _unreachable(request: HttpRequest, provider_id: str, error: Exception) -> HttpResponse:
    audit.event(
        "signin.work_account_unreachable",
        request,
        level=logging.WARNING,
        provider=provider_id,
        error=type(error).__name__,
    )
    return render(request, "socialaccount/provider_down.html", status=503)


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        adapter = WorkAccountOIDCAdapter(request, provider_id)
        view = OAuth2LoginView.adapter_view(adapter)
        response: HttpResponse = view(request)
        if request.method == "GET":
            # The confirmation page's form is answered with a redirect to the provider,
            # and browsers hold that redirect to the page's form-action ('self').
            endpoint = urlsplit(adapter.authorize_url)
            origin = f"{endpoint.scheme}://{endpoint.netloc}"
            response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]
        return response
    except SocialApp.DoesNotExist as error:
        raise Http404("No such work account provider") from error
    except RequestException as error:
        return _unreachable(request, provider_id, error)


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(WorkAccountOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
        return response
    except SocialApp.DoesNotExist as error:
        raise Http404("No such work account provider") from error
    except RequestException as error:
        return _unreachable(request, provider_id, error)
