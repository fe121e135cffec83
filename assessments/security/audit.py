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
    event("signin.password_ok", request, user_id=user.pk, username=user.get_username())


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
