"""Forms for a person's own account."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from ..models import JobRole, User


class ProfileForm(forms.ModelForm):
    chosen_level = forms.TypedChoiceField(
        label="Target level",
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        choices=[
            ("", "The level my role suggests"),
            ("1", "Level 1: knowing the knowledge base"),
            ("2", "Level 2: applying it in practice"),
            ("3", "Level 3: supervising, managing and shaping services"),
        ],
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "job_role", "chosen_level"]
        labels = {"job_role": "Job role"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_role"].choices = [("", "Choose your role")] + list(JobRole.choices)


class SignUpForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "email", "job_role"]
        labels = {"job_role": "Job role"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_role"].choices = [("", "Choose your role")] + list(JobRole.choices)


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
