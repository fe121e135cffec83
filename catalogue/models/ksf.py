"""The providers' own mappings of a course to NHS Education for Scotland's knowledge
and skills framework (KSF) for children and young people's mental health, as the
course records publish them ("KSF dimension information"): per section and group,
how many of the framework's statements the provider marks as included in the
training and how many not.

Evidence for coverage grades, never cover by itself: it is not a mapping to the
IMHCF, each provider maps a different level of the KSF, and "not included" may mean
"not assessed" rather than "absent" (Glasgow marks observation and formulation not
included although its own core modules and outcomes teach them). Counts only: the
statements are NES's words."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .courses import Course

# The five sections, in the order both records give them.
SECTIONS = {
    1: "Child development and attachment",
    2: "Mental health in children, young people and their families",
    3: "Engagement, containment and communication",
    4: "Identification and understanding of need",
    5: "Supports and interventions",
}


class KsfMappingManager(models.Manager):
    def get_by_natural_key(self, course_slug):
        return self.get(course__slug=course_slug)


class KsfMapping(models.Model):
    """One course's KSF mapping as its provider's record gives it."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="ksf_mapping")
    practice_level = models.CharField(
        max_length=100,
        blank=True,
        help_text="The KSF practice level the record names, e.g. informed. Empty: the record "
        "does not say.",
    )
    source = models.CharField(
        max_length=300,
        help_text="Where the figures come from, e.g. the provider's record, section "
        "'KSF dimension information'.",
    )

    objects = KsfMappingManager()

    class Meta:
        verbose_name = "KSF mapping"

    def __str__(self):
        return f"KSF mapping of {self.course}"

    def natural_key(self):
        return (self.course.slug,)

    natural_key.dependencies = ["catalogue.course"]


class KsfGroupManager(models.Manager):
    def get_by_natural_key(self, course_slug, section, group):
        return self.get(mapping__course__slug=course_slug, section=section, group=group)


class KsfGroup(models.Model):
    """One group of statements in one section, with the provider's counts."""

    mapping = models.ForeignKey(KsfMapping, on_delete=models.CASCADE, related_name="groups")
    section = models.PositiveSmallIntegerField(
        choices=list(SECTIONS.items()),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 to 5, e.g. 1 for child development and attachment.",
    )
    group = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Its place in the section, from 1."
    )
    topic = models.CharField(
        max_length=200, help_text="What the group is about, in our own words, e.g. Play."
    )
    included = models.PositiveSmallIntegerField(
        help_text="Statements the provider marks as included in the training."
    )
    not_included = models.PositiveSmallIntegerField(
        help_text="Statements the provider marks as not included."
    )

    objects = KsfGroupManager()

    class Meta:
        verbose_name = "KSF group"
        ordering = ["mapping", "section", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "section", "group"], name="ksf_group_unique_in_mapping"
            )
        ]

    def __str__(self):
        return f"{self.mapping.course}: KSF {self.section}.{self.group} {self.topic}"

    def natural_key(self):
        return (self.mapping.course.slug, self.section, self.group)

    natural_key.dependencies = ["catalogue.ksfmapping"]

    @property
    def total(self) -> int:
        return self.included + self.not_included
