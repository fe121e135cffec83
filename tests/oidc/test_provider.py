"""The test identity provider on its own, as a real client sees it: discovery, the code
flow with PKCE driven through its login form, the ID Token against the published keys,
userinfo, and the two broken modes the sign-in tests rely on."""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest
import requests

REDIRECT_URI = "http://127.0.0.1:9/accounts/oidc/work/login/callback/"  # never requested


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def discovery(provider) -> dict:
    response = requests.get(provider.discovery_url, timeout=5)
    response.raise_for_status()
    return response.json()


def follow(session, response):
    """Follow redirects; stop at the client's redirect URI (never requested: returns its
    query as a dict) or at a page (returns the response)."""
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(REDIRECT_URI):
            return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
        response = session.get(location, allow_redirects=False, timeout=5)
    return response


def authorize(provider, account, *, challenge, cancel=False, session=None) -> dict:
    """Start at the authorization endpoint, type `account` in the login form (or press
    Cancel) and follow the redirects back to the client; returns the callback's query."""
    params = {
        "client_id": provider.client_id,
        "response_type": "code",
        "scope": "openid email profile",
        "redirect_uri": provider.redirect_uri,
        "state": "st4te",
        "nonce": "n0nce",
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    session = session or requests.Session()
    endpoint = discovery(provider)["authorization_endpoint"]
    page = follow(session, session.get(endpoint, params=params, allow_redirects=False, timeout=5))
    if isinstance(page, dict):  # answered without a page: refused, or already signed in
        return page
    assert page.status_code == 200, page.text
    assert '<label for="account">Account</label>' in page.text
    actions = re.findall(r'<form method="post" action="([^"]+)"', page.text)
    action = next(a for a in actions if a.endswith("/abort" if cancel else "/login"))
    answer = session.post(
        urljoin(page.url, action), data={"account": account}, allow_redirects=False, timeout=5
    )
    callback = follow(session, answer)
    assert isinstance(callback, dict), f"never came back: {callback.status_code} {callback.text}"
    return callback


def exchange(
    provider, code, verifier, *, auth="client_secret_post", secret=None
) -> requests.Response:
    secret = secret or provider.client_secret
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": provider.redirect_uri,
        "code_verifier": verifier,
    }
    basic = None
    if auth == "client_secret_post":
        data |= {"client_id": provider.client_id, "client_secret": secret}
    else:
        basic = (provider.client_id, secret)
    return requests.post(discovery(provider)["token_endpoint"], data=data, auth=basic, timeout=5)


def sign_in(provider, account="nurse@trust.nhs.uk", auth="client_secret_post") -> dict:
    """The whole code flow; returns the token endpoint's answer."""
    verifier, challenge = pkce_pair()
    callback = authorize(provider, account, challenge=challenge)
    assert callback["state"] == "st4te"
    response = exchange(provider, callback["code"], verifier, auth=auth)
    assert response.status_code == 200, response.text
    return response.json()


def verify(provider, id_token) -> dict:
    """Verify the ID Token as a careful client would: the published key with its kid,
    the discovery document's issuer, this client as audience."""
    config = discovery(provider)
    jwks = jwt.PyJWKSet.from_dict(requests.get(config["jwks_uri"], timeout=5).json())
    key = jwks[jwt.get_unverified_header(id_token)["kid"]]
    return jwt.decode(
        id_token,
        key=key,
        algorithms=["RS256"],
        audience=provider.client_id,
        issuer=config["issuer"],
    )


@pytest.fixture
def provider(start_oidc):
    return start_oidc(REDIRECT_URI)


def test_discovery_names_its_own_issuer_and_asks_for_pkce(provider):
    config = discovery(provider)

    assert config["issuer"] == provider.issuer
    assert config["jwks_uri"].startswith(provider.issuer)
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert set(config["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "email", "profile"} <= set(config["scopes_supported"])


@pytest.mark.parametrize("auth", ["client_secret_post", "client_secret_basic"])
def test_the_code_flow_gives_an_id_token_signed_by_the_published_key(provider, auth):
    tokens = sign_in(provider, auth=auth)

    claims = verify(provider, tokens["id_token"])
    assert claims["iss"] == provider.issuer
    assert claims["aud"] == provider.client_id
    assert claims["nonce"] == "n0nce"
    assert claims["sub"] == "nurse-0001"
    assert claims["email"] == "nurse@trust.nhs.uk"
    assert claims["email_verified"] is True


def test_userinfo_gives_the_email_and_profile_claims(provider):
    tokens = sign_in(provider)

    response = requests.get(
        discovery(provider)["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "sub": "nurse-0001",
        "email": "nurse@trust.nhs.uk",
        "email_verified": True,
        "given_name": "Ana",
        "family_name": "Nurse",
        "name": "Ana Nurse",
    }


def test_an_unverified_address_says_so(provider):
    claims = verify(provider, sign_in(provider, "unverified@trust.nhs.uk")["id_token"])

    assert claims["email"] == "unverified@trust.nhs.uk"
    assert claims["email_verified"] is False


def test_without_pkce_the_request_is_refused(provider):
    callback = authorize(provider, "nurse@trust.nhs.uk", challenge=None)

    assert callback["error"] == "invalid_request"
    assert "PKCE" in callback["error_description"]


def test_a_wrong_code_verifier_gets_no_tokens(provider):
    _verifier, challenge = pkce_pair()
    callback = authorize(provider, "nurse@trust.nhs.uk", challenge=challenge)

    response = exchange(provider, callback["code"], pkce_pair()[0])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_gets_no_tokens(provider):
    verifier, challenge = pkce_pair()
    callback = authorize(provider, "nurse@trust.nhs.uk", challenge=challenge)

    response = exchange(provider, callback["code"], verifier, secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_an_unknown_account_is_asked_again(provider):
    session = requests.Session()
    _verifier, challenge = pkce_pair()
    params = {
        "client_id": provider.client_id,
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": provider.redirect_uri,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = session.get(discovery(provider)["authorization_endpoint"], params=params, timeout=5)
    action = re.search(r'action="([^"]+/login)"', page.text)[1]

    again = session.post(urljoin(page.url, action), data={"account": "nobody@example.org"})

    assert again.status_code == 200
    assert "No account called nobody@example.org." in again.text
    assert 'value="nobody@example.org"' in again.text


def test_a_second_sign_in_in_the_same_browser_skips_the_form(provider):
    browser = requests.Session()
    authorize(provider, "other@trust.nhs.uk", challenge=pkce_pair()[1], session=browser)
    verifier, challenge = pkce_pair()

    # No page at all: the provider's session and the saved grant answer at once.
    callback = authorize(provider, "", challenge=challenge, session=browser)

    tokens = exchange(provider, callback["code"], verifier).json()
    assert verify(provider, tokens["id_token"])["email"] == "other@trust.nhs.uk"


def test_cancelling_at_the_provider_sends_access_denied_back(provider):
    callback = authorize(provider, "", challenge=pkce_pair()[1], cancel=True)

    assert callback["error"] == "access_denied"


def test_bad_signature_mode_signs_with_a_key_not_in_the_jwks(provider):
    broken = provider.variant("bad-signature")

    id_token = sign_in(broken)["id_token"]

    assert discovery(broken)["issuer"] == broken.issuer
    published = requests.get(discovery(broken)["jwks_uri"], timeout=5).json()["keys"]
    assert [key["kid"] for key in published] == [jwt.get_unverified_header(id_token)["kid"]]
    with pytest.raises(jwt.InvalidSignatureError):
        verify(broken, id_token)
    # Everything but the signature is as a good provider would send it.
    claims = jwt.decode(id_token, options={"verify_signature": False})
    assert claims["iss"] == broken.issuer
    assert claims["email"] == "nurse@trust.nhs.uk"


def test_wrong_issuer_mode_gives_another_iss_under_a_good_signature(provider):
    broken = provider.variant("wrong-issuer")

    id_token = sign_in(broken)["id_token"]

    with pytest.raises(jwt.InvalidIssuerError):
        verify(broken, id_token)
    claims = jwt.decode(
        id_token,
        key=jwt.PyJWKSet.from_dict(requests.get(f"{broken.issuer}/jwks", timeout=5).json())[
            jwt.get_unverified_header(id_token)["kid"]
        ],
        algorithms=["RS256"],
        audience=broken.client_id,
    )
    assert claims["iss"] != discovery(broken)["issuer"]
    assert claims["email"] == "nurse@trust.nhs.uk"


def test_a_variant_keeps_the_client_but_has_its_own_issuer(provider):
    other = provider.variant("good")

    assert (other.client_id, other.client_secret) == (provider.client_id, provider.client_secret)
    assert other.redirect_uri == provider.redirect_uri
    assert other.issuer != provider.issuer
    verify(other, sign_in(other)["id_token"])
