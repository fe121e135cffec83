"""The framework: levels, domains, competencies, their wording, and the glossary."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

CODE_PATTERN = r"^[1-7]\.\d{2}$"
code_validator = RegexValidator(
    CODE_PATTERN, "Use the form 1.07: domain number, a dot, two digits.", code="bad_code"
)


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
    sources = models.TextField(
        blank=True,
        help_text="Where each fact about the framework on this site comes from, e.g. the "
        "introduction for the levels; reports of the launch for the total of 63. Shown on "
        "the framework page.",
    )

    objects = SlugManager()

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


# The framework's three progressive levels, by number: the one definition for code
# that needs them without reading the Level rows.
LEVELS = (1, 2, 3)


def level_choices() -> list[tuple[str, str]]:
    """The levels as a form's choices by number ("1", "Level 1"); a level's full name
    ("Level 1: Knowing the knowledge base") is its row's __str__."""
    return [(str(n), f"Level {n}") for n in LEVELS]


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
        """Each domain with `competency_count`; `worded_1`..`worded_3`, how many of its
        competencies have wording at that level, our summaries included (what the
        assessment can show); and `quoted_1`..`quoted_3` and `summarised_1`..
        `summarised_3`, how many of those are the framework's own words and how many our
        summary. One query."""
        wording = "competencies__wordings"

        def count(level: int, **summary) -> Count:
            extra = {f"{wording}__is_summary": summary["is_summary"]} if summary else {}
            return Count(wording, filter=Q(**{f"{wording}__level": level}, **extra))

        return self.annotate(
            competency_count=Count("competencies", distinct=True),
            **{f"worded_{n}": count(n) for n in LEVELS},
            **{f"quoted_{n}": count(n, is_summary=False) for n in LEVELS},
            **{f"summarised_{n}": count(n, is_summary=True) for n in LEVELS},
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

    def summarised_at(self, level: int) -> int:
        """How many of `worded_at(level)` are our summary. Needs `with_counts()`."""
        return getattr(self, f"summarised_{level}")

    def quoted_at(self, level: int) -> int:
        """Competencies with the framework's own wording at `level`. Needs `with_counts()`."""
        return getattr(self, f"quoted_{level}")

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
    """What a competency asks at one level: a knowledge part and an ability part. Either
    the framework's own words, or (`is_summary`) our summary of them, which every page
    marks as ours and the completeness line does not count."""

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
    is_summary = models.BooleanField(
        "our summary",
        default=False,
        help_text="Tick when this is our own summary, not the framework's words (e.g. the gist "
        'of a public grid). Pages mark it "our summary" and it does not count as the '
        "framework's wording. Importing the official wording clears it.",
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
