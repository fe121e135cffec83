"""A practitioner's gaps and the coverage rows that match them. No queries: the
framework and the offers are read once per page (items.load_framework,
offers.read_offers).

Coverage rows match gaps on the domain as a whole or on one competency, at a
level. A row closes a gap only when its grade closes (Coverage.closes) and it
points at exactly that gap; otherwise it contributes to it:
- a domain-wide row closes (or contributes to) the domain's gap while the domain
  is rated as a whole, and only contributes to each competency once its wording
  is loaded: one link to a domain never closes all of its competencies;
- a competency row closes (or contributes to) that competency, and only
  contributes to its domain rated as a whole."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import reverse

from catalogue.models import Coverage

from ..items import FrameworkView, Item
from ..models import Status
from ..ratings.progress import Answer, status_of
from .answers import STRENGTH_WORDS
from .offers import Offers
from .optimiser import CLOSES, NAMED, OPTIONAL, TAUGHT

# How strongly a link of each grade teaches a gap it does not close (optimiser.STRENGTHS).
CONTRIBUTION: dict[str, int] = {
    Coverage.Grade.CORE: TAUGHT,  # a closing grade pointed at a wider or narrower target
    Coverage.Grade.OUTCOME: TAUGHT,
    Coverage.Grade.OPTIONAL: OPTIONAL,
    Coverage.Grade.TOPIC: NAMED,
}


@dataclass(frozen=True)
class Match:
    """A coverage row as it applies to one gap."""

    row: Coverage
    closes: bool  # False: the row contributes to this gap
    note: str = ""  # why a closing grade only contributes here

    @property
    def effect(self) -> str:
        return "closes" if self.closes else "contributes to"

    @property
    def effect_label(self) -> str:
        return f"{self.effect} ({self.note})" if self.note else self.effect

    @property
    def strength(self) -> int:
        """How strongly this link teaches the gap (optimiser.STRENGTHS)."""
        return CLOSES if self.closes else CONTRIBUTION.get(self.row.grade, NAMED)

    @property
    def strength_words(self) -> str:
        """e.g. "Taught in part", "Named as a topic" (answers.STRENGTH_WORDS)."""
        return STRENGTH_WORDS[self.strength]


WHOLE_DOMAIN = "a link to the whole domain"
ONE_COMPETENCY = "covers one competency of it"


@dataclass
class Gap:
    item: Item
    status: str
    matches: list[Match] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.item.gap_key

    @property
    def name(self) -> str:
        """What a person reads: "Level 1, Domain 2: Normal and atypical development"."""
        return f"Level {self.item.level}, {self.item.label}"

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def closed_by(self) -> list[Match]:
        return [m for m in self.matches if m.closes]

    @cached_property
    def covered_by(self) -> str:
        """The courses that reach this gap, in one line, strongest first, each saying how
        strongly it teaches it ("taught in part", "named as a topic")."""
        ranked = sorted(self.matches, key=lambda m: (-m.strength, m.row.course.title))
        best: dict[str, str] = {}
        for m in ranked:
            best.setdefault(m.row.course.title, m.strength_words.lower())
        return "; ".join(f"{title} ({words})" for title, words in best.items())


def attach_matches(gaps: list[Gap], framework: FrameworkView, catalogue: Offers) -> None:
    """Set each gap's matches from the offered coverage rows. No queries."""
    by_target: dict[tuple[int, int, int | None], list[Match]] = defaultdict(list)
    for row in catalogue.rows:
        whole = (row.level_id, row.domain_id, None)
        if row.competency_id is None:
            by_target[whole].append(Match(row, row.closes))
            for competency in framework.competencies.get(row.domain_id, []):
                by_target[(row.level_id, row.domain_id, competency.pk)].append(
                    Match(row, False, WHOLE_DOMAIN if row.closes else "")
                )
        else:
            by_target[(row.level_id, row.domain_id, row.competency_id)].append(
                Match(row, row.closes)
            )
            by_target[whole].append(Match(row, False, ONE_COMPETENCY))
    for gap in gaps:
        gap.matches = by_target[gap.item.key]


def find_gaps(
    framework: FrameworkView,
    ratings: dict[tuple[int, int, int | None], Answer],
    target: int,
    catalogue: Offers,
) -> list[Gap]:
    """Every item below achieved at or under the target level, with its matches. No queries."""
    gaps = []
    for item in framework.all_items(up_to=target):
        status = status_of(ratings, item)
        if status == Status.ACHIEVED:
            continue
        gaps.append(Gap(item, status))
    attach_matches(gaps, framework, catalogue)
    return gaps


@dataclass
class GapGroup:
    """The gaps of one domain at one level, with the distinct coverage rows that
    apply to them: a domain-wide row is listed once, not once per competency."""

    level: int
    domain: int
    name: str
    gaps: list[Gap]
    rows: list[Match]

    def get_absolute_url(self) -> str:
        """The grid where these gaps are rated."""
        return reverse("assessments:grid", args=[self.level, self.domain])


def group_gaps(gaps: list[Gap], framework: FrameworkView) -> list[GapGroup]:
    """No queries."""
    names = {d.number: d.name for d in framework.domains}
    groups: dict[tuple[int, int], GapGroup] = {}
    listed: dict[tuple[int, int], set[tuple[int, bool]]] = defaultdict(set)
    for gap in gaps:
        where = (gap.item.level, gap.item.domain)
        group = groups.get(where)
        if group is None:
            group = groups[where] = GapGroup(*where, names[where[1]], [], [])
        seen = listed[where]
        group.gaps.append(gap)
        for match in gap.matches:
            if (match.row.pk, match.closes) not in seen:
                seen.add((match.row.pk, match.closes))
                group.rows.append(match)
    return list(groups.values())
