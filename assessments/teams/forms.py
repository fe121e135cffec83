"""The team report's filters."""

from django import forms

from ..models import JobRole


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
