"""Parsing what practitioners send. The grid is read by hand (one <form>, plain
inputs) because a formset of 63 crispy forms costs far more to render."""

from dataclasses import dataclass

from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import EVIDENCE_MAX, JobRole, Status, User
from .progress import Item
from .services import Entry


@dataclass
class GridRow:
    """One item as the grid shows it: what is saved, or what was typed, and any error."""

    item: Item
    status: str
    evidence: str
    version: int
    seen_status: str
    seen_fingerprint: str
    error: str = ""


class GridSubmission:
    """The grid's POST for one domain at one level, turned into service entries."""

    def __init__(self, data, rows: list[GridRow]):
        self.data = data
        self.rows = rows
        self.errors: dict[str, str] = {}

    def entries(self) -> list[Entry] | None:
        """Entries for every item, or None when a row is invalid (rows then carry
        the typed text and a message, so nothing the person wrote is lost)."""
        entries = []
        for row in self.rows:
            code = row.item.code
            status = self.data.get(f"s-{code}", row.status)
            evidence = self.data.get(f"e-{code}", row.evidence).replace("\r\n", "\n")
            try:
                version = int(self.data.get(f"v-{code}", row.version))
            except ValueError:
                version = -1  # tampered: treated as a conflict, never as current
            row.status, row.evidence = status, evidence
            row.seen_status = self.data.get(f"os-{code}", row.seen_status)
            row.seen_fingerprint = self.data.get(f"of-{code}", row.seen_fingerprint)
            row.version = version
            if status not in Status.values:
                row.error = "Choose one of: not yet assessed, working towards, achieved."
            elif len(evidence) > EVIDENCE_MAX:
                row.error = (
                    f"Evidence can be up to {EVIDENCE_MAX:,} characters; this has "
                    f"{len(evidence):,}. Shorten it, or keep the detail elsewhere and summarise."
                )
            if row.error:
                self.errors[code] = row.error
            entries.append(
                Entry(row.item, status, evidence, version, row.seen_status, row.seen_fingerprint)
            )
        return None if self.errors else entries


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


class ChangesSinceForm(forms.Form):
    since = forms.DateField(
        label="Show changes since",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="e.g. the date of your last appraisal.",
    )


class PlanForm(forms.Form):
    objective = forms.ChoiceField(
        label="Choose courses for",
        required=False,
        choices=[
            ("cost", "the lowest cost"),
            ("time", "the least time"),
            ("count", "the fewest courses"),
        ],
        widget=forms.RadioSelect,
    )
    nhs = forms.BooleanField(label="I am NHS-funded (use NHS-funded fees)", required=False)


class TeamReportForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("1", "Level 1"), ("2", "Level 2"), ("3", "Level 3")],
    )
    domain = forms.TypedChoiceField(label="Domain", required=False, coerce=int, empty_value=None)
    job_role = forms.ChoiceField(label="Job role", required=False)

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", "All domains")] + [
            (str(d.number), f"{d.number}. {d.name}") for d in domains
        ]
        self.fields["job_role"].choices = [("", "Every role")] + list(JobRole.choices)

    def filters(self) -> dict:
        """The valid filters only; a bad value is reported beside its field."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


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
