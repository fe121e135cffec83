"""Two-factor sign-in with an authenticator app (TOTP, django-otp), and recovery codes.

Required for admins and team managers (NHS data-security rules), offered to every
practitioner. The state of the current sign-in lives in the session:
- "verify": the person has an authenticator; nothing opens until they give a code;
- "setup": they must have one and have none yet; nothing opens until they set it up;
- absent: nothing pending (verified this session, or two-factor not required).
It is decided once, when the person signs in, so other requests cost no query.
"""

import base64

from django.db import transaction
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership

PENDING = "imhcf_2fa"
VERIFY, SETUP = "verify", "setup"
RECOVERY_CODES = 10


def required(user) -> bool:
    """Admins and anyone who manages a team must sign in with two factors."""
    return (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user=user, role=Membership.Role.MANAGER).exists()
    )


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def state_at_sign_in(user) -> str | None:
    """What the sign-in still needs: VERIFY, SETUP or nothing. A sign-in that already
    came with a verified device (django-otp's `user.otp_device`) needs nothing."""
    if getattr(user, "otp_device", None) is not None:
        return None
    if has_authenticator(user):
        return VERIFY
    return SETUP if required(user) else None


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps where it is typed in."""
    text = base64.b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (unconfirmed), made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def mark_verified(request, device) -> None:
    otp_login(request, device)
    request.session.pop(PENDING, None)


TOO_MANY = (
    "Too many wrong codes in a row. Wait a little before the next try: each wrong code "
    "makes the wait longer."
)


@transaction.atomic
def confirm_device(request, device: TOTPDevice, token: str) -> tuple[list[str], str]:
    """If `token` is right for the device being set up: it becomes the person's only
    authenticator, this sign-in counts as verified, and new recovery codes replace
    any old ones (returned, to show once). Otherwise no codes, and why."""
    if not device.verify_is_allowed()[0]:
        return [], TOO_MANY
    if not device.verify_token(token.replace(" ", "").strip()):
        return [], "That code did not match. Check the key was typed exactly, then try again."
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = new_recovery_codes(device.user)
    mark_verified(request, device)
    return codes, ""


def new_recovery_codes(user) -> list[str]:
    """Ten single-use codes for when the phone is lost; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def check_code(user, token: str) -> tuple[object | None, str]:
    """(the device that accepts `token`, "") or (None, why not). Six digits are checked
    against the authenticator, anything else against the recovery codes. django-otp
    refuses a code already used and makes each wrong guess wait longer."""
    token = token.replace(" ", "").strip().lower()
    kind = TOTPDevice if token.isdigit() else StaticDevice
    device = kind.objects.filter(user=user, confirmed=True).first()
    if not token or device is None:
        return None, "That code did not match. Check the code and try again."
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return None, TOO_MANY
    if verify_token(user, device.persistent_id, token) is None:
        return None, "That code did not match. Codes change every 30 seconds; try the new one."
    return device, ""


def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
