"""Forms for a person's own account."""

import hashlib
import unicodedata

from allauth.account import forms as allauth_forms
from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from allauth.socialaccount import forms as social_forms
from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Q

from catalogue.models import Level, level_choices

from ..models import JobRole, Organisation, User

# Where migration 0020 keeps the SHA-256 of recovery codes made before allauth.
LEGACY_DIGESTS = "imhcf_legacy_digests"


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


def _names_and_role(form: forms.Form) -> None:
    """First and last name and job role, required, for both kinds of sign-up."""
    form.fields["first_name"] = forms.CharField(
        label="First name",
        max_length=150,
        validators=[printable_only],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    form.fields["last_name"] = forms.CharField(
        label="Last name",
        max_length=150,
        validators=[printable_only],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    form.fields["job_role"] = forms.ChoiceField(
        label="Job role",
        choices=[("", "Choose your role")] + list(JobRole.choices),
        help_text="It suggests the level to assess up to; you can change it.",
    )


def _save_names_and_role(form: forms.Form, user: User) -> None:
    user.first_name = form.cleaned_data["first_name"]
    user.last_name = form.cleaned_data["last_name"]
    user.job_role = form.cleaned_data["job_role"]
    user.save(update_fields=["first_name", "last_name", "job_role"])


class SignUpForm(allauth_forms.SignupForm):
    """A name (managers read names, not usernames), an e-mail address, a job role (it
    suggests the target level) and a password. From an invitation sent to an address,
    the address must be that one (signing up from its link proves it is theirs)."""

    FIRST = ["first_name", "last_name", "username", "email", "job_role"]

    def __init__(self, *args, invite=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.invite = invite
        _names_and_role(self)
        self.fields["email"].label = "Email"
        if "password2" in self.fields:
            self.fields["password2"].label = "Password again"
        self.fields["email"].help_text = "Work e-mail, e.g. name@nhs.net."
        # allauth's address field has no length limit; the user table's column has.
        self.fields["email"].max_length = User._meta.get_field("email").max_length
        self.fields["email"].validators.append(MaxLengthValidator(self.fields["email"].max_length))
        self.fields["username"].help_text = "What you will sign in with, with your address."
        self.order_fields(self.FIRST)

    def clean_email(self):
        email = super().clean_email()
        if self.invite is not None and self.invite.email:
            if (email or "").casefold() != self.invite.email.casefold():
                raise ValidationError(
                    f"This invitation was sent to {self.invite.email}: use that address here "
                    "(you can change it later, on your profile).",
                    code="not_invited_address",
                )
        return email

    def signup(self, request, user):
        _save_names_and_role(self, user)


class WorkAccountSignUpForm(social_forms.SignupForm):
    """A first sign-in with a work account: the name and address come from it; only
    the job role is asked (the username is made from the address)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _names_and_role(self)
        self.fields.pop("username", None)
        self.fields["email"].disabled = True  # what the work account says
        self.fields["email"].help_text = "From your work account."
        self.order_fields(["first_name", "last_name", "email", "job_role"])

    def clean(self):
        cleaned = super().clean()
        # populate_username (AccountAdapter) makes one from the address.
        cleaned.pop("username", None)
        return cleaned

    def signup(self, request, user):
        _save_names_and_role(self, user)


class SignInForm(allauth_forms.LoginForm):
    """allauth's sign-in (username or address, and password), refused for people whose
    organisation asks them to sign in with their work account."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail address"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs.pop("placeholder", None)

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None:
            organisation = (
                Organisation.objects.filter(requires_work_account=True)
                .filter(Q(teams__memberships__user=user) | Q(leads__user=user))
                .first()
            )
            if organisation is not None:
                raise ValidationError(
                    f"{organisation.name} asks its people to sign in with their work "
                    "account: use the button below.",
                    code="work_account_required",
                )
        return cleaned


class SecondFactorForm(mfa_forms.AuthenticateForm):
    """allauth's code check, which also accepts a recovery code made before the move
    to allauth: only their SHA-256 was kept, so they are checked here until used or
    replaced (migration 0020 put the digests on the recovery-codes authenticator)."""

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError:
            typed = "".join(self.cleaned_data.get("code", "").split()).replace("-", "").lower()
            found = legacy_recovery_code(self.user, typed)
            if found is None:
                raise
            self.authenticator = found
            return self.cleaned_data["code"]


class SecondFactorAgainForm(mfa_forms.ReauthenticateForm, SecondFactorForm):
    """allauth's "confirm it is you" code check (its save), with SecondFactorForm's
    clean_code: assigning that function here failed, its super() being bound to
    SecondFactorForm."""


def legacy_recovery_code(user: User, typed: str) -> Authenticator | None:
    """Use up one pre-allauth recovery code of `user`, if `typed` is one."""
    digest = hashlib.sha256(typed.encode()).hexdigest()
    with transaction.atomic():
        codes = (
            Authenticator.objects.select_for_update()
            .filter(user=user, type=Authenticator.Type.RECOVERY_CODES)
            .first()
        )
        digests = codes.data.get(LEGACY_DIGESTS, []) if codes else []
        if codes is None or digest not in digests:
            return None
        digests.remove(digest)
        codes.data[LEGACY_DIGESTS] = digests
        codes.save(update_fields=["data"])
        codes.user = user
        return codes


# allauth's other forms, with labels in the words people here use ----------------------
def _labelled(base: type[forms.Form], labels: dict[str, str], **help_texts: str) -> type:
    """`base` with its fields relabelled (and help text given) as here."""

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        for name, text in help_texts.items():
            if name in self.fields:
                self.fields[name].help_text = text

    return type(base.__name__, (base,), {"__init__": __init__, "__module__": __name__})


NEW_PASSWORD = {"password1": "New password", "password2": "New password again"}


class ChangePasswordForm(
    _labelled(
        allauth_forms.ChangePasswordForm,
        {"oldpassword": "Your current password", **NEW_PASSWORD},
    )
):
    """The current password is checked through Django's authenticate(), so django-axes
    counts a wrong one exactly as at sign-in: after DJANGO_AXES_FAILURE_LIMIT wrong ones
    the view signs the session out and the account waits, as at sign-in (ASVS 6.3.1)."""

    locked_out = False

    def clean_oldpassword(self):
        typed = self.cleaned_data.get("oldpassword", "")
        request = context.request
        found = authenticate(request, username=self.user.get_username(), password=typed)
        if getattr(request, "axes_locked_out", False):
            self.locked_out = True
            raise ValidationError("Too many wrong passwords.", code="locked_out")
        if found is None or found.pk != self.user.pk:
            raise ValidationError("That password is not right.", code="wrong")
        return typed


SetPasswordForm = _labelled(
    allauth_forms.SetPasswordForm, {"password1": "Password", "password2": "Password again"}
)
ResetPasswordKeyForm = _labelled(allauth_forms.ResetPasswordKeyForm, NEW_PASSWORD)
AddEmailForm = _labelled(
    allauth_forms.AddEmailForm,
    {"email": "New e-mail address"},
    email="We send a link to it; your old address is kept until you follow the link.",
)
ActivateAppForm = _labelled(totp_forms.ActivateTOTPForm, {"code": "Code from the app"})
AddPasskeyForm = _labelled(
    webauthn_forms.AddWebAuthnForm,
    {"passwordless": "Also let this passkey sign me in on its own"},
    passwordless="Then the passkey alone (with your fingerprint, face or PIN) signs you "
    "in, without your password.",
)
EditPasskeyForm = _labelled(webauthn_forms.EditWebAuthnForm, {"name": "Name of this passkey"})
