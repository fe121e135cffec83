"""Who must sign in with two factors, and whether this sign-in has.

django-allauth does the factors themselves (an authenticator app, passkeys, recovery
codes): at sign-in it asks for one from anyone who has set one up, and a passkey alone
counts as both. What is ours is the rule: admins, training leads and anyone who manages
a team must use two factors (NHS data-security rules); everyone else may. Roles can be
given while someone is signed in, so the places that need the second factor check on
every request (the gate for admins, access.managed_team for team managers): a role
given mid-session takes effect at once. Checking costs no query."""

from allauth.account.authentication import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from ..models import User
from . import roles

# Set in the session when this sign-in set up its first factor (allauth records a
# factor used at sign-in, not one set up afterwards).
SET_UP = "imhcf_factor_set_up"


def required(user: User) -> bool:
    """Admins, training leads and anyone who manages a team must sign in with two
    factors (security.roles). A staff account that is none of these signs in to the
    admin with two factors all the same (the gate in security.middleware)."""
    return user.is_staff or roles.who_is(user, fresh=True).needs_two_factors


def has_authenticator(user: User | AnonymousUser) -> bool:
    """An authenticator app or a passkey (recovery codes alone do not count)."""
    found: bool = (
        Authenticator.objects.filter(user_id=user.pk)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )
    return found


class SecondFactorNeeded(Exception):
    """Raised where a page needs the second factor and this sign-in has not given it;
    the gate (security.middleware.TwoFactorGate) sends the person to give it."""


def is_verified(request: HttpRequest) -> bool:
    """Has this sign-in given a second factor (a code, a passkey, or setting one up)?
    No query: allauth keeps what was given in the session."""
    if request.session.get(SET_UP):
        return True
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def factor_set_up(request: HttpRequest) -> None:
    request.session[SET_UP] = True


def factor_removed(request: HttpRequest) -> None:
    """Someone removed a second factor. When it was their last one, this sign-in no
    longer counts as having given one: a manager who removes her only app (a new
    phone) is asked to set one up again at the next page that needs it."""
    if has_authenticator(request.user):
        return
    request.session.pop(SET_UP, None)
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    if isinstance(records, list):
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            record for record in records if record.get("method") != "mfa"
        ]
