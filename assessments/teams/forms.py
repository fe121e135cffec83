"""The team report's filters."""

from django import forms

from ..items import LEVELS
from ..models import EVIDENCE_MAX, JobRole


class TeamReportForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(str(n), f"Level {n}") for n in LEVELS],
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
