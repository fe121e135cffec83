"""The entries of a refused form's error summary (templates/includes/_error_summary.html),
the GOV.UK pattern: every problem once, each linked to the field it is about."""

from functools import cache

from django import forms, template
from django.core import validators
from django.forms import BaseForm

register = template.Library()

# Django's own messages ("This field is required.") do not say which field they are
# about; in the summary, away from the field, they are preceded by its label. Ours
# ("Enter a budget of £0 or more") and the password rules' say it themselves.
VALIDATORS = (
    validators.MinValueValidator,
    validators.MaxValueValidator,
    validators.MinLengthValidator,
    validators.MaxLengthValidator,
    validators.StepValueValidator,
    validators.EmailValidator,
    validators.RegexValidator,
    validators.URLValidator,
    validators.ProhibitNullCharactersValidator,
)


@cache
def django_messages() -> frozenset[str]:
    """Every message template Django's form fields and validators give by default."""
    found = {str(v.message) for v in VALIDATORS}
    found.update(str(m) for m in validators.DecimalValidator.messages.values())
    classes = [forms.Field]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        found.update(str(m) for m in getattr(cls, "default_error_messages", {}).values())
    return frozenset(found)


def _anchor(form: BaseForm, name: str) -> str:
    """The id of the field's first control: its input, or its first radio or checkbox."""
    field = form[name]
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


@register.filter
def summary_entries(form: BaseForm | None) -> list[tuple[str, str]]:
    """(anchor, message) for each problem of `form`: the form's own first (anchor ""),
    then each field's in the form's order. No query: it reads errors already found."""
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return []
    found = form.errors.as_data()
    entries = [("", message) for error in found.get("__all__", []) for message in error]
    for name in form.fields:
        for error in found.get(name, []):
            label = str(form.fields[name].label or name).rstrip(":")
            for message in error:
                if str(error.message) in django_messages():
                    message = f"{label}: {message}"
                entries.append((_anchor(form, name), message))
    return entries
