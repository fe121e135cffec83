"""The framework (levels, domains, competencies and their wording) and the
training courses that cover it. Reference data: loaded from `fixtures/`,
kept right by admins, read by everyone.

A figure a source does not publish is NULL and shows "not published"; 0 means free.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Prefetch, Q, Value, When
from django.urls import reverse

from .labels import HOURS_PER_MONTH, pounds

CODE_PATTERN = r"^[1-7]\.\d{2}$"
code_validator = RegexValidator(
    CODE_PATTERN, "Use the form 1.07: domain number, a dot, two digits.", code="bad_code"
)
not_negative = MinValueValidator(Decimal("0"), "A fee cannot be negative; use 0 for free.")


# The framework -----------------------------------------------------------------


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Framework(models.Model):
    """Facts about the framework as a whole, chiefly its declared size, which the
    completeness line ("wording loaded for 2 of 63 competencies") is measured against."""

    slug = models.SlugField(unique=True, help_text="Short key used in fixtures, e.g. imhcf.")
    name = models.CharField(
        max_length=200,
        help_text="e.g. Infant Mental Health Competencies Framework (pregnancy to 2 years)",
    )
    publisher = models.CharField(max_length=200, help_text="e.g. AIMH (UK) and ITSIEY")
    published_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year of publication, e.g. 2019."
    )
    declared_competencies = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="How many competencies the publisher says the framework has, e.g. 63.",
    )
    core_idea = models.TextField(
        blank=True, help_text="The overarching capacity the domains serve, in our own words."
    )
    wording_notice = models.TextField(
        blank=True,
        help_text="Shown on the framework pages: where the official wording comes from.",
    )

    objects = SlugManager()

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Level(models.Model):
    """One of the three progressive levels; its number is its key."""

    number = models.PositiveSmallIntegerField(
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="1, 2 or 3.",
    )
    name = models.CharField(max_length=100, help_text="e.g. Knowledge base")
    summary = models.TextField(help_text="What a practitioner at this level can do.")
    typical_roles = models.TextField(
        help_text="Who usually works at this level, e.g. health visitors, midwives."
    )

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Level {self.number}: {self.name}"

    def get_absolute_url(self):
        return reverse("catalogue:framework") + f"#level-{self.number}"


class DomainQuerySet(models.QuerySet):
    def with_counts(self):
        """Each domain with `competency_count` and `worded_1`..`worded_3` (how many of
        its competencies have wording at that level). One query."""
        return self.annotate(
            competency_count=Count("competencies", distinct=True),
            worded_1=Count("competencies__wordings", filter=Q(competencies__wordings__level=1)),
            worded_2=Count("competencies__wordings", filter=Q(competencies__wordings__level=2)),
            worded_3=Count("competencies__wordings", filter=Q(competencies__wordings__level=3)),
        )


class Domain(models.Model):
    """One of the seven domains; its number is its key."""

    number = models.PositiveSmallIntegerField(
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text="1 to 7.",
    )
    name = models.CharField(max_length=200, help_text="e.g. Relationship-based practice")
    description = models.TextField(help_text="What the domain is about, in our own words.")
    declared_size = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="How many competencies the domain has, e.g. 10. Empty while unknown; "
        "the wording import sets it.",
    )

    objects = DomainQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Domain {self.number}: {self.name}"

    def get_absolute_url(self):
        return reverse("catalogue:domain_detail", args=[self.number])

    def worded_at(self, level: int) -> int:
        """Needs `with_counts()`."""
        return getattr(self, f"worded_{level}")

    def is_complete_at(self, level: int) -> bool:
        """Every competency of the domain is known and worded at `level`, so it can be
        assessed competency by competency. Needs `with_counts()`."""
        return (
            self.declared_size is not None
            and self.competency_count == self.declared_size
            and self.worded_at(level) == self.declared_size
        )

    @property
    def size_label(self) -> str:
        if self.declared_size is None:
            return "number of competencies not published"
        return f"{self.declared_size} competencies"


class CompetencyManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Competency(models.Model):
    """A numbered competency, e.g. 1.07. Its wording, one per level, is in `Wording`."""

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="competencies")
    code = models.CharField(
        max_length=4,
        unique=True,
        validators=[code_validator],
        help_text="Domain and number, e.g. 1.07.",
    )
    heading = models.CharField(
        max_length=200,
        blank=True,
        help_text="The group heading it sits under, e.g. Collaborative working. "
        "Empty while unknown.",
    )

    objects = CompetencyManager()

    class Meta:
        # "1.01" < "1.10" < "2.01": these codes sort correctly as text.
        ordering = ["code"]
        verbose_name_plural = "competencies"

    def __str__(self):
        return f"{self.code} {self.heading}".strip()

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["catalogue.domain"]

    def get_absolute_url(self):
        return reverse("catalogue:competency_detail", args=[self.code])

    def clean(self):
        if self.code and self.domain_id and not self.code.startswith(f"{self.domain_id}."):
            raise ValidationError(
                {"code": f"Code {self.code} does not belong to domain {self.domain_id}."},
                code="wrong_domain",
            )


class WordingManager(models.Manager):
    def get_by_natural_key(self, code, level):
        return self.get(competency__code=code, level_id=level)


class Wording(models.Model):
    """What a competency asks at one level: a knowledge part and an ability part."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="wordings")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="wordings")
    knowledge = models.TextField(
        help_text='The knowledge part, e.g. "Knowledge of the importance of …".'
    )
    ability = models.TextField(
        help_text='The ability part, e.g. "Ability to use the above knowledge to …".'
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where this wording comes from, e.g. Imported from imhcf-2019.xlsx.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = WordingManager()

    class Meta:
        ordering = ["competency__code", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "level"], name="wording_one_per_competency_and_level"
            )
        ]

    def __str__(self):
        return f"{self.competency.code} at level {self.level_id}"

    def natural_key(self):
        return (self.competency.code, self.level_id)

    natural_key.dependencies = ["catalogue.competency"]


class Term(models.Model):
    """A glossary entry: one of the framework's key terms, explained in our own words."""

    term = models.CharField(max_length=100, unique=True, help_text="e.g. Attunement")
    slug = models.SlugField(unique=True, help_text="Anchor on the glossary page, e.g. attunement.")
    definition = models.TextField(help_text="A plain-English explanation in our own words.")

    objects = SlugManager()

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("catalogue:glossary") + f"#{self.slug}"


# The courses ---------------------------------------------------------------------


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
        """One course with everything its page shows, in five queries: course and
        provider, fees, modules, outcomes, coverage with domain and competency."""
        return self.select_related("provider").prefetch_related(
            "fees",
            "modules",
            "outcomes",
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
        NOT_COVERED = "not_covered", "Does not cover"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="coverage")
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
        Module,
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
