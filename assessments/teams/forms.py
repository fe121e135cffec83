"""The team report's filters, the member review and the team budget plan's choices."""

from decimal import Decimal

from django import forms

from catalogue.importing import check_upload
from catalogue.models import level_choices

from ..models import EVIDENCE_MAX, JobRole
from .budget_plan import EVERYONE, WHO


class FilterForm(forms.Form):
    """A GET form of filters (team report, overview)."""

    def filters(self) -> dict:
        """The valid filters only; a bad value is reported beside its field."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class TeamReportForm(FilterForm):
    level = forms.TypedChoiceField(
        label="Level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=level_choices(),
    )
    domain = forms.TypedChoiceField(label="Domain", required=False, coerce=int, empty_value=None)
    job_role = forms.ChoiceField(label="Job role", required=False)

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", "All domains")] + [
            (str(d.number), f"{d.number}. {d.name}") for d in domains
        ]
        self.fields["job_role"].choices = [("", "Every role")] + list(JobRole.choices)


class ReviewForm(forms.Form):
    """A manager's comment on a member's shared assessment, or a sign-off, or both."""

    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=EVIDENCE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sign_off = forms.BooleanField(label="Sign off this assessment as it stands now", required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("comment") and not cleaned.get("sign_off"):
            raise forms.ValidationError(
                "Write a comment or tick sign-off; nothing was saved.", code="empty"
            )
        return cleaned


class TeamBudgetForm(forms.Form):
    """The team budget plan's choices; a bad value is reported beside its field and the
    default applies."""

    level = forms.TypedChoiceField(
        label="Level",
        coerce=int,
        choices=level_choices(),
        error_messages={"invalid_choice": "Choose Level 1, 2 or 3"},
    )
    budget = forms.DecimalField(
        label="Budget (£)",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="The most the team can spend on fees.",
        error_messages={
            "invalid": "Enter the budget as an amount in pounds, like 3000",
            "min_value": "Enter a budget of £0 or more, like 3000",
            "max_digits": "Enter a budget under £100,000,000, like 3000",
            "max_whole_digits": "Enter a budget under £100,000,000, like 3000",
            "max_decimal_places": "Enter the budget in pounds and pence, like 2550.50",
        },
    )
    who = forms.ChoiceField(
        label="Fund places for",
        choices=list(WHO.items()),
        error_messages={"invalid_choice": "Choose whom to fund places for from the list"},
    )
    nhs = forms.BooleanField(
        label="Use NHS-funded fees",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    DEFAULTS = {"level": "1", "budget": "5000", "who": EVERYONE}

    def __init__(self, data, **kwargs):
        data = data.copy()
        for name, value in self.DEFAULTS.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data, **kwargs)

    def choices(self) -> dict:
        """The valid choices, with the defaults where a value is bad."""
        self.is_valid()
        chosen = {
            "level": 1,
            "budget": Decimal(self.DEFAULTS["budget"]),
            "who": EVERYONE,
            "nhs": False,
        }
        chosen.update({k: v for k, v in self.cleaned_data.items() if v not in ("", None)})
        return chosen


class OverviewForm(FilterForm):
    """An organisation overview's level, order and team-name search."""

    level = TeamReportForm.base_fields["level"]
    sort = forms.ChoiceField(label="Order", required=False)
    q = forms.CharField(label="Team name contains", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        from .reports import SORTS

        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = list(SORTS.items())


class StaffImportForm(forms.Form):
    """A staff list to import; its rows are checked by teams.importing.parse, and every
    problem is shown beside this field."""

    file = forms.FileField(
        label="Staff list (.csv or .xlsx)",
        help_text="Columns: name, email, job role, team, manager (yes or no). "
        "Start from the template below.",
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], too_large="split it.")


class TeamNameForm(forms.Form):
    """A new team's name, unique within its organisation."""

    name = forms.CharField(label="New team's name", max_length=200, help_text="e.g. East locality")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        from ..models import Team

        if Team.objects.filter(organisation=self.organisation, name__iexact=name).exists():
            raise forms.ValidationError(
                f"{self.organisation} already has a team called {name}.", code="taken"
            )
        return name


class InviteForm(forms.Form):
    """Whom an invitation makes of its user: a member, or (leads only) a manager."""

    role = forms.ChoiceField(
        label="Invite as", choices=[("member", "Member"), ("manager", "Manager")], initial="member"
    )
