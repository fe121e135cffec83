"""Two-factor sign-in with an authenticator app (TOTP, django-otp), and recovery codes.

Required for admins and team managers (NHS data-security rules), offered to every
practitioner. The state of the current sign-in lives in the session:
- "verify": the person has an authenticator; nothing opens until they give a code;
- "setup": they must have one and have none yet; nothing opens until they set it up;
- absent: nothing pending (verified this session, or two-factor not required).
It is decided once, when the person signs in, so other requests cost no query.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import Membership, RecoveryCode

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


def mark_verified(request, device: TOTPDevice | None = None) -> None:
    """This sign-in has given its second factor (a recovery code has no device)."""
    if device is not None:
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


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def new_recovery_codes(user) -> list[str]:
    """Ten single-use codes for when the phone is lost; the old ones stop working. Each
    is 25 base32 characters (125 random bits) shown in groups of five; only their
    SHA-256 is kept, so they are shown this once."""
    codes = []
    for _ in range(RECOVERY_CODES):
        text = base64.b32encode(secrets.token_bytes(16)).decode().lower()[:25]
        codes.append("-".join(text[i : i + 5] for i in range(0, 25, 5)))
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=_digest(_normal(code))) for code in codes
    )
    return codes


@dataclass(frozen=True)
class Check:
    """The result of checking a second-factor code."""

    factor: str = ""  # "authenticator" or "recovery_code" when accepted
    problem: str = ""  # why not, in words, when refused
    device: TOTPDevice | None = None
    codes_left: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.factor)


WRONG = "That code did not match. Codes change every 30 seconds; try the new one."


def check_code(user, token: str) -> Check:
    """Six digits are checked against the authenticator (django-otp refuses a code
    already used); anything else against the recovery codes, each of which works once.
    Every wrong code makes the next try wait longer, whichever kind it was."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    token = _normal(token)
    if not token or device is None:
        return Check(problem="That code did not match. Check the code and try again.")
    if not device.verify_is_allowed()[0]:
        return Check(problem=TOO_MANY)
    if token.isdigit():
        if verify_token(user, device.persistent_id, token) is None:
            return Check(problem=WRONG)
        return Check(factor="authenticator", device=device)
    used, _ = RecoveryCode.objects.filter(user=user, digest=_digest(token)).delete()
    if not used:
        device.throttle_increment()
        return Check(problem=WRONG)
    device.throttle_reset()
    return Check(factor="recovery_code", codes_left=RecoveryCode.objects.filter(user=user).count())


def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
