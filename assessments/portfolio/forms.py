"""Forms for the portfolio. Every long text box says not to name a baby, a family or a
colleague: a portfolio may be seen by a manager or a regulator's sample."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError

from catalogue.models import Competency, Course, Domain, Module

from ..models import (
    CodeTheme,
    Reflection,
    ReflectionKind,
    Registration,
    Template,
    TrainingRecord,
    User,
)
from . import files

if TYPE_CHECKING:
    # ModelForm is generic in django-stubs only: at run time it takes no type argument.
    _RecordModelForm = forms.ModelForm[TrainingRecord]
    _ReflectionModelForm = forms.ModelForm[Reflection]
    _RegistrationModelForm = forms.ModelForm[Registration]
else:
    _RecordModelForm = _ReflectionModelForm = _RegistrationModelForm = forms.ModelForm

NO_NAMES = (
    "Do not name or describe a baby, parent, family or colleague in a way that could identify them."
)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def read_choices(form: forms.BaseForm, *names: str) -> None:
    """Read the choices of catalogue and record pickers here, in the view, one query each,
    so that rendering the form never queries (tests/test_no_queries_in_templates.py)."""
    for name in names:
        if name in form.fields:
            field = _choice(form, name)
            # django-stubs type the getter as what the setter takes (a Choices class, a
            # mapping, a callable); Django gives back the normalised choices.
            field.widget.choices = list(field.choices)  # type: ignore[arg-type]


def _picker(form: forms.BaseForm, name: str) -> "forms.ModelChoiceField[Any]":
    """A field that picks rows (a foreign key or many-to-many of the model)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _label_rows(field: "forms.ModelChoiceField[Any]", label: Callable[[Any], str]) -> None:
    """How a picker names each row: Django calls the field's label_from_instance, set
    here on the field itself (setattr: mypy refuses assigning over a method)."""
    setattr(field, "label_from_instance", label)  # noqa: B010


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A field of a model field with choices."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class FileField(forms.FileField):
    """One evidence file, checked from its content against the person's allowance."""

    widget = forms.ClearableFileInput(
        attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx", "class": "form-control"}
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class WithFile:
    """A form holding one evidence file (`file`), checked against `used`: what the
    person's files take now. Its help says the limits as they are set now."""

    # Given by the form class it is mixed into.
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, used: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.used = used
        self.fields["file"].help_text = files.limits()

    def clean_file(self) -> files.Checked | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        return files.check(upload, used=self.used)


class UploadForm(WithFile, forms.Form):
    """A file added on its own (to a record, a reflection or a grid item); prefixed, as
    it shares its page with another form that has a file."""

    prefix = "upload"
    file = FileField(required=True, label="Add a file")

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # BaseForm._post_clean: not in django-stubs
        if "file" in self.errors:  # drawn in red, as crispy draws the other forms' fields
            attrs = self.fields["file"].widget.attrs
            attrs["class"] = "form-control is-invalid"
            auto_id = self["file"].auto_id
            attrs["aria-describedby"] = f"{auto_id}_error {auto_id}_helptext"


class RecordForm(WithFile, _RecordModelForm):
    file = FileField(label="Certificate or other evidence (optional)")

    class Meta:
        model = TrainingRecord
        fields = [
            "course",
            "module",
            "title",
            "provider",
            "method",
            "started",
            "finished",
            "hours",
            "participatory_hours",
            "covered",
            "code_theme",
            "peer_discussed",
        ]
        labels = {
            "course": "Course from our catalogue",
            "module": "Only one module of it",
            "hours": "CPD hours",
            "participatory_hours": "Participatory hours",
            "covered": "What it covered, and how it relates to your practice",
            "code_theme": "Part of the NMC Code most relevant (NMC registrants)",
            "peer_discussed": "I discussed this learning with a peer",
        }
        help_texts = {
            "covered": NO_NAMES,
            "participatory_hours": "Hours spent learning with other professionals, in person "
            "or online (the NMC asks for 20 of its 35). 0 if none.",
        }
        widgets = {
            "started": DATE,
            "finished": DATE,
            "covered": forms.Textarea(attrs={"rows": 5}),
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
            "participatory_hours": forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        course, module = _picker(self, "course"), _picker(self, "module")
        course.queryset = Course.objects.select_related("provider").order_by("title")
        course.empty_label = "Not from the catalogue"
        module.queryset = Module.objects.select_related("course").order_by(
            "course__title", "position", "pk"
        )
        _label_rows(module, lambda m: f"{m.course.title}: {m.title}")
        module.empty_label = "The whole course, or not from the catalogue"
        self.fields["title"].required = False
        self.fields["title"].help_text = "Filled in from the catalogue when you choose a course."
        _choice(self, "code_theme").choices = [("", "Not given")] + list(CodeTheme.choices)
        read_choices(self, "course", "module")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean returns
        course, module = data.get("course"), data.get("module")
        if module and not course:
            data["course"] = course = module.course
        if module and course and module.course_id != course.pk:
            self.add_error("module", f"“{module.title}” is a module of another course.")
        if course and not data.get("title"):
            data["title"] = module.title if module else course.title
            self.instance.title = data["title"]
        if course and not data.get("provider"):
            data["provider"] = course.provider.name
            self.instance.provider = data["provider"]
        if not data.get("title"):
            self.add_error("title", "Give the training a title, or choose a catalogue course.")
        started, finished = data.get("started"), data.get("finished")
        if started and finished and started > finished:
            self.add_error("started", "The start is after the day it was finished.")
        hours, participatory = data.get("hours"), data.get("participatory_hours")
        if hours is not None and hours < 0:
            self.add_error("hours", "Hours cannot be below 0.")
        if hours is not None and participatory is not None and participatory > hours:
            self.add_error(
                "participatory_hours",
                f"Participatory hours are part of the CPD hours: at most {hours}.",
            )
        return data


PROMPTS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    # (template, kind) -> labels of activity, learned, changed, relevance; our own words,
    # following the prompts each regulator's form asks.
    (Template.NMC, ReflectionKind.ACCOUNT): (
        "What was the activity, feedback or event?",
        "What did you learn from it?",
        "How did you change or improve your practice as a result?",
        "How is this relevant to the Code?",
    ),
    (Template.SWE, ReflectionKind.ACCOUNT): (
        "What did you do? (the type of activity, and a short description)",
        "What did you learn?",
        "What impact has it had, or will it have, on your practice?",
        "Who did you discuss it with, and what came of that? (peer reflection)",
    ),
    (Template.GENERAL, ReflectionKind.ACCOUNT): (
        "What happened?",
        "What did you learn?",
        "What will you do differently?",
        "How does it link to the competencies you are working on?",
    ),
    (Template.GENERAL, ReflectionKind.FEEDBACK): (
        "What was the feedback?",
        "What did you take from it?",
        "How did it improve your practice?",
        "",
    ),
    (Template.GENERAL, ReflectionKind.DISCUSSION): (
        "What you discussed (the reflective accounts and themes)",
        "",
        "",
        "",
    ),
}
TEXTS = ("activity", "learned", "changed", "relevance")


def prompts(template: str, kind: str) -> tuple[str, ...]:
    return PROMPTS.get((template, kind)) or PROMPTS[(Template.GENERAL, kind)]


class ReflectionForm(WithFile, _ReflectionModelForm):
    file = FileField(label="A file that backs it (optional)")
    code_themes = forms.MultipleChoiceField(
        choices=CodeTheme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Themes of the NMC Code it relates to",
    )

    class Meta:
        model = Reflection
        fields = [
            "template",
            "title",
            "happened_on",
            "record",
            "activity",
            "learned",
            "changed",
            "relevance",
            "code_themes",
            "source",
            "peer_discussed",
            "partner_name",
            "partner_pin",
            "partner_email",
            "partner_address",
            "partner_postcode",
            "domains",
            "competencies",
        ]
        labels = {
            "template": "Form to follow",
            "happened_on": "Date",
            "record": "The training it is about (optional)",
            "source": "Who the feedback came from",
            "peer_discussed": "I discussed this with a peer",
            "partner_name": "Their name",
            "partner_pin": "Their NMC PIN",
            "partner_email": "Their e-mail address",
            "partner_address": "Their professional address",
            "partner_postcode": "Postcode",
            "domains": "Domains it relates to",
            "competencies": "Competencies it relates to",
        }
        widgets = {
            "happened_on": DATE,
            "domains": forms.CheckboxSelectMultiple,
            "competencies": forms.CheckboxSelectMultiple,
            **{name: forms.Textarea(attrs={"rows": 4}) for name in TEXTS},
        }

    def __init__(self, *args: Any, user: User, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.kind = kind
        record, domains = _picker(self, "record"), _picker(self, "domains")
        competencies = _picker(self, "competencies")
        record.queryset = TrainingRecord.objects.filter(user=user)
        record.empty_label = "None"
        domains.queryset = Domain.objects.order_by("number")
        _label_rows(domains, lambda d: f"Domain {d.number}: {d.name}")
        competencies.queryset = Competency.objects.select_related("domain").order_by("code")
        _label_rows(
            competencies,
            lambda c: (
                f"{c.code} {c.heading}"
                if c.heading
                else f"{c.code} (Domain {c.domain.number}: {c.domain.name})"
            ),
        )
        if kind != ReflectionKind.ACCOUNT:
            self.fields["template"].widget = forms.HiddenInput()
            self.fields["template"].initial = Template.GENERAL
            del self.fields["peer_discussed"]
        template = (
            self.data.get("template") or self.initial.get("template") or (self.instance.template)
        )
        for name, label in zip(TEXTS, prompts(template, kind), strict=True):
            if label:
                self.fields[name].label = label
                self.fields[name].help_text = NO_NAMES
            else:
                del self.fields[name]
        self.fields["activity"].required = True
        if kind != ReflectionKind.ACCOUNT or template != Template.NMC:
            del self.fields["code_themes"]
        if kind != ReflectionKind.FEEDBACK:
            del self.fields["source"]
        if kind != ReflectionKind.DISCUSSION:
            for name in [f for f in self.fields if f.startswith("partner_")]:
                del self.fields[name]
        else:
            self.fields["partner_name"].required = True
            self.fields["partner_name"].help_text = (
                "These are your discussion partner's personal data: they are kept in your "
                "portfolio only, to show the NMC if asked, and deleted with it. Tell your "
                "partner you keep them."
            )

        read_choices(self, "record", "domains", "competencies")

    def clean_template(self) -> str:
        if self.instance.kind != ReflectionKind.ACCOUNT:
            return Template.GENERAL  # only accounts follow a regulator's form
        template: str = self.cleaned_data["template"]
        return template

    def clean_partner_pin(self) -> str:
        pin: str = self.cleaned_data.get("partner_pin", "").strip().upper()
        if pin and not (len(pin) == 8 and pin[:2].isdigit() and pin[2].isalpha()):
            raise ValidationError("An NMC PIN looks like 12A3456B: two digits, a letter, ...")
        return pin


class RegistrationForm(_RegistrationModelForm):
    class Meta:
        model = Registration
        fields = ["regulator", "renewal_date", "appraisal_date", "notify_dates", "notify_team"]
        labels = {
            "regulator": "Who you are registered with",
            "renewal_date": "Your next revalidation application or renewal date",
            "appraisal_date": "Your next appraisal",
            "notify_dates": "E-mail me before these dates",
            "notify_team": "E-mail me when a team member shares evidence with me, or a manager "
            "reviews or signs off my assessment",
        }
        help_texts = {
            "regulator": "",
            "renewal_date": "NMC: your revalidation application date (the application opens "
            "60 days before it). Social Work England: 30 November.",
            "appraisal_date": "",
            "notify_dates": "",
            "notify_team": "",
        }
        widgets = {"renewal_date": DATE, "appraisal_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regulator = _choice(self, "regulator")
        # list(): see read_choices on the stubs' choices getter.
        regulator.choices = [("", "None of these")] + list(regulator.choices)[1:]  # type: ignore[arg-type]
