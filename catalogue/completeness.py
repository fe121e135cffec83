"""How much of the framework's wording is loaded, measured against its declared size.

The shipped fixture holds only what is public (the words of 1 of 63 competencies, and
our summary of one more), so every framework page says how complete it is, and a
domain is assessed competency by competency only once all its wording is in (see
Domain.is_complete_at). Our summaries are never counted as the framework's wording.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import LEVELS, Competency, Framework


@dataclass(frozen=True)
class Completeness:
    declared: int  # the publisher's count, e.g. 63
    known: int  # competencies whose code is loaded
    worded: int  # competencies with the framework's own wording at one level or more
    by_level: dict[int, int]  # level -> competencies with the framework's wording there
    summarised: int = 0  # competencies shown only in our summary, at every level they have

    @property
    def line(self) -> str:
        return f"the wording of {self.worded} of {self.declared} competencies"

    @property
    def is_complete(self) -> bool:
        return all(self.by_level[level] == self.declared for level in LEVELS)


def framework_completeness(framework: Framework | None = None) -> Completeness:
    """Two queries: the framework row (unless given) and one aggregate over competencies."""
    framework = framework or Framework.objects.get()
    quoted = Q(wordings__is_summary=False)
    counts = Competency.objects.aggregate(
        known=Count("pk", distinct=True),
        worded=Count("pk", filter=quoted & Q(wordings__isnull=False), distinct=True),
        summarised=Count("pk", filter=Q(wordings__is_summary=True), distinct=True),
        **{f"level_{n}": Count("wordings", filter=quoted & Q(wordings__level=n)) for n in LEVELS},
    )
    return Completeness(
        declared=framework.declared_competencies,
        known=counts["known"],
        worded=counts["worded"],
        by_level={n: counts[f"level_{n}"] for n in LEVELS},
        summarised=counts["summarised"],
    )
