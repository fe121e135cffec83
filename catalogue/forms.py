"""Parsing the public pages' GET parameters. Each form turns strings into domain
values; a bad value becomes a message next to its field, never a 500."""

import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from .models import Course, level_choices


class FrameworkSearchForm(forms.Form):
    q = forms.CharField(
        label="Search the framework",
        max_length=100,
        required=False,
        help_text="A word or a code, e.g. communication or 1.07.",
    )

    def clean_q(self) -> str:
        q = " ".join(self.cleaned_data["q"].split())
        if q and not re.search(r"\w", q):
            raise ValidationError(
                "Search for a word or a code such as 1.07: punctuation alone matches nothing.",
                code="no_words",
            )
        return q


class CourseFilterForm(forms.Form):
    price = forms.ChoiceField(
        label="Price",
        required=False,
        choices=[("", "Any"), ("free", "Free only"), ("paid", "Paid only")],
    )
    max_cost = forms.DecimalField(
        label="Maximum cost (£)",
        required=False,
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        # A text box, not type=number: a mistyped value stays on screen beside its message.
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Compared with each course's cheapest award or course fee, e.g. 3000. A rate "
        "per block of credits does not count: the provider publishing one does not say single "
        "modules are sold. Courses without a published fee are left out.",
    )
    max_months = forms.DecimalField(
        label="Maximum length (months)",
        required=False,
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="e.g. 12. Courses without a published length are left out.",
    )
    level = forms.TypedChoiceField(
        label="Covers level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any level"), *level_choices()],
    )
    mode = forms.ChoiceField(
        label="Delivery", required=False, choices=[("", "Any")] + list(Course.Mode.choices)
    )
    endorser = forms.ChoiceField(
        label="Endorsed by",
        required=False,
        choices=[("", "Anyone or no one")] + list(Course.Endorser.choices),
    )
    nhs = forms.BooleanField(label="Show NHS-funded fees", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("", "Title"),
            ("cost", "Cost (cheapest award or course fee), lowest first"),
            ("duration", "Length, shortest first"),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "course-filters"
        self.helper.add_input(Submit("", "Apply filters", css_class="btn-primary"))

    def filters(self) -> dict:
        """The valid filters only: a bad value is reported and ignored, the rest still apply."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
