"""Where a practitioner stands: the ratings read for a page, and progress per domain
and level. Computed from the framework (assessments.items) and one query for the
user's ratings."""

from dataclasses import dataclass, field

from django.urls import reverse

from catalogue.models import Domain

from ..items import LEVELS, FrameworkView, Item, answer_label, whole_domain_code
from ..models import Rating, Status


def ratings_by_key(user, *, level: int | None = None, domain: int | None = None):
    """The user's ratings keyed like Item.key. One query."""
    ratings = Rating.objects.filter(user=user)
    if level is not None:
        ratings = ratings.filter(level=level)
    if domain is not None:
        ratings = ratings.filter(domain=domain)
    return {(r.level_id, r.domain_id, r.competency_id): r for r in ratings}


@dataclass(frozen=True)
class Answer:
    """A rating's status and evidence, without the cost of a model instance."""

    level: int
    code: str
    status: str
    evidence: str
    label: str = ""  # what a person reads: "1.07 Heading" or the domain by its name

    def get_status_display(self) -> str:
        return Status(self.status).label


def answers_by_key(user) -> dict[tuple, Answer]:
    """Every answer of the user keyed like Item.key. One light query (values_list):
    the dashboard, gaps and plan read up to 189 of these per page."""
    rows = Rating.objects.filter(user=user).values_list(
        "level",
        "domain",
        "competency",
        "competency__code",
        "status",
        "evidence",
        "competency__heading",
        "domain__name",
    )
    return {
        (level, domain, competency): Answer(
            level,
            code or whole_domain_code(domain),
            status,
            evidence,
            answer_label(code, heading, domain, domain_name),
        )
        for level, domain, competency, code, status, evidence, heading, domain_name in rows
    }


def status_of(ratings: dict, item: Item) -> str:
    """`ratings` maps Item.key to a Rating or an Answer."""
    rating = ratings.get(item.key)
    return rating.status if rating else Status.NOT_ASSESSED


@dataclass
class Cell:
    """Progress in one domain at one level."""

    level: int
    domain: Domain
    total: int
    achieved: int = 0
    working: int = 0
    # The answer for the domain as a whole, given before its wording was added, while
    # none of its competencies has been rated: the starting point to confirm.
    as_whole: "Answer | None" = None
    whole: bool = False  # the domain is rated as a whole here (one item)

    @property
    def not_assessed(self) -> int:
        return self.total - self.achieved - self.working

    @property
    def percent(self) -> int:
        return round(100 * self.achieved / self.total) if self.total else 0

    @property
    def working_percent(self) -> int:
        """The share working towards, drawn after the achieved share in the bar."""
        return (
            round(100 * (self.achieved + self.working) / self.total) - self.percent
            if self.total
            else 0
        )

    @property
    def summary(self) -> str:
        """What the link under the bar says: the status itself for a domain rated as a
        whole ("achieved"), counts for a domain rated competency by competency."""
        if self.whole:
            if self.achieved:
                return Status.ACHIEVED.label.lower()
            status = Status.WORKING_TOWARDS if self.working else Status.NOT_ASSESSED
            return status.label.lower()
        text = f"{self.achieved} of {self.total} achieved"
        return f"{text}, {self.working} working towards" if self.working else text

    @property
    def label(self) -> str:
        return f"{self.achieved} of {self.total} achieved, {self.working} working towards"

    def get_absolute_url(self) -> str:
        """The grid for this domain at this level."""
        return reverse("assessments:grid", args=[self.level, self.domain.number])


@dataclass
class Progress:
    target: int
    cells: dict[int, list[Cell]]  # level -> a cell per domain
    level_done: dict[int, bool]  # the level itself is fully achieved
    blockers: dict[int, list[Item]] = field(default_factory=dict)  # level -> items in the way

    def is_complete(self, level: int) -> bool:
        """A level counts only when it and every lower level are fully achieved."""
        return all(self.level_done[lower] for lower in LEVELS if lower <= level)

    @property
    def awaiting(self) -> list[Cell]:
        """Domains answered as a whole before their wording was added, not yet confirmed
        competency by competency."""
        return [cell for cells in self.cells.values() for cell in cells if cell.as_whole]

    @property
    def complete_levels(self) -> set[int]:
        return {level for level in LEVELS if self.is_complete(level)}

    @property
    def next_level(self) -> tuple[int, list[Item]] | None:
        """The lowest level not yet complete, and the items in its way (its own and
        any lower level's); None when all three are complete."""
        for level in LEVELS:
            if not self.is_complete(level):
                return level, [
                    i for lower in LEVELS if lower <= level for i in self.blockers[lower]
                ]
        return None

    @property
    def reached(self) -> int:
        """The highest complete level (0 when none)."""
        return max((level for level in LEVELS if self.is_complete(level)), default=0)

    @property
    def level_totals(self) -> list[Cell]:
        """One Cell per level summing its domains (its `domain` is the first domain)."""
        totals = []
        for level, cells in self.cells.items():
            total = Cell(level, cells[0].domain, sum(c.total for c in cells))
            total.achieved = sum(c.achieved for c in cells)
            total.working = sum(c.working for c in cells)
            totals.append(total)
        return totals


def progress(framework: FrameworkView, ratings: dict, target: int) -> Progress:
    """Where the practitioner stands at every level. No queries."""
    cells: dict[int, list[Cell]] = {}
    level_done: dict[int, bool] = {}
    blockers: dict[int, list[Item]] = {}
    for level in LEVELS:
        row = []
        missing: list[Item] = []
        for domain in framework.domains:
            items = framework.items[(level, domain.number)]
            cell = Cell(level, domain, len(items))
            cell.whole = bool(items) and items[0].is_whole_domain
            if items and not items[0].is_whole_domain:
                whole = ratings.get((level, domain.number, None))
                if whole and not any(item.key in ratings for item in items):
                    cell.as_whole = whole
            for item in items:
                status = status_of(ratings, item)
                if status == Status.ACHIEVED:
                    cell.achieved += 1
                else:
                    missing.append(item)
                    if status == Status.WORKING_TOWARDS:
                        cell.working += 1
            row.append(cell)
        cells[level] = row
        level_done[level] = not missing
        blockers[level] = missing
    return Progress(target, cells, level_done, blockers)
