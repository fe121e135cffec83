"""After any change to how someone signs in or proves who they are, every other session
of theirs ends, and the change is written to the security log.

django-allauth asks who you are again (the password, a code or a passkey, or the work
account) before such a change when you last proved it more than
ACCOUNT_REAUTHENTICATION_TIMEOUT seconds ago (ASVS 7.5.1), and sends its signals after
it. These receivers end the other sessions (one signed-in session left open on a
shared ward PC must not outlive a new password) and log each change."""

from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest

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
