"""Public pages: the framework browser, the courses and the glossary.

Every page here is open to anyone (`@login_not_required`) and kept whole in the cache
for visitors who are not signed in (page_cache.py); all reads go through
QuerySet methods whose query counts are pinned by tests.
"""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .completeness import framework_completeness
from .forms import CourseFilterForm, FrameworkSearchForm
from .models import (
    CLOSING,
    GRADE_DEFINITIONS,
    KSF_SECTIONS,
    LEVELS,
    Competency,
    Course,
    Coverage,
    Domain,
    Framework,
    Grade,
    KsfGroup,
    Level,
    Term,
    Wording,
)
from .page_cache import cached_for_visitors


@dataclass
class DomainSection:
    """A domain on the framework page with the competencies to show under it."""

    domain: Domain
    competencies: list[Competency] = field(default_factory=list)


@require_GET
@login_not_required
@cached_for_visitors
def accessibility(request):
    """How accessible the site is, how that is checked, and what is not yet right."""
    return render(request, "catalogue/accessibility.html")


@require_GET
@login_not_required
@cached_for_visitors
def home(request):
    """What the site is for, and how complete the loaded framework is."""
    context = {
        "completeness": framework_completeness(),
        "course_count": Course.objects.count(),
        "levels": list(Level.objects.all()),
    }
    return render(request, "catalogue/home.html", context)


@require_GET
@login_not_required
@cached_for_visitors
def framework(request):
    """Levels, domains and competencies, with search. Six queries whatever the size."""
    form = FrameworkSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""

    competencies = Competency.objects.prefetch_related(
        Prefetch("wordings", queryset=Wording.objects.order_by("level"))
    )
    domains = Domain.objects.with_counts()
    if q:
        match = (
            Q(code__icontains=q)
            | Q(heading__icontains=q)
            | Q(wordings__knowledge__icontains=q)
            | Q(wordings__ability__icontains=q)
        )
        competencies = competencies.filter(match).distinct()
    sections = {domain.number: DomainSection(domain) for domain in domains}
    for competency in competencies:
        sections[competency.domain_id].competencies.append(competency)
    if q:
        # Keep domains that match by name or description, or that hold a matching competency.
        lowered = q.lower()
        sections = {
            number: section
            for number, section in sections.items()
            if section.competencies
            or lowered in section.domain.name.lower()
            or lowered in section.domain.description.lower()
        }
    framework = Framework.objects.get()
    context = {
        "form": form,
        "q": q,
        "framework": framework,
        "completeness": framework_completeness(framework),
        "levels": list(Level.objects.all()),
        "sections": list(sections.values()),
        "match_count": sum(len(s.competencies) for s in sections.values()),
    }
    return render(request, "catalogue/framework.html", context)


def _coverage_by_level(rows) -> dict[int, list[Coverage]]:
    by_level: dict[int, list[Coverage]] = {level: [] for level in LEVELS}
    for row in rows:
        by_level[row.level_id].append(row)
    return by_level


@require_GET
@login_not_required
@cached_for_visitors
def domain_detail(request, number):
    """A domain: its competencies, their wording per level and the courses covering it."""
    domain = get_object_or_404(Domain.objects.with_counts(), number=number)
    competencies = list(
        domain.competencies.prefetch_related(
            Prefetch("wordings", queryset=Wording.objects.order_by("level"))
        )
    )
    coverage = (
        Coverage.objects.filter(domain=domain)
        .select_related("course__provider", "domain", "competency", "module")
        .order_by("level", "course__title", "competency__code")
    )
    context = {
        "domain": domain,
        "competencies": competencies,
        "levels": [
            (
                level,
                domain.is_complete_at(level),
                domain.quoted_at(level),
                domain.summarised_at(level),
            )
            for level in LEVELS
        ],
        "coverage_by_level": _coverage_by_level(coverage),
    }
    return render(request, "catalogue/domain_detail.html", context)


@require_GET
@login_not_required
@cached_for_visitors
def competency_detail(request, code):
    """One competency: its wording at each level and which courses cover it, and why."""
    competency = get_object_or_404(
        Competency.objects.select_related("domain").prefetch_related("wordings"), code=code
    )
    wording = {w.level_id: w for w in competency.wordings.all()}
    coverage = (
        Coverage.objects.filter(
            Q(competency=competency) | Q(domain=competency.domain_id, competency=None)
        )
        .select_related("course__provider", "domain", "competency", "module")
        .order_by("level", "course__title")
    )
    context = {
        "competency": competency,
        "levels": [(level, wording.get(level.number)) for level in Level.objects.all()],
        "coverage_by_level": _coverage_by_level(coverage),
    }
    return render(request, "catalogue/competency_detail.html", context)


@require_GET
@login_not_required
@cached_for_visitors
def course_list(request):
    """Courses with filters and sorting; bad filter values are reported, the rest still apply."""
    form = CourseFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    courses = list(Course.objects.for_listing().filtered(**filters))
    context = {
        "form": form,
        "courses": courses,
        "nhs": filters.get("nhs", False),
        "filtered": bool(filters.keys() - {"sort", "nhs"}),
    }
    return render(request, "catalogue/course_list.html", context)


@dataclass
class DomainCoverage:
    domain: Domain
    by_level: dict[int, list[Coverage]]


@require_GET
@login_not_required
@cached_for_visitors
def course_detail(request, slug):
    """A course: modules, fees side by side, outcomes, and coverage by domain and level."""
    course = get_object_or_404(Course.objects.for_detail(), slug=slug)
    rows = course.coverage.all()
    table = [
        DomainCoverage(domain, _coverage_by_level(r for r in rows if r.domain_id == domain.number))
        for domain in Domain.objects.all()
    ]
    context = {
        "course": course,
        "coverage_table": table,
        "has_nhs_fees": any(fee.nhs_funded is not None for fee in course.fees.all()),
        "ksf": _ksf_sections(course),
    }
    return render(request, "catalogue/course_detail.html", context)


@dataclass
class KsfSection:
    """One section of a course's KSF mapping, with its groups and their sums."""

    number: int
    title: str
    groups: list[KsfGroup]

    @property
    def included(self) -> int:
        return sum(g.included for g in self.groups)

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)


def _ksf_sections(course) -> list[KsfSection]:
    """The course's KSF mapping by section, or [] when its record has none. No query:
    for_detail() read the mapping and its groups."""
    mapping = getattr(course, "ksf_mapping", None)
    if mapping is None:
        return []
    groups = list(mapping.groups.all())
    return [
        KsfSection(number, title, [g for g in groups if g.section == number])
        for number, title in KSF_SECTIONS.items()
    ]


@require_GET
@login_not_required
@cached_for_visitors
def glossary(request):
    """The framework's key terms, in our own words."""
    return render(request, "catalogue/glossary.html", {"terms": list(Term.objects.all())})


@dataclass(frozen=True)
class GradeRow:
    """A coverage grade on the grades page: its words, whether it closes, how many links."""

    value: str
    label: str
    definition: str
    closes: bool
    links: int


@login_not_required
@require_GET
@cached_for_visitors
def grades(request):
    """What each coverage grade means, and which grades close a gap. One query."""
    counts = dict(
        Coverage.objects.values("grade").annotate(n=Count("pk")).values_list("grade", "n")
    )
    rows = [
        GradeRow(
            grade.value,
            grade.label,
            GRADE_DEFINITIONS[grade],
            grade in CLOSING,
            counts.get(grade.value, 0),
        )
        for grade in Grade
    ]
    return render(request, "catalogue/grades.html", {"grades": rows})
