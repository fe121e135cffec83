"""Security events, written to the "imhcf.security" logger (stderr, with the rest of
the log): every sign-in and sign-out, every failed one, every second-factor decision,
every refused look at someone else's object, every session ended by a timeout.

One line per event: `event=<name>` then key=value pairs. Values are written with
repr(), so a crafted username or path can never start a new log line (log injection).
Passwords, codes, evidence and session keys are never logged."""

import logging

log = logging.getLogger("imhcf.security")


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def event(name: str, request=None, *, level: int = logging.INFO, **fields) -> None:
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        fields.setdefault("user_id", user.pk)
    fields.setdefault("ip", client_address(request))
    text = " ".join(f"{key}={value!r}" for key, value in fields.items())
    log.log(level, "event=%s %s", name, text)


def signed_in(sender, request, user, **kwargs):
    event("signin.password_ok", request, user_id=user.pk, username=user.get_username())


def signed_out(sender, request, user, **kwargs):
    event("signout", request, user_id=getattr(user, "pk", None))


def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "") if credentials else ""
    event("signin.failed", request, level=logging.WARNING, username=username)
