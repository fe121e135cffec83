"""Proving it is still you: the password, and the second factor where the person has
one, given again before any change to how they sign in or prove who they are (their
e-mail address, password, authenticator or recovery codes, turning two-factor off)
and before deleting the account (ASVS 7.5.1). One signed-in session left open on a
shared ward PC must not be enough to take the account over.

The password goes through authenticate(), so django-axes counts a wrong one exactly
as at sign-in: after DJANGO_AXES_FAILURE_LIMIT wrong passwords the session is signed
out and the lockout page shown (ASVS 6.3.1). A wrong code counts toward the same
slow-down as at sign-in (django-otp's throttle)."""

import logging
from typing import Any

from django import forms
from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from . import audit, two_factor
from .signed_in import SignedInRequest

CODE_HELP = "The six digits your authenticator app shows now, or one of your recovery codes."


class ConfirmIdentityForm(forms.Form):
    """The password, and a current code when the person has an authenticator. Forms
    that change how someone signs in extend this one; their own fields come first."""

    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="A code from your authenticator app",
        max_length=40,  # a recovery code: 25 characters in five groups
        help_text=CODE_HELP,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, request: SignedInRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user
        self.locked_out = False
        self.factor = ""  # which second factor was given, once valid
        if not two_factor.has_authenticator(self.user):
            del self.fields["code"]
        # The confirmation comes last, after what is being changed.
        for name in ("password", "code"):
            if name in self.fields:
                self.fields[name] = self.fields.pop(name)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean returns
        password = cleaned.get("password")
        if not password:
            return cleaned
        user = authenticate(self.request, username=self.user.get_username(), password=password)
        if getattr(self.request, "axes_locked_out", False):
            self.locked_out = True
            raise ValidationError("Too many wrong passwords.", code="locked_out")
        if user is None or user.pk != self.user.pk:
            audit.event("reauth.failed", self.request, level=logging.WARNING, field="password")
            self.add_error("password", ValidationError("That password is not right.", "wrong"))
            return cleaned  # no code is spent (or counted) behind a wrong password
        if "code" in self.fields and cleaned.get("code"):
            check = two_factor.check_code(self.user, cleaned["code"])
            if check.ok:
                self.factor = check.factor
            else:
                audit.event("reauth.failed", self.request, level=logging.WARNING, field="code")
                self.add_error("code", ValidationError(check.problem, "wrong_code"))
        return cleaned


def sign_out_locked(request: SignedInRequest) -> HttpResponse:
    """After too many wrong passwords the session ends; django-axes' middleware then
    answers with its lockout page (429), as at sign-in."""
    audit.event("reauth.locked_out", request, level=logging.WARNING)
    logout(request)
    return redirect("login")


def end_other_sessions(request: SignedInRequest) -> None:
    """Every other session of this person ends at its next request; this one goes on
    (User.session_stamp is part of the session's hash, like the password)."""
    request.user.end_sessions()
    update_session_auth_hash(request, request.user)
