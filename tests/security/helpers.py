"""Signing in as a person does it: allauth's sign-in page, then its code page with codes
from a real TOTP clock, and the set-up page read the way a person reads it."""

import re
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD, TOTP_SECRET


def code(secret: str = TOTP_SECRET, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app with `secret` shows now (or `steps_ahead` periods
    from now)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + steps_ahead
    return format_hotp_value(hotp_value(secret, counter))


def a_new_period() -> None:
    """As if the next 30 seconds had passed for the codes: allauth refuses a code used
    already within its period (kept in the cache), and a test that signs in twice
    would otherwise wait for the app's next code."""
    cache.clear()


def sign_in(client, user, password: str = PASSWORD):
    """The sign-in page: username and password. A person with an authenticator is then
    sent to the code page (the response's Location)."""
    response = client.post(reverse("account_login"), {"login": user.username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def give_code(client, answer: str | None = None, secret: str = TOTP_SECRET):
    """The code page after the password: one code (the app's, unless `answer`)."""
    return client.post(
        reverse("mfa_authenticate"), {"code": code(secret) if answer is None else answer}
    )


def sign_in_with_both_factors(client, user, secret: str = TOTP_SECRET):
    """The whole sign-in, through the pages: the password, then the app's code."""
    response = sign_in(client, user)
    assert response["Location"].startswith(reverse("mfa_authenticate")), response["Location"]
    response = give_code(client, secret=secret)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def prove_again(client, password: str = PASSWORD, secret: str = TOTP_SECRET):
    """The "confirm it is you" page (asked before a change to how one signs in): the
    password, or, for someone with an authenticator app, a code from it (the page sends
    them to give that instead: the password alone is not enough for them)."""
    asked = client.get(reverse("account_reauthenticate"))
    if asked.status_code == 302 and asked["Location"].startswith(reverse("mfa_reauthenticate")):
        a_new_period()  # a code given a moment ago is not taken twice
        response = client.post(asked["Location"], {"code": code(secret)})
    else:
        response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def secret_shown(page: str) -> str:
    """The key the set-up page shows for typing into an app by hand."""
    found = re.search(r"\b([A-Z2-7]{32})\b", page)
    assert found, "the set-up page shows no key to type in"
    return found.group(1)


def set_up(client, user) -> list[str]:
    """Setting up an authenticator app as a person does: read the key shown, answer
    with the app's code, then read the recovery codes. Returns the recovery codes; the
    secret is kept on `user.secret` and the code used on `user.first_code`."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and "reauthenticate" in response["Location"]:
        prove_again(client)
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200, response
    user.secret = secret_shown(response.content.decode())
    user.first_code = code(user.secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": user.first_code})
    assert response.status_code == 302, response.content.decode()[:800]
    page = client.get(reverse("mfa_view_recovery_codes"))
    codes = list(page.context["unused_codes"])
    assert len(codes) == 10
    return codes
