"""Security events, written to the "imhcf.security" logger (stderr, with the rest of
the log): every sign-in and sign-out, every failed one, every second-factor decision,
every refused look at someone else's object, every session ended by a timeout.

One line per event: `event=<name>` then key=value pairs. Values are written with
repr(), so a crafted username or path can never start a new log line (log injection).
Passwords, codes, evidence and session keys are never logged."""

import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

log = logging.getLogger("imhcf.security")


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in settings.IMHCF_TRUSTED_PROXIES)


def client_address(request: HttpRequest | None) -> str:
    """The address of the person's browser: the sign-in lockout (django-axes, through
    AXES_CLIENT_IP_CALLABLE) and this log both use it.

    Straight from the connection, unless that is a proxy we trust
    (IMHCF_TRUSTED_PROXIES, e.g. the nginx of docs/deploy.md on 127.0.0.1). Then the
    proxy's X-Forwarded-For is read from the right, skipping our own proxies: the first
    address a trusted proxy did not add itself is the client. Anything to its left was
    written by the client and may be forged, so it is never used."""
    if request is None:
        return ""
    address: str = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _trusted(hop):
            return hop
    return address


def event(
    name: str, request: HttpRequest | None = None, *, level: int = logging.INFO, **fields: object
) -> None:
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        fields.setdefault("user_id", user.pk)
    fields.setdefault("ip", client_address(request))
    text = " ".join(f"{key}={value!r}" for key, value in fields.items())
    log.log(level, "event=%s %s", name, text)


def signed_in(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: object
) -> None:
    """Every sign-in, with how it was made (password, passkey, work account)."""
    from allauth.account.authentication import get_authentication_records

    methods = (
        [r.get("method") for r in get_authentication_records(request, user)] if request else []
    )
    event("signin.ok", request, user_id=user.pk, username=user.get_username(), by=methods)


def signed_out(
    sender: object,
    request: HttpRequest | None,
    user: AbstractBaseUser | AnonymousUser | None,
    **kwargs: object,
) -> None:
    event("signout", request, user_id=getattr(user, "pk", None))


def sign_in_failed(
    sender: object,
    credentials: dict[str, Any] | None,
    request: HttpRequest | None = None,
    **kwargs: object,
) -> None:
    username = credentials.get("username", "") if credentials else ""
    event("signin.failed", request, level=logging.WARNING, username=username)


def username_tried(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The username (or address) typed, for django-axes' lockout: allauth's sign-in form
    calls it "login", and authenticates with "username" or "email". The same name must
    come out when axes records a failure and when it checks for a lockout, or a lockout
    is never found (proving who you are again passes both the username and the address).
    Where a signed-in person types only a password, the name is theirs."""
    if credentials:
        # "login" is what axes calls the username when it checks (AXES_USERNAME_FORM_FIELD);
        # a username, when given, comes before an address (allauth passes both).
        for key in ("username", "login", "email"):
            if credentials.get(key):
                return str(credentials[key])
    if request is None:
        return ""
    typed = str(request.POST.get("login", ""))
    user = getattr(request, "user", None)
    if not typed and user is not None and user.is_authenticated:
        return str(user.get_username())
    return typed


def _factor_used(sender: object, request: HttpRequest, authenticator: Any, **kwargs: Any) -> None:
    event(
        "signin.second_factor_ok",
        request,
        user_id=authenticator.user_id,
        factor=authenticator.type,
        passkey_alone=bool(kwargs.get("passwordless")),
        again=bool(kwargs.get("reauthenticated")),
    )


def _factor_failed(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    event("signin.second_factor_failed", request, level=logging.WARNING, user_id=user.pk)


def _address_confirmed(sender: object, request: HttpRequest, email_address: Any, **kw: Any) -> None:
    event("account.email_confirmed", request, user_id=email_address.user_id)


def _signed_up(sender: object, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    event(
        "account.signed_up",
        request,
        user_id=user.pk,
        by=sociallogin.account.provider if sociallogin else "password",
    )


def connect() -> None:
    """Called once from AssessmentsConfig.ready(): allauth's events, logged."""
    from allauth.account import signals as account
    from allauth.mfa import signals as mfa

    mfa.authenticator_used.connect(_factor_used, dispatch_uid="imhcf_audit_factor_used")
    mfa.authentication_failed.connect(_factor_failed, dispatch_uid="imhcf_audit_factor_failed")
    account.email_confirmed.connect(_address_confirmed, dispatch_uid="imhcf_audit_confirmed")
    account.user_signed_up.connect(_signed_up, dispatch_uid="imhcf_audit_signed_up")
