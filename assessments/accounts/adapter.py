"""How django-allauth signs people in here: who may make an account, when an address
counts as theirs, and which work accounts are let in.

django-allauth does the protocols (OpenID Connect with PKCE, WebAuthn, TOTP, the
e-mail links); this module only says our rules:
- an account is made by self sign-up where the site allows it, from a usable
  invitation, or from a work account of an allowed domain;
- an invitation e-mailed to an address proves that address: signing up from its link
  counts the address as verified;
- a work account's address is trusted only for the e-mail domains its provider is
  configured for ("allowed_email_domains"), and only when the provider does not say it
  is unverified; any other domain is refused before anything is made.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from ..security import audit

if TYPE_CHECKING:
    from allauth.socialaccount.models import SocialLogin

    from ..models import Invite, User


def next_url(request: HttpRequest) -> str:
    """The page to go on to after signing in or up, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def invitation_in(target: str) -> Invite | None:
    """The usable invitation a sign-up came from (its join link is `target`), or None."""
    from ..teams import services as team_services

    try:
        match = resolve(urlsplit(target).path) if target else None
    except Resolver404:
        return None
    if match is None or match.url_name != "join":
        return None
    invite, problem = team_services.invite_for_link(match.kwargs["token"])
    return None if problem else invite


def display_name(user: User) -> str:
    return user.display_name


class AccountAdapter(DefaultAccountAdapter):
    # allauth's messages, in the words people here use.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "That e-mail address and password do not match an "
        "account. Check both and try again.",
        "username_password_mismatch": "That username and password do not match an "
        "account. Check both and try again.",
        # allauth says this when the current password typed is wrong (an empty field
        # is "This field is required." first).
        "enter_current_password": "That password is not right.",
        "incorrect_password": "That password is not right.",
        "invalid_or_expired_key": "This link has expired or was already used. Ask for a "
        "new one below.",
        "too_many_login_attempts": "Too many wrong tries. Wait a few minutes, then try "
        "again (or reset your password, if it is the password you have forgotten).",
        "email_taken": "An account here already uses this e-mail address. Sign in to it, "
        "or reset its password if you have forgotten it.",
        "rate_limited": "Too many tries in a short time. Wait a minute, then try again.",
        "same_as_current": "That is the address you have now.",
        "unknown_email": "No account here uses that e-mail address.",
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        """The browser's address as the lockout and the security log read it (behind
        our proxy, from X-Forwarded-For): allauth's rate limits then count per person's
        address, not per proxy (audit.client_address)."""
        return audit.client_address(request) or super().get_client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails (confirm an address, reset a password, a changed password)
        are written here, in the request, and sent by a worker (tasks/mail.py), so a
        slow or restarting mail server never holds up the page."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from ..tasks import mail

        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        mail.send_now(message)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth counts wrong passwords per account name; we count them per account
        name *and* browser address, as django-axes does, so a stranger's guesses do not
        lock a nurse out everywhere (allauth's private hook for that key)."""
        key: str = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{key}@{self.get_client_ip(request)}"

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Self sign-up where the deployment opens it (IMHCF_SIGNUP_OPEN); otherwise
        only from a usable invitation (a lead's staff import invites people by e-mail)."""
        return settings.IMHCF_SIGNUP_OPEN or invitation_in(next_url(request)) is not None


SEALED = "sealed:"


def _keys() -> MultiFernet:
    """Fernet keys made from SECRET_KEY and each of SECRET_KEY_FALLBACKS (the first
    seals; any opens), so a rotated SECRET_KEY keeps every authenticator working."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"imhcf-mfa:{s}".encode()).digest()))
            for s in secrets
        ]
    )


def seal(text: str) -> str:
    """An authenticator's secret as stored: encrypted with a key kept outside the
    database (ASVS 6.5.2: a copy of the database alone gives no working code)."""
    return SEALED + _keys().encrypt(text.encode()).decode()


def unseal(stored: str) -> str:
    """The secret again (every stored one is sealed: migration 0021 sealed the older)."""
    return _keys().decrypt(stored.removeprefix(SEALED).encode()).decode()


class MFAAdapter(DefaultMFAAdapter):
    """allauth's second factors (an authenticator app, passkeys, recovery codes), with
    its messages in our words, and their secrets (the app's key, the seed recovery codes
    are made from) encrypted in the database."""

    def encrypt(self, text: str) -> str:
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return unseal(encrypted_text)

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That did not match. Check the code (or use your passkey "
        "again) and try once more.",
    }


def _domain(email: str) -> str:
    return email.rpartition("@")[2].casefold()


def allowed_domains(sociallogin: SocialLogin) -> list[str]:
    app = sociallogin.provider.app
    listed = app.settings.get("allowed_email_domains", []) if app else []
    return [domain.casefold().lstrip("@") for domain in listed]


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    extra = sociallogin.account.extra_data or {}
    return {**extra.get("id_token", {}), **extra.get("userinfo", {})}


class WorkAccountAdapter(DefaultSocialAccountAdapter):
    """Work accounts (OpenID Connect): which are let in, and which addresses count."""

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        domains = allowed_domains(sociallogin)
        emails = [address.email for address in sociallogin.email_addresses]
        email = emails[0] if emails else ""
        if not email or (domains and _domain(email) not in domains):
            audit.event(
                "signin.work_account_refused",
                request,
                provider=sociallogin.provider.id,
                domain=_domain(email) if email else "",
            )
            raise ImmediateHttpResponse(
                render(
                    request,
                    "socialaccount/domain_refused.html",
                    {
                        "email": email,
                        "domains": domains,
                        "provider": sociallogin.provider.name,
                    },
                    status=403,
                )
            )
        # The provider vouches for the address when it is one of its own domains and
        # it does not say otherwise (Entra ID sends no email_verified claim at all).
        vouched = bool(domains) and _claims(sociallogin).get("email_verified") is not False
        for address in sociallogin.email_addresses:
            address.verified = vouched and _domain(address.email) in domains
        # A work account not yet linked, whose address an account here already has: that
        # account's owner links it after proving who they are (their password and second
        # factor), never by the work account alone. Said now, before any form.
        if (
            not sociallogin.is_existing
            and not request.user.is_authenticated
            and EmailAddress.objects.filter(email__iexact=email).exists()
        ):
            audit.event(
                "signin.work_account_needs_linking", request, provider=sociallogin.provider.id
            )
            raise ImmediateHttpResponse(
                render(
                    request,
                    "socialaccount/link_first.html",
                    {"email": email, "provider": sociallogin.provider.name},
                    status=409,
                )
            )

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """A work account of an allowed domain may make an account: the admin who
        configured its provider chose to let that organisation's people in."""
        return bool(allowed_domains(sociallogin)) or AccountAdapter().is_open_for_signup(request)

    def get_signup_form_initial_data(self, sociallogin: SocialLogin) -> dict[str, Any]:
        initial = super().get_signup_form_initial_data(sociallogin)
        initial.pop("username", None)  # made from the address (populate_username)
        return initial
