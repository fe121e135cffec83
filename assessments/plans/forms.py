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
        error_messages={
            "invalid_choice": "Choose the lowest cost, the least time or the fewest courses"
        },
    )
    nhs = forms.BooleanField(label="I am NHS-funded (use NHS-funded fees)", required=False)
    budget = forms.DecimalField(
        label="Budget (£)",
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text="The most you can spend on fees. Leave empty for no limit.",
        error_messages={
            "invalid": "Enter the budget as an amount in pounds, like 3000",
            "min_value": "Enter a budget of £0 or more, like 3000",
            "max_digits": "Enter a budget under £10,000,000, like 3000",
            "max_whole_digits": "Enter a budget under £10,000,000, like 3000",
            "max_decimal_places": "Enter the budget in pounds and pence, like 2550.50",
        },
    )
    time_limit = forms.DecimalField(
        label="Time limit",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        help_text="The most time all the courses may take together. Leave empty for no limit.",
        error_messages={
            "invalid": "Enter the time limit as a number, like 12",
            "min_value": "Enter a time limit of 0 or more, like 12",
            "max_digits": "Enter a time limit under 100,000, like 12",
            "max_whole_digits": "Enter a time limit under 100,000, like 12",
            "max_decimal_places": "Enter the time limit with one decimal place at most, like 1.5",
        },
    )
    time_unit = forms.ChoiceField(
        label="Unit",
        required=False,
        choices=[("months", "months"), ("weeks", "weeks"), ("hours", "hours")],
        error_messages={"invalid_choice": "Choose months, weeks or hours"},
    )

    def hours(self) -> Decimal | None:
        """The time limit in hours, the scale courses' lengths are compared on."""
        limit: Decimal | None = self.cleaned_data.get("time_limit")
        if limit is None:
            return None
        return limit * HOURS_PER[self.cleaned_data.get("time_unit") or "months"]

    def time_words(self) -> str:
        """The time limit as she typed it, e.g. "12 months"; empty when none."""
        limit = self.cleaned_data.get("time_limit")
        if limit is None:
            return ""
        unit = self.cleaned_data.get("time_unit") or "months"
        number = f"{limit.normalize():f}"
        return f"{number} {unit.rstrip('s') if number == '1' else unit}"
