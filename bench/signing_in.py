"""A manager of the bench signs in as a person does: allauth's sign-in page with the
password, then its code page with the code an authenticator app shows now (allauth's
own TOTP functions). The team pages ask for the second factor on every request, so the
session must have given it. Import after django.setup()."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt, encrypt
from django.test import Client
from django.urls import reverse

PASSWORD = "bench-pass-2026"  # noqa: S105 - a throwaway database


def signed_in_with_both_factors(user) -> Client:
    """A client signed in as `user` with the password and an authenticator app's code
    (the app is set up for `user` when missing; a kept database keeps it)."""
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    app, _ = Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(generate_totp_secret())}},
    )
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302, ("sign-in", response.status_code)
    assert response["Location"].startswith(reverse("mfa_authenticate")), response["Location"]
    secret = decrypt(app.data["secret"])
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, ("code", response.status_code)
    return client
