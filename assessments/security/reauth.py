"""After any change to how someone signs in or proves who they are, every other session
of theirs ends, and the change is written to the security log.

django-allauth asks who you are again (the password, a code or a passkey, or the work
account) before such a change when you last proved it more than
ACCOUNT_REAUTHENTICATION_TIMEOUT seconds ago (ASVS 7.5.1), and sends its signals after
it. These receivers end the other sessions (one signed-in session left open on a
shared ward PC must not outlive a new password) and log each change."""

import time
from typing import Any

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from ..models import User
from . import audit, two_factor
from .signed_in import SignedInRequest


def end_other_sessions(request: SignedInRequest) -> None:
    """Every other session of this person ends at its next request; this one goes on
    (User.session_stamp is part of the session's hash, like the password)."""
    request.user.end_sessions()
    update_session_auth_hash(request, request.user)


def _changed(name: str) -> Any:
    def receiver(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
        if request is None or not request.user.is_authenticated:
            return
        fields = {}
        authenticator = kwargs.get("authenticator")
        if authenticator is not None:
            fields["kind"] = authenticator.type
            if name == "two_factor.added":
                two_factor.factor_set_up(request)
            elif name == "two_factor.removed":
                two_factor.factor_removed(request)
        if "sociallogin" in kwargs:
            fields["provider"] = kwargs["sociallogin"].account.provider
        if "socialaccount" in kwargs:
            fields["provider"] = kwargs["socialaccount"].provider
        audit.event(name, request, **fields)
        end_other_sessions(request)  # type: ignore[arg-type]

    receiver.__name__ = f"on_{name.replace('.', '_')}"
    return receiver


def connect() -> None:
    """Called once from AssessmentsConfig.ready()."""
    from allauth.account import signals as account
    from allauth.mfa import signals as mfa
    from allauth.socialaccount import signals as social

    for signal, name in (
        (account.password_changed, "account.password_changed"),
        (account.password_set, "account.password_set"),
        (account.email_changed, "account.email_changed"),
        (mfa.authenticator_added, "two_factor.added"),
        (mfa.authenticator_removed, "two_factor.removed"),
        (mfa.authenticator_reset, "two_factor.new_recovery_codes"),
        (social.social_account_added, "work_account.linked"),
        (social.social_account_removed, "work_account.unlinked"),
    ):
        signal.connect(_changed(name), dispatch_uid=f"imhcf_{name}", weak=False)


# Someone with no password and no second factor (only a work account) -----------------
#
# allauth (65.21) counts such a person as having just proved who they are, whenever they
# last did ("not implemented" in flows.reauthentication.did_recently_reauthenticate), so
# their open session could add a passkey or an address, or delete the account. Here the
# work account itself is the proof: a sign-in with it within
# ACCOUNT_REAUTHENTICATION_TIMEOUT seconds, else the page "Confirm it's you" sends them
# to the provider, which asks for their password again (prompt=login). The check is
# made by middleware.WorkAccountAgain before the view, by URL name.

CONFIRM_PAGE = "confirm_with_work_account"

# The pages that are for nothing but a change (allauth guards these whole)…
GUARDED_WHOLE = frozenset(
    {
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_edit_webauthn",
        "mfa_remove_webauthn",
        "mfa_generate_recovery_codes",
        "account_set_password",
        "assessments:delete_account",
    }
)
# …and those that show something and change it on a POST.
GUARDED_POST = frozenset(
    {
        "account_email",
        "account_change_password",
        "mfa_deactivate_totp",
        "socialaccount_connections",  # unlinking a work account
        # Making a credential that reads a record: a person's own API token, and an
        # organisation's API key (a GET there only leads back to the list).
        "assessments:api_token_new",
        "assessments:api_key_new",
    }
)
# Linking another work account starts here with process=connect.
WORK_ACCOUNT_LOGIN = "openid_connect_login"


def _changes_sign_in(request: HttpRequest, view_name: str) -> bool:
    if view_name in GUARDED_WHOLE:
        return True
    if request.method != "POST":
        return False
    if view_name == WORK_ACCOUNT_LOGIN:
        return request.POST.get("process", request.GET.get("process")) == "connect"
    return view_name in GUARDED_POST


def work_account_only(user: User | AnonymousUser) -> bool:
    """No usable password and no authenticator app or passkey: allauth has nothing to
    ask such a person again, so their work account is asked. One query."""
    if not user.is_authenticated or user.has_usable_password():
        return False
    return not two_factor.has_authenticator(user)


def recently_signed_in_with_work_account(request: HttpRequest) -> bool:
    """A sign-in with a work account in this session within the last
    ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (allauth's records; no query)."""
    timeout: int = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    now = time.time()
    return any(
        record.get("method") == "socialaccount" and now - float(record.get("at", 0)) < timeout
        for record in get_authentication_records(request, request.user)
    )


def work_account_asked(request: HttpRequest, view_name: str) -> HttpResponseRedirect | None:
    """Where a work-account-only person who has not signed in with it lately is sent
    before `view_name` changes how they sign in: the page "Confirm it's you", then back
    to `next`. None when nothing is asked (the view goes on)."""
    if (
        not _changes_sign_in(request, view_name)
        or recently_signed_in_with_work_account(request)
        or not work_account_only(request.user)
    ):
        return None
    audit.event("reauth.work_account_asked", request, page=view_name)
    if view_name == WORK_ACCOUNT_LOGIN:
        back = reverse("socialaccount_connections")
    else:
        back = request.get_full_path()
    return redirect(f"{reverse(CONFIRM_PAGE)}?{urlencode({'next': back})}")


def timeout_minutes() -> int:
    """ACCOUNT_REAUTHENTICATION_TIMEOUT in whole minutes, for the page's wording."""
    seconds: int = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    return max(1, round(seconds / 60))
