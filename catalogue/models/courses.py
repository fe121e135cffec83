"""Courses: providers, fees, modules and learning outcomes.

A figure a source does not publish is NULL and shows "not published"; 0 means free.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, Min, OuterRef, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone

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
        """Annotate `lowest_fee`, `lowest_nhs_fee` (the cheapest price a person can pay:
        an award or a course fee, never a rate per block of credits, which the providers
        do not say buys anything alone) and `longest_hours` (elapsed time on one scale).
        Adds no query of its own."""
        payable = Q(fees__per_credits=False)
        return self.annotate(
            lowest_fee=Min("fees__standard", filter=payable),
            lowest_nhs_fee=Min("fees__nhs_funded", filter=payable),
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
        NES = "nes", "NHS Education for Scotland, which also wrote it"

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
    requires_degree_or_registration = models.BooleanField(
        "Entry needs a degree or a professional registration",
        default=False,
        help_text="Tick when the published entry requirements ask for a degree (e.g. a 2:1 "
        "Honours in a relevant subject) or a registered health or social care professional "
        "qualification. Leave it clear when the provider publishes no such requirement.",
    )
    assessment = models.TextField(blank=True, help_text="How learners are assessed.")
    outcomes_heading = models.CharField(
        max_length=200,
        blank=True,
        help_text="Heading over the course's outcomes when the record words them otherwise, "
        "e.g. Topics the university names, or the condition the record sets: What learners "
        "should be able to do after the module and the further learning it signposts. "
        "Empty: What learners should be able to do.",
    )
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
    def outcomes_title(self) -> str:
        return self.outcomes_heading or "What learners should be able to do"

    @property
    def lowest_fee_label(self) -> str:
        """Needs `with_sort_keys()`."""
        return pounds(self.lowest_fee)

    @property
    def lowest_nhs_fee_label(self) -> str:
        """Needs `with_sort_keys()`."""
        return pounds(self.lowest_nhs_fee)

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
    """One price a course publishes: the whole award, an exit award, the course fee, or a
    rate per block of credits. A fee published for one dated run carries that run's dates."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="fees")
    label = models.CharField(
        max_length=100,
        help_text="What the price is for, e.g. MSc, PGCert, Course fee, or per 20 credits "
        "for a rate.",
    )
    credits = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Credits this buys, e.g. 60 for a PGCert. Empty: none."
    )
    per_credits = models.BooleanField(
        default=False,
        help_text="Tick when the price is a rate for each block of that many credits "
        "(e.g. £1,667 per 20 credits). It is a rate, not a purchase: unless the provider says "
        "single modules are sold, it is not a price anyone can pay on its own.",
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
    run_starts = models.DateField(
        null=True,
        blank=True,
        help_text="When the fee is published for one dated run only: the day that run starts, "
        "e.g. 2023-01-01 (the first of the month when only the month is given). Empty: the "
        "fee is not tied to a run.",
    )
    run_ends = models.DateField(
        null=True,
        blank=True,
        help_text="The day that run ends, e.g. 2023-09-30 (the last of the month when only the "
        "month is given). Once it is past, pages say the run has ended.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the course page.")

    objects = FeeManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "label"], name="fee_label_unique_per_course"),
            models.CheckConstraint(
                condition=Q(run_starts__isnull=True)
                | Q(run_ends__isnull=True)
                | Q(run_starts__lte=F("run_ends")),
                name="fee_run_starts_not_after_it_ends",
            ),
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

    def clean(self):
        if self.run_starts and self.run_ends and self.run_starts > self.run_ends:
            raise ValidationError(
                {"run_ends": "The run cannot end before it starts."}, code="run_ends_early"
            )

    @property
    def standard_label(self) -> str:
        return pounds(self.standard)

    @property
    def nhs_funded_label(self) -> str:
        return pounds(self.nhs_funded)

    @property
    def run_ended(self) -> bool:
        return self.run_ends is not None and self.run_ends < timezone.localdate()

    @property
    def run_label(self) -> str:
        """Empty when the fee is not tied to a run; otherwise which run it is for, e.g.
        "for the January–September 2023 run only; that run has ended and no later run is
        published" ("has ended" once `run_ends` is past). Said beside the fee wherever it
        is shown or used."""
        if self.run_starts is None and self.run_ends is None:
            return ""
        run = _run_name(self.run_starts, self.run_ends)
        if self.run_ended:
            return f"for {run} only; that run has ended and no later run is published"
        return f"for {run}"


def _run_name(starts: date | None, ends: date | None) -> str:
    """the January–September 2023 run / the September 2023–June 2024 run / the run
    starting January 2023 / the run ending September 2023."""
    if ends is None:
        return f"the run starting {starts:%B %Y}"
    if starts is None:
        return f"the run ending {ends:%B %Y}"
    if (starts.year, starts.month) == (ends.year, ends.month):
        return f"the {starts:%B %Y} run"
    if starts.year == ends.year:
        return f"the {starts:%B}–{ends:%B %Y} run"
    return f"the {starts:%B %Y}–{ends:%B %Y} run"


class ModuleManager(NaturalCourseChildManager):
    key_field = "title"


class Module(models.Model):
    """A unit of a course, with its credits and the year it is taken."""

    class Kind(models.TextChoices):
        CORE = "core", "Core"
        OPTIONAL = "optional", "Optional"
        # The record labels neither, but the year's modules add up to exactly the credits
        # of the award that year leads to, so every learner of that year takes them all.
        WHOLE_YEAR = "whole_year", "Taken by every learner of the year (our reading)"
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
    kind = models.CharField(
        max_length=10,
        choices=Kind,
        blank=True,
        help_text="Core or optional as the record labels it. Taken by every learner of the "
        "year: the record labels neither, but the year's modules add up to exactly the credits "
        "of its award (e.g. four Year 1 modules making the 60-credit PGCert). Empty: not stated.",
    )
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

    @property
    def kind_label(self) -> str:
        """How the course page says it: our reading is said to be ours."""
        if self.kind == self.Kind.WHOLE_YEAR:
            stage = f" the {self.stage}" if self.stage else " that year's award"
            return (
                "Taken by every learner of the year: the record labels it neither core nor "
                f"optional, but the year's modules make up all the credits of{stage} "
                "(our reading of the credits)"
            )
        return self.get_kind_display()


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
