"""Courses: providers, fees, modules and learning outcomes.

A figure a source does not publish is NULL and shows "not published"; 0 means free.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, Min, OuterRef, Prefetch, Q, Value, When
from django.urls import reverse

from ..labels import HOURS_PER_MONTH, pounds
from .coverage import Coverage
from .framework import SlugManager

not_negative = MinValueValidator(Decimal("0"), "A fee cannot be negative; use 0 for free.")


class Provider(models.Model):
    """Who runs a course, e.g. University of Glasgow."""

    name = models.CharField(max_length=200, unique=True, help_text="e.g. University of Glasgow")
    slug = models.SlugField(unique=True, help_text="e.g. glasgow")

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


# Hours, for putting courses measured in hours and in months on one scale.
HOURS_PER = {"hours": Decimal(1), "weeks": Decimal(24 * 7), "months": HOURS_PER_MONTH}


class CourseQuerySet(models.QuerySet):
    def with_sort_keys(self):
        """Annotate `lowest_fee`, `lowest_nhs_fee` (cheapest published way in) and
        `longest_hours` (elapsed time on one scale). Adds no query of its own."""
        return self.annotate(
            lowest_fee=Min("fees__standard"),
            lowest_nhs_fee=Min("fees__nhs_funded"),
            longest_hours=Case(
                *(
                    When(duration_unit=unit, then=F("duration_max") * Value(factor))
                    for unit, factor in HOURS_PER.items()
                ),
                default=None,
                output_field=models.DecimalField(max_digits=12, decimal_places=2),
            ),
        )

    def for_listing(self):
        """What the course list shows, in three queries whatever the catalogue size:
        courses with provider and sort keys, then their fees, then levels covered."""
        return (
            self.with_sort_keys()
            .select_related("provider")
            .prefetch_related(
                "fees",
                Prefetch(
                    "coverage",
                    queryset=Coverage.objects.offered().only("course_id", "level_id"),
                    to_attr="offered_coverage",
                ),
            )
        )

    def filtered(
        self,
        *,
        price: str = "",
        max_cost: Decimal | None = None,
        max_months: Decimal | None = None,
        level: int | None = None,
        mode: str = "",
        endorser: str = "",
        nhs: bool = False,
        sort: str = "",
    ):
        """The course-list filters; needs `with_sort_keys()`. An empty argument means
        "any". Unpublished fees and lengths (NULL) drop out of the maximum filters."""
        fee = "lowest_nhs_fee" if nhs else "lowest_fee"
        courses = self
        if price == "free":
            courses = courses.filter(**{fee: 0})
        elif price == "paid":
            courses = courses.filter(**{f"{fee}__gt": 0})
        if max_cost is not None:
            courses = courses.filter(**{f"{fee}__lte": max_cost})
        if max_months is not None:
            courses = courses.filter(longest_hours__lte=max_months * HOURS_PER["months"])
        if level is not None:
            offered = Coverage.objects.offered().filter(course=OuterRef("pk"), level=level)
            courses = courses.filter(Exists(offered))
        if mode:
            courses = courses.filter(mode=mode)
        if endorser:
            courses = courses.filter(endorser=endorser)
        order = {
            "cost": [F(fee).asc(nulls_last=True), "title"],
            "duration": [F("longest_hours").asc(nulls_last=True), "title"],
        }.get(sort, ["title"])
        return courses.order_by(*order)

    def for_detail(self):
        """One course with everything its page shows, in six queries: course with
        provider and KSF mapping, fees, modules, outcomes, coverage with domain and
        competency, the KSF mapping's groups."""
        return self.select_related("provider", "ksf_mapping").prefetch_related(
            "fees",
            "modules",
            "outcomes",
            "ksf_mapping__groups",
            Prefetch(
                "coverage",
                queryset=Coverage.objects.select_related("domain", "competency", "module"),
            ),
        )


class CourseManager(models.Manager.from_queryset(CourseQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Course(models.Model):
    """A training course with every figure its source publishes."""

    class Mode(models.TextChoices):
        ONLINE_PROGRAMME = "online_programme", "Online distance-learning programme"
        ONLINE_COURSE = "online_course", "Online course in cohorts"
        ELEARNING = "elearning", "Self-paced e-learning"

    class Unit(models.TextChoices):
        HOURS = "hours", "hours"
        WEEKS = "weeks", "weeks"
        MONTHS = "months", "months"

    class Endorser(models.TextChoices):
        AIMH = "aimh", "AIMH UK"
        NES = "nes", "NHS Education for Scotland"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=200, help_text="e.g. Infant Mental Health (MSc)")
    slug = models.SlugField(unique=True, help_text="Web address of the course page, e.g. nes-imh.")
    award = models.CharField(
        max_length=100, blank=True, help_text="What completing it gives you, e.g. MSc. Empty: none."
    )
    exit_awards = models.CharField(
        max_length=200, blank=True, help_text="Awards for leaving early, e.g. PGDip, PGCert."
    )
    summary = models.TextField(help_text="What the course is, in our own words.")
    mode = models.CharField(
        max_length=20,
        choices=Mode,
        blank=True,
        help_text="How it is delivered. Empty when the source does not say.",
    )
    delivery = models.TextField(
        blank=True, help_text="Detail of delivery, e.g. asynchronous with optional tutorials."
    )
    duration_min = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text="Shortest time to complete, e.g. 2 (with unit hours). Empty: not published.",
    )
    duration_max = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text="Longest time to complete, e.g. 4. Same as the shortest for a fixed length.",
    )
    duration_unit = models.CharField(max_length=10, choices=Unit, blank=True)
    duration_note = models.CharField(
        max_length=200, blank=True, help_text="e.g. part-time, or of practitioner time"
    )
    starts = models.CharField(
        max_length=200,
        blank=True,
        help_text="When it starts, e.g. September. Empty: not published.",
    )
    audience = models.TextField(blank=True, help_text="Who it is for, as the source says.")
    entry_requirements = models.TextField(blank=True, help_text="Empty: none published.")
    assessment = models.TextField(blank=True, help_text="How learners are assessed.")
    endorser = models.CharField(
        max_length=10,
        choices=Endorser,
        blank=True,
        help_text="The body that endorses it, for the course-list filter. Empty: none published.",
    )
    endorsement = models.TextField(
        blank=True, help_text="Endorsement or accreditation as the source words it."
    )
    link_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the source says to find out more, e.g. the provider's course page.",
    )
    url = models.URLField(blank=True, help_text="Only a web address the source gives.")

    objects = CourseManager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_min__isnull=True)
                | Q(duration_max__isnull=True)
                | Q(duration_min__lte=F("duration_max")),
                name="course_duration_min_not_above_max",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["catalogue.provider"]

    def get_absolute_url(self):
        return reverse("catalogue:course_detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.duration_max is not None and not self.duration_unit:
            errors["duration_unit"] = "Say whether the duration is in hours, weeks or months."
        if (
            self.duration_min is not None
            and self.duration_max is not None
            and self.duration_min > self.duration_max
        ):
            errors["duration_min"] = "The shortest time cannot be longer than the longest."
        if self.duration_min is not None and self.duration_max is None:
            errors["duration_max"] = "Give the longest time too (the same for a fixed length)."
        if errors:
            raise ValidationError(errors)

    @property
    def levels_covered(self) -> list[int]:
        """The levels its offered coverage reaches. Reads the rows that
        CourseQuerySet.for_listing() prefetches (offered_coverage): no query."""
        return sorted({row.level_id for row in self.offered_coverage})

    @property
    def duration_label(self) -> str:
        if self.duration_max is None:
            return "not published"
        low, high = (f"{v.normalize():f}" for v in (self.duration_min, self.duration_max))
        span = high if low == high else f"{low}–{high}"
        unit = self.duration_unit if high != "1" else self.duration_unit.rstrip("s")
        return f"{span} {unit} {self.duration_note}".strip()

    @property
    def mode_label(self) -> str:
        return self.get_mode_display() if self.mode else "not published"

    @property
    def endorser_label(self) -> str:
        return self.get_endorser_display() if self.endorser else "none published"


class NaturalCourseChildManager(models.Manager):
    """Rows that belong to a course and are keyed within it (fees, modules, outcomes)."""

    key_field = ""

    def get_by_natural_key(self, course_slug, key):
        return self.get(course__slug=course_slug, **{self.key_field: key})


class FeeManager(NaturalCourseChildManager):
    key_field = "label"


class Fee(models.Model):
    """One way to pay for a course: the whole award, an exit award, or a block of credits."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="fees")
    label = models.CharField(
        max_length=100, help_text="What this buys, e.g. MSc, PGCert, 20 credits, Course fee."
    )
    credits = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Credits this buys, e.g. 60 for a PGCert. Empty: none."
    )
    per_credits = models.BooleanField(
        default=False,
        help_text="Tick when the price is for each block of that many credits "
        "(e.g. £1,667 per 20 credits), so single modules can be bought.",
    )
    standard = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
        help_text="Fee in pounds, e.g. 2550. 0 = free; empty = not published.",
    )
    nhs_funded = models.DecimalField(
        "NHS-funded",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[not_negative],
        help_text="Fee for NHS-funded learners, e.g. 3710. Empty = not published.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the course page.")

    objects = FeeManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "label"], name="fee_label_unique_per_course"),
            models.CheckConstraint(
                condition=Q(standard__isnull=True) | Q(standard__gte=0),
                name="fee_standard_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(nhs_funded__isnull=True) | Q(nhs_funded__gte=0),
                name="fee_nhs_funded_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {pounds(self.standard)}"

    def natural_key(self):
        return (self.course.slug, self.label)

    natural_key.dependencies = ["catalogue.course"]

    @property
    def standard_label(self) -> str:
        return pounds(self.standard)

    @property
    def nhs_funded_label(self) -> str:
        return pounds(self.nhs_funded)


class ModuleManager(NaturalCourseChildManager):
    key_field = "title"


class Module(models.Model):
    """A unit of a course, with its credits and the year it is taken."""

    class Kind(models.TextChoices):
        CORE = "core", "Core"
        OPTIONAL = "optional", "Optional"
        NOT_STATED = "", "Not stated"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200, help_text="e.g. Infant Observation")
    credits = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="e.g. 20. Empty: not published."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="e.g. 2."
    )
    stage = models.CharField(
        max_length=100, blank=True, help_text="The award this year leads to, e.g. PGDip."
    )
    kind = models.CharField(max_length=10, choices=Kind, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the course page.")

    objects = ModuleManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "title"], name="module_title_unique_per_course"
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.course.slug, self.title)

    natural_key.dependencies = ["catalogue.course"]

    @property
    def credits_label(self) -> str:
        return "not published" if self.credits is None else f"{self.credits} credits"


class OutcomeManager(NaturalCourseChildManager):
    key_field = "position"


class Outcome(models.Model):
    """Something a learner should be able to do after the course (our own words)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField(help_text="Order on the course page, e.g. 3.")
    text = models.TextField(help_text="e.g. Spot signs that development is off track.")

    objects = OutcomeManager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "position"], name="outcome_position_unique_per_course"
            ),
        ]

    def __str__(self):
        return self.text[:60]

    def natural_key(self):
        return (self.course.slug, self.position)

    natural_key.dependencies = ["catalogue.course"]
