"""The plan page's choices."""

from django import forms


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
