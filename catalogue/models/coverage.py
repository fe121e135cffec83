"""Coverage: which course covers which part of the framework, at which level, and why."""

from typing import Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .framework import Competency, Domain, Level


class Grade(models.TextChoices):
    """How strongly the provider's own record supports a coverage link, strongest
    first. The definitions are public (GRADE_DEFINITIONS, the grades page); only
    CLOSING grades close a gap, the others contribute to it."""

    CORE = "core", "Taught in a core module"
    OUTCOME = "outcome", "Part of the core programme"
    OPTIONAL = "optional", "Only in an optional module or route"
    TOPIC = "topic", "A topic the provider names"
    NOT_OFFERED = "not_offered", "Not offered as cover"


CLOSING = frozenset({Grade.CORE})

GRADE_DEFINITIONS = {
    Grade.CORE: (
        "Every learner takes a compulsory module, named in the provider's record with its "
        "credits, which together with a learning outcome of the programme teaches the whole of "
        "what the target describes. For a whole domain that means the domain's whole "
        "description, not one topic in it. Where the record does not label the module "
        "compulsory, the reason says why we read it so (for example, the year's modules make "
        "up all the credits of its award). It closes a gap for those who take the award the "
        "module belongs to, not for the module taken alone. This is the only grade that "
        "closes a gap."
    ),
    Grade.OUTCOME: (
        "A learning outcome of the programme, or a compulsory module, that every learner "
        "meets teaches part of what the target describes; or it matches the whole but the "
        "record does not say which module teaches it. Where the record sets a condition on "
        "reaching its outcomes (such as further learning it signposts), the reason says so. "
        "It contributes to a gap; it does not close it."
    ),
    Grade.OPTIONAL: (
        "Taught only in a module or route that learners may choose not to take. It "
        "contributes to a gap for those who take that module or route."
    ),
    Grade.TOPIC: (
        "The provider names the subject as course content but does not say how deeply it is "
        "taught or how it is assessed. It contributes to a gap."
    ),
    Grade.NOT_OFFERED: (
        "Nothing in the provider's record says the course teaches this, and the record marks "
        "it not included in training (which may mean not assessed rather than not taught), "
        "or learners who completed the course reported needing further training in it. "
        "Never matched to a gap; shown so nobody assumes the course covers it."
    ),
}


class CoverageQuerySet(models.QuerySet["Coverage"]):
    def offered(self) -> Self:
        """Rows that say a course does cover something (not the recorded exclusions)."""
        return self.exclude(grade=Grade.NOT_OFFERED)


class CoverageManager(models.Manager.from_queryset(CoverageQuerySet)):
    def get_by_natural_key(self, course_slug, level, domain, code):
        return self.get(
            course__slug=course_slug,
            level_id=level,
            domain_id=domain,
            competency__code=code,
        )


class Coverage(models.Model):
    """A claim that a course covers a whole domain, or one competency, at a level,
    graded by how strongly the provider's record supports it, with the source fact it
    rests on. Gaps are matched against these rows: a closing grade closes a gap of the
    same target, anything weaker contributes to it (plans.gaps)."""

    Grade = Grade

    course = models.ForeignKey(
        "catalogue.Course", on_delete=models.CASCADE, related_name="coverage"
    )
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="coverage")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="coverage")
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coverage",
        help_text="Empty when the row covers the whole domain.",
    )
    module = models.ForeignKey(
        "catalogue.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coverage",
        help_text="The module that does the covering, where one does.",
    )
    grade = models.CharField(
        max_length=12,
        choices=Grade,
        help_text=(
            "How strongly the provider's record supports this link; see the grades page. "
            "Taught in a core module: a compulsory module and a programme outcome teach the "
            "whole target (for a domain, its whole description); the only grade that closes "
            "a gap, and it needs a module not marked optional. Part of the core programme: "
            "an outcome or compulsory module teaches part of it. Only in an optional module "
            "or route: needs the optional module where one is named. A topic the provider "
            "names: depth not stated. Not offered as cover: nothing says it is taught, and the "
            "record marks it not included, or learners reported needing further training."
        ),
    )
    reason = models.TextField(
        help_text=(
            "In our own words, the exact source fact this rests on and where it is: the module "
            "and its credits, the programme outcome, or which provider record (e.g. 'Core "
            "module Infant Observation (10 credits, year 2)')."
        )
    )

    objects = CoverageManager()

    class Meta:
        verbose_name_plural = "coverage"
        ordering = ["course", "level", "domain", "competency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "level", "domain"],
                condition=Q(competency__isnull=True),
                name="coverage_one_row_per_course_level_domain",
            ),
            models.UniqueConstraint(
                fields=["course", "level", "competency"],
                condition=Q(competency__isnull=False),
                name="coverage_one_row_per_course_level_competency",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=[g.value for g in Grade]),
                name="coverage_grade_known",
            ),
        ]

    def __str__(self):
        what = self.competency.code if self.competency_id else f"domain {self.domain_id}"
        return f"{self.course} – {what} at level {self.level_id}: {self.get_grade_display()}"

    def natural_key(self):
        code = self.competency.code if self.competency_id else None
        return (self.course.slug, self.level_id, self.domain_id, code)

    natural_key.dependencies = ["catalogue.course", "catalogue.competency"]

    def clean(self):
        errors = {}
        if self.competency_id and self.domain_id and self.competency.domain_id != self.domain_id:
            errors["competency"] = (
                f"{self.competency.code} is in domain {self.competency.domain_id}, "
                f"not domain {self.domain_id}."
            )
        if self.module_id and self.course_id and self.module.course_id != self.course_id:
            errors["module"] = "The module must belong to the same course."
        if self.reason is not None and not self.reason.strip():
            errors["reason"] = "Say which fact in the source this rests on."
        if self.grade == Grade.CORE and not self.module_id:
            errors["module"] = (
                "Taught in a core module needs the module: name the compulsory module that "
                "teaches it, or choose a weaker grade."
            )
        optional = self.module_id and self.module.kind == self.module.Kind.OPTIONAL
        if optional and self.grade in (Grade.CORE, Grade.OUTCOME):
            errors["grade"] = (
                f"{self.module.title} is optional, so not every learner takes it: choose "
                "'Only in an optional module or route'."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def closes(self) -> bool:
        """Strong enough to close a gap of its own target; weaker links contribute."""
        return self.grade in CLOSING

    @property
    def grade_definition(self) -> str:
        return GRADE_DEFINITIONS[Grade(self.grade)]

    @property
    def target_label(self) -> str:
        if self.competency_id:
            heading = self.competency.heading or "(heading not published)"
            return f"{self.competency.code} {heading}"
        # Needs the domain loaded with the row (select_related("domain")): every list of
        # links does so.
        return f"Domain {self.domain_id}: {self.domain.name} (the whole domain)"
