"""Site-wide request and response rules: private pages are not stored, and signed-in
sessions end after a spell without activity or after a fixed time in all."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers

SIGNED_IN_AT = "imhcf_signed_in_at"
LAST_SEEN = "imhcf_last_seen"
# Activity is written to the session at most once a minute, not on every request.
SEEN_GRANULARITY = 60


def mark_signed_in(sender, request, user, **kwargs):
    """user_logged_in receiver: the absolute timeout counts from here."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


class SessionTimeouts:
    """Signs a person out after IMHCF_SESSION_IDLE_MINUTES without a request, and
    IMHCF_SESSION_MAX_HOURS after signing in, whatever they do (a shared PC on a ward
    must not stay signed in). The next private page then asks them to sign in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        session, now = request.session, int(time.time())
        started = session.setdefault(SIGNED_IN_AT, now)
        seen = session.get(LAST_SEEN, now)
        hours, minutes = settings.IMHCF_SESSION_MAX_HOURS, settings.IMHCF_SESSION_IDLE_MINUTES
        if now - started > hours * 3600:
            reason = f"You were signed out {hours} hours after signing in."
        elif now - seen > minutes * 60:
            reason = f"You were signed out after {minutes} minutes without activity."
        else:
            if now - seen >= SEEN_GRANULARITY or LAST_SEEN not in session:
                session[LAST_SEEN] = now
            return
        logout(request)
        messages.info(request, f"{reason} Please sign in again; nothing you saved was lost.")


class PrivatePagesNotStored:
    """Pages shown to a signed-in person carry their own data: tell browsers and
    proxies not to keep a copy (Cache-Control: no-store), e.g. on a shared PC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
