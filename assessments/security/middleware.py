"""Site-wide request and response rules: private pages are not stored, signed-in
sessions end after a spell without activity or after a fixed time in all, and a
sign-in that still owes its second factor opens nothing else."""

import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from ..models import User
from . import audit, kept, reauth, roles, two_factor

# What a sign-in still owed under the hand-written two-factor pages (before allauth):
# a session that had given the password but not yet its code is ended.
OWED_BEFORE_ALLAUTH = "imhcf_2fa"

SIGNED_IN_AT = "imhcf_signed_in_at"
LAST_SEEN = "imhcf_last_seen"
# Activity is written to the session at most once a minute, not on every request.
SEEN_GRANULARITY = 60


def mark_signed_in(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    """user_logged_in receiver: the absolute timeout counts from here, and what the
    sign-in owes of a second factor is decided here for the roles the person has now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


class SessionTimeouts:
    """Signs a person out after IMHCF_SESSION_IDLE_MINUTES without a request, and
    IMHCF_SESSION_MAX_HOURS after signing in, whatever they do (a shared PC on a ward
    must not stay signed in). The next private page then asks them to sign in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        session, now = request.session, int(time.time())
        started = session.setdefault(SIGNED_IN_AT, now)
        seen = session.get(LAST_SEEN, now)
        hours, minutes = settings.IMHCF_SESSION_MAX_HOURS, settings.IMHCF_SESSION_IDLE_MINUTES
        if now - started > hours * 3600:
            kind, reason = "absolute", f"You were signed out {hours} hours after signing in."
        elif now - seen > minutes * 60:
            kind = "idle"
            reason = (
                f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} "
                "without activity."
            )
        else:
            if now - seen >= SEEN_GRANULARITY or LAST_SEEN not in session:
                session[LAST_SEEN] = now
            return
        audit.event("session.timeout", request, kind=kind)
        user_id = request.user.pk
        assert user_id is not None  # checked only for a signed-in person (__call__)
        logout(request)
        if request.method == "POST":
            kept.keep(request, user_id)
            messages.info(
                request,
                f"{reason} What you had typed is kept: sign in again and it will be back on "
                "the page, not yet saved.",
            )
        else:
            messages.info(request, f"{reason} Please sign in again; nothing you saved was lost.")


@cache
def _open_while_owed() -> tuple[str, ...]:
    """The pages a sign-in may reach while it owes its second factor: giving or setting
    one up (allauth's pages, and proving who you are again, with a work account too:
    "Confirm it's you" and the provider's sign-in, /accounts/oidc/), and signing out."""
    work_account = reverse("openid_connect_login", kwargs={"provider_id": "-"})
    return (
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
        reverse(reauth.CONFIRM_PAGE),
        work_account[: work_account.index("-/")],
        reverse("account_logout"),
    )


def _to_second_factor(request: HttpRequest) -> HttpResponseRedirect:
    """To give a factor already set up, else to set one up; then back."""
    page = "mfa_reauthenticate" if two_factor.has_authenticator(request.user) else "mfa_index"
    return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")


class TwoFactorGate:
    """Admins (and any staff account) open nothing but the pages that give or set up a
    second factor until this sign-in has given one; then they go back where they were.

    Checked on every request, so a role given while someone is signed in takes effect
    at once (read from the user row already loaded; a staff account that is not a
    superuser costs Django's permission check once). A team manager owes a second
    factor as soon as a team page asks for it (access.managed_team raises
    SecondFactorNeeded). No query unless a second factor is owed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if request.session.get(OWED_BEFORE_ALLAUTH) == "verify":
                logout(request)
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
            # Who the person is for this request (security.roles) is worked out here,
            # once, before any view or template asks.
            who = roles.who(request)
            if (
                (user.is_staff or who.admin)
                and not two_factor.is_verified(request)
                and not request.path_info.startswith(_open_while_owed())
            ):
                return _to_second_factor(request)
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseRedirect | None:
        if isinstance(exception, two_factor.SecondFactorNeeded):
            return _to_second_factor(request)
        return None


class WorkAccountAgain:
    """Someone whose only way to sign in is a work account (no password, no second
    factor) proves who they are with it again before a change to how they sign in, or
    before deleting their account, as allauth asks everyone else (security.reauth).
    No query unless the page is one of those changes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponseRedirect | None:
        match = request.resolver_match
        if match is None or not request.user.is_authenticated:
            return None
        return reauth.work_account_asked(request, match.view_name)


class RefuseNulCharacters:
    """A NUL character in the path or the query string is never meaningful, and
    PostgreSQL cannot compare or store it: answer 400 before any view reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest("Bad request")
        return self.get_response(request)


class RefuseTrace:
    """No page answers TRACE (or its old alias TRACK), which only echoes the request
    back and can leak headers (ASVS 13.4.4)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("TRACE", "TRACK"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        return self.get_response(request)


class PrivatePagesNotStored:
    """Pages shown to a signed-in person carry their own data: tell browsers and
    proxies not to keep a copy (Cache-Control: no-store), e.g. on a shared PC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
