"""Signing in as a person does it: the password form, then codes from a real TOTP
clock, and the set-up page read the way a person reads it."""

import re

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def code(device, *, steps_ahead=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def set_up(client, user) -> list[str]:
    """The set-up page as a person uses it: read the key shown, answer with a code.
    Returns the recovery codes shown; the code used is kept on `user.first_code`."""
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    user.first_code = code(device)
    response = client.post(
        reverse("two_factor_setup"), {"token": user.first_code, "password": PASSWORD}
    )
    assert response.status_code == 302 and "/codes/" in response["Location"]
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{5}(?:-[a-z2-7]{5}){4})</li>", codes_page)
    assert len(codes) == 10
    return codes
