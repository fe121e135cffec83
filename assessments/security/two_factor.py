"""Two-factor sign-in with an authenticator app (TOTP, django-otp), and recovery codes.

Required for admins and team managers (NHS data-security rules), offered to every
practitioner. Two things live in the session:
- VERIFIED: this sign-in has given its second factor;
- PENDING: what it still owes before anything else opens: "verify" (give a code) or
  "setup" (set an authenticator up).
At sign-in, PENDING is decided for the roles the person has then. Roles can be given
while someone is signed in, so the places that need the second factor check VERIFIED
on every request (the gate for admins, access.managed_team for team managers): a role
given mid-session takes effect at once. Reading VERIFIED costs no query.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import RecoveryCode, User
from . import roles

PENDING = "imhcf_2fa"
VERIFIED = "imhcf_2fa_verified"
VERIFY, SETUP = "verify", "setup"
RECOVERY_CODES = 10


def required(user: User) -> bool:
    """Admins, training leads and anyone who manages a team must sign in with two
    factors (security.roles). A staff account that is none of these signs in to the
    admin with two factors all the same (the gate in security.middleware)."""
    return user.is_staff or roles.who_is(user, fresh=True).needs_two_factors


def has_authenticator(user: User | AnonymousUser) -> bool:
    # django-otp has no type hints: its query reads as Any.
    found: bool = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return found


class SecondFactorNeeded(Exception):
    """Raised where a page needs the second factor and this sign-in has not given it;
    the gate (security.middleware.TwoFactorGate) sends the person to give it."""


def is_verified(request: HttpRequest) -> bool:
    """Has this sign-in given its second factor? No query. (A session from before
    VERIFIED existed counts if django-otp recorded its device.)"""
    session = request.session
    return bool(session.get(VERIFIED)) or DEVICE_ID_SESSION_KEY in session


def signed_in(request: HttpRequest, user: User) -> None:
    """At sign-in: what the sign-in still owes, for the roles the person has now. A
    sign-in that already came with a verified device (django-otp's `user.otp_device`,
    set by a form that checked the code) owes nothing."""
    session = request.session
    session.pop(VERIFIED, None)
    session.pop(PENDING, None)
    if getattr(user, "otp_device", None) is not None:
        session[VERIFIED] = True
    elif has_authenticator(user):
        session[PENDING] = VERIFY
    elif required(user):
        session[PENDING] = SETUP


def owe(request: HttpRequest) -> str:
    """This sign-in must now give (VERIFY) or set up (SETUP) a second factor before
    anything else opens; returns which. One query."""
    state = VERIFY if has_authenticator(request.user) else SETUP
    request.session[PENDING] = state
    return state


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps where it is typed in."""
    text = base64.b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def pending_device(user: User) -> TOTPDevice:
    """The authenticator being set up (unconfirmed), made on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def mark_verified(request: HttpRequest, device: TOTPDevice | None = None) -> None:
    """This sign-in has given its second factor (a recovery code has no device). The
    session gets a new id, as at every authentication (ASVS 7.2.4)."""
    request.session.cycle_key()
    if device is not None:
        otp_login(request, device)
    request.session[VERIFIED] = True
    request.session.pop(PENDING, None)


TOO_MANY = (
    "Too many wrong codes in a row. Wait a little before the next try: each wrong code "
    "makes the wait longer."
)


@transaction.atomic
def confirm_device(request: HttpRequest, device: TOTPDevice, token: str) -> tuple[list[str], str]:
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


def new_recovery_codes(user: User) -> list[str]:
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


def check_code(user: User, token: str) -> Check:
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


def turn_off(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
