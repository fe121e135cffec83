"""What gets assessed: the levels, the items of each level and domain, and how an item
is keyed, coded and labelled (the one definition of each).

An item is a competency at a level, or a whole domain at a level while its
wording is incomplete (Domain.is_complete_at). Loading it costs two queries.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.http import Http404

from catalogue.models import Competency, Domain, Wording

LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class Item:
    level: int
    domain: int
    competency_id: int | None  # None: the domain as a whole
    code: str  # "1.07", or "D3" for domain 3 as a whole
    title: str

    @property
    def key(self) -> tuple[int, int, int | None]:
        return (self.level, self.domain, self.competency_id)

    @property
    def is_whole_domain(self) -> bool:
        return self.competency_id is None


@dataclass(frozen=True)
class CompetencyRef:
    """What the assessment pages need of a competency; read with values_list, because
    building 63 model instances per page costs more than the rest of the page."""

    pk: int
    domain_id: int
    code: str
    heading: str


@dataclass(frozen=True)
class Text:
    knowledge: str
    ability: str


@dataclass
class FrameworkView:
    """The framework as the assessment sees it: domains, competencies, items per level."""

    domains: list[Domain]
    competencies: dict[int, list[CompetencyRef]]  # domain number -> its competencies
    items: dict[tuple[int, int], list[Item]]  # (level, domain) -> items

    def items_at(self, level: int) -> list[Item]:
        return [item for d in self.domains for item in self.items[(level, d.number)]]

    def all_items(self, up_to: int = 3) -> list[Item]:
        return [item for level in LEVELS if level <= up_to for item in self.items_at(level)]


def load_framework() -> FrameworkView:
    """Two queries: domains, then competencies with the levels they are worded at.

    Sets on each domain the same counts as Domain.objects.with_counts()
    (competency_count, worded_1..worded_3), counted here in Python: compiling that
    aggregate costs more than the whole of this function."""
    domains = list(Domain.objects.all())
    competencies: dict[int, list[CompetencyRef]] = defaultdict(list)
    worded: dict[tuple[int, int], int] = defaultdict(int)
    seen: set[int] = set()
    rows = Competency.objects.values_list("pk", "domain_id", "code", "heading", "wordings__level")
    for pk, domain_id, code, heading, level in rows:
        if pk not in seen:
            seen.add(pk)
            competencies[domain_id].append(CompetencyRef(pk, domain_id, code, heading))
        if level is not None:
            worded[(domain_id, level)] += 1
    for domain in domains:
        domain.competency_count = len(competencies[domain.number])
        for level in LEVELS:
            setattr(domain, f"worded_{level}", worded[(domain.number, level)])
    items: dict[tuple[int, int], list[Item]] = {}
    for level in LEVELS:
        for domain in domains:
            if domain.is_complete_at(level):
                items[(level, domain.number)] = [
                    Item(level, domain.number, c.pk, c.code, c.heading or c.code)
                    for c in competencies[domain.number]
                ]
            else:
                title = f"Domain {domain.number} as a whole: {domain.name}"
                items[(level, domain.number)] = [
                    Item(level, domain.number, None, f"D{domain.number}", title)
                ]
    return FrameworkView(domains, competencies, items)


def wording_at(domain: int, level: int) -> dict[int, Text]:
    """The wording of one domain's competencies at one level. One query."""
    rows = Wording.objects.filter(competency__domain=domain, level=level).values_list(
        "competency_id", "knowledge", "ability"
    )
    return {pk: Text(knowledge, ability) for pk, knowledge, ability in rows}


def grid_domain(framework: FrameworkView, level: int, domain: int):
    """The domain to show on the signed-in user's grid, or 404 for a level or
    domain that does not exist."""
    if level not in LEVELS:
        raise Http404("No such level")
    for candidate in framework.domains:
        if candidate.number == domain:
            return candidate
    raise Http404("No such domain")
