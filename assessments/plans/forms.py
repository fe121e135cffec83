"""The plan page's choices."""

from decimal import Decimal

from django import forms

from catalogue.models import HOURS_PER


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
    budget = forms.DecimalField(
        label="Budget (£)",
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text="The most you can spend on fees. Leave empty for no limit.",
    )
    time_limit = forms.DecimalField(
        label="Time limit",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        help_text="The most time all the courses may take together. Leave empty for no limit.",
    )
    time_unit = forms.ChoiceField(
        label="Unit",
        required=False,
        choices=[("months", "months"), ("weeks", "weeks"), ("hours", "hours")],
    )

    def hours(self) -> Decimal | None:
        """The time limit in hours, the scale courses' lengths are compared on."""
        limit = self.cleaned_data.get("time_limit")
        if limit is None:
            return None
        return limit * HOURS_PER[self.cleaned_data.get("time_unit") or "months"]
