"""Coverage: which course covers which part of the framework, at which level, and why."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .framework import Competency, Domain, Level


class CoverageQuerySet(models.QuerySet):
    def offered(self):
        """Rows that say a course does cover something (not the recorded exclusions)."""
        return self.exclude(strength=Coverage.Strength.NOT_COVERED)


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
    with the source fact it rests on. Gaps are matched against these rows."""

    class Strength(models.TextChoices):
        FULL = "full", "Covers"
        PARTIAL = "partial", "Partly covers"
        NOT_COVERED = "not_covered", "Not offered as cover"

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
    strength = models.CharField(max_length=12, choices=Strength)
    reason = models.TextField(
        help_text="The source fact this rests on, e.g. the module Infant Observation (10 credits)."
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
                condition=Q(strength__in=["full", "partial", "not_covered"]),
                name="coverage_strength_known",
            ),
        ]

    def __str__(self):
        what = self.competency.code if self.competency_id else f"domain {self.domain_id}"
        return f"{self.course} – {what} at level {self.level_id}: {self.get_strength_display()}"

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
        if errors:
            raise ValidationError(errors)

    @property
    def target_label(self) -> str:
        if self.competency_id:
            return f"{self.competency.code} {self.competency.heading}".strip()
        return f"Domain {self.domain_id} as a whole"
