"""A practitioner's gaps and the coverage rows that match them. No queries: the
framework and the offers are read once per page (items.load_framework,
offers.read_offers).

Coverage rows match gaps on the domain as a whole or on one competency, at a
level. A domain-wide row covers every item of that domain at its level; a
competency row covers that competency and, partly, the domain as a whole."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse

from catalogue.models import Coverage

from ..items import FrameworkView, Item
from ..models import Status
from ..ratings.progress import status_of
from .offers import Offers


@dataclass
class Match:
    """A coverage row as it applies to one gap."""

    row: Coverage
    strength: str  # "full" or "partial" for this gap
    strength_label: str


@dataclass
class Gap:
    item: Item
    status: str
    matches: list[Match] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.item.gap_key

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def covered_by(self) -> str:
        """The courses that cover this gap, in one line, each with how."""
        return "; ".join(
            dict.fromkeys(
                f"{m.row.course.title} ({m.strength_label.lower()})" for m in self.matches
            )
        )


def attach_matches(gaps: list[Gap], framework: FrameworkView, catalogue: Offers) -> None:
    """Set each gap's matches from the offered coverage rows. No queries."""
    by_target: dict[tuple, list[Match]] = defaultdict(list)
    for row in catalogue.rows:
        label = row.get_strength_display()
        if row.competency_id is None:
            by_target[(row.level_id, row.domain_id, None)].append(Match(row, row.strength, label))
            for competency in framework.competencies.get(row.domain_id, []):
                by_target[(row.level_id, row.domain_id, competency.pk)].append(
                    Match(row, row.strength, label)
                )
        else:
            by_target[(row.level_id, row.domain_id, row.competency_id)].append(
                Match(row, row.strength, label)
            )
            # Covering one competency only partly covers its domain as a whole.
            by_target[(row.level_id, row.domain_id, None)].append(
                Match(row, Coverage.Strength.PARTIAL, "Partly covers (one competency)")
            )
    for gap in gaps:
        gap.matches = by_target[gap.item.key]


def find_gaps(framework: FrameworkView, ratings: dict, target: int, catalogue: Offers) -> list[Gap]:
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
    listed: dict[tuple[int, int], set[tuple[int, str]]] = defaultdict(set)
    for gap in gaps:
        where = (gap.item.level, gap.item.domain)
        group = groups.get(where)
        if group is None:
            group = groups[where] = GapGroup(*where, names[where[1]], [], [])
        seen = listed[where]
        group.gaps.append(gap)
        for match in gap.matches:
            if (match.row.pk, match.strength) not in seen:
                seen.add((match.row.pk, match.strength))
                group.rows.append(match)
    return list(groups.values())
