"""Forms for a person's own account."""

import unicodedata

from django import forms
from django.contrib.auth.forms import SetPasswordForm, UserCreationForm
from django.core.exceptions import ValidationError

from catalogue.models import Level, level_choices

from ..models import JobRole, User
from ..security.reauth import ConfirmIdentityForm


def printable_only(value: str) -> None:
    """Names appear on managers' pages and downloads: no invisible control characters."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(
            "Use letters, spaces and punctuation only: this has an invisible control "
            "character (often from pasting).",
            code="control_character",
        )


class ProfileForm(forms.ModelForm):
    chosen_level = forms.TypedChoiceField(
        label="Target level",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[("", "The level my role suggests"), *level_choices()],  # named in __init__
    )
    holds_degree_or_registration = forms.TypedChoiceField(
        label="Do you hold a degree or a professional registration?",
        required=False,
        coerce=lambda value: {"True": True, "False": False}.get(value),
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[
            ("", "Not said: show each course's entry requirements beside it"),
            ("True", "Yes"),
            ("False", "No: leave out courses that ask for one, and say which"),
        ],
        help_text="Some courses ask for a degree in a relevant subject or a registered "
        "professional qualification (the University of Glasgow's MSc, for one).",
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "job_role",
            "chosen_level",
            "holds_degree_or_registration",
        ]
        labels = {"job_role": "Job role"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_role"].choices = [("", "Choose your role")] + list(JobRole.choices)
        # Each level by its name in the framework ("Level 1: Knowing the knowledge
        # base"): one query, the Level rows being the one home of those names.
        names = {level.number: str(level) for level in Level.objects.all()}
        self.fields["chosen_level"].choices = [("", "The level my role suggests")] + [
            (value, names.get(int(value), label)) for value, label in level_choices()
        ]
        for name in ("first_name", "last_name"):
            self.fields[name].validators.append(printable_only)


class SignUpForm(UserCreationForm):
    """A name (managers read names, not usernames), an e-mail address, a job role (it
    suggests the target level) and a password."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["first_name", "last_name", "username", "email", "job_role"]
        labels = {"job_role": "Job role", "first_name": "First name", "last_name": "Last name"}
        help_texts = {"job_role": "It suggests the level to assess up to; you can change it."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "job_role"):
            self.fields[name].required = True
        self.fields["job_role"].choices = [("", "Choose your role")] + list(JobRole.choices)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        for name in ("first_name", "last_name"):
            self.fields[name].validators.append(printable_only)

    def _post_clean(self):
        """Django reports a weak password under the confirmation box; put it under the
        password itself, where it was typed (a mismatch stays under the confirmation)."""
        super()._post_clean()
        problems = self.errors.as_data().get("password2", [])
        moved = [e for e in problems if e.code != "password_mismatch"]
        if moved:
            kept = [e for e in problems if e.code == "password_mismatch"]
            del self.errors["password2"]
            for error in kept:
                self.add_error("password2", error)
            for error in moved:
                self.add_error("password1", error)


class CodeForm(forms.Form):
    """A code from an authenticator app (six digits) or a recovery code."""

    token = forms.CharField(
        label="Code",
        max_length=40,  # a recovery code: 25 characters in five groups
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class EmailChangeForm(ConfirmIdentityForm):
    email = forms.EmailField(
        label="New e-mail address",
        help_text="Where password-reset links are sent, e.g. name@nhs.net.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordChangeForm(SetPasswordForm):
    """Django's new-password fields (and its password rules), after the current
    password and second factor, checked as ConfirmIdentityForm checks them."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.confirm = ConfirmIdentityForm(*args, request=request, **kwargs)
        self.fields = {**self.confirm.fields, **self.fields}

    @property
    def locked_out(self) -> bool:
        return self.confirm.locked_out

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        self.confirm.full_clean()
        for field, errors in self.confirm.errors.items():
            for error in errors:
                self.add_error(None if field == "__all__" else field, error)


class SetUpForm(ConfirmIdentityForm):
    """A code from the app being set up, then the password (and, when an authenticator
    is being replaced, a code from the old one)."""

    token = forms.CharField(
        label="Code from the new app",
        max_length=20,
        help_text="The six digits your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "code" in self.fields:
            self.fields["code"].label = "A code from your current authenticator app"
