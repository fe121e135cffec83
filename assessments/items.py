"""What gets assessed: the levels, the items of each level and domain, and how an item
is keyed, coded and labelled (the one definition of each).

An item is a competency at a level, or a whole domain at a level while its
wording is incomplete (Domain.is_complete_at). Loading it costs two queries.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404

from catalogue.models import LEVELS, Competency, Domain, Wording

__all__ = ["LEVELS", "ITEM_REF", "Item", "FrameworkView", "load_framework"]


def whole_domain_code(domain: int) -> str:
    """The code of a domain rated as a whole: "D3"."""
    return f"D{domain}"


NO_HEADING = "(heading not published)"


def whole_domain_title(number: int, name: str) -> str:
    """What a person reads for a domain rated as a whole."""
    return f"Domain {number}: {name}"


def answer_label(code: str | None, heading: str | None, domain: int, domain_name: str) -> str:
    """What a person reads for a stored rating: "1.07 Heading", or the domain as a
    whole by its name (history, recent changes, the plan's evidence highlights)."""
    if code is None:
        return whole_domain_title(domain, domain_name)
    return f"{code} {heading or NO_HEADING}"


def item_ref(domain: int, competency_id: int | None) -> int:
    """An item within its level as one integer: the competency's id, or minus the
    domain's number for a domain rated as a whole. ITEM_REF is the same in SQL."""
    return competency_id if competency_id is not None else -domain


# item_ref computed by the database, for grouping ratings by item in one column (one
# column costs SQLite a third less to group on than two).
ITEM_REF = Coalesce("competency_id", -F("domain_id"))


@dataclass(frozen=True)
class Item:
    """One thing a practitioner rates: a competency at a level, or a whole domain at a
    level while its wording is incomplete."""

    level: int
    domain: int
    competency_id: int | None  # None: the domain as a whole
    code: str  # "1.07", or "D3" for domain 3 as a whole
    title: str  # the competency's heading, or "Domain 3: <name>"

    @property
    def key(self) -> tuple[int, int, int | None]:
        """How ratings are looked up for a page (ratings.progress.ratings_by_key)."""
        return (self.level, self.domain, self.competency_id)

    @property
    def ref(self) -> int:
        """The item within its level, as the database groups it (ITEM_REF)."""
        return item_ref(self.domain, self.competency_id)

    @property
    def gap_key(self) -> str:
        """The item across levels as text ("2:1.07", "1:D3"): what a plan covers."""
        return f"{self.level}:{self.code}"

    @property
    def is_whole_domain(self) -> bool:
        return self.competency_id is None

    @property
    def label(self) -> str:
        """What a person reads: "1.07 Heading", or "Domain 3: <name>"."""
        return self.title if self.is_whole_domain else f"{self.code} {self.title}"

    @property
    def short_label(self) -> str:
        """The label where space is short (a table's column): "1.07", or "Domain 3"."""
        return f"Domain {self.domain}" if self.is_whole_domain else self.code


def achieved_in(items: Iterable[Item], achieved: Mapping[int, int]) -> int:
    """What counts toward "achieved" in a domain (or any set of items): achievements of
    the items that exist now, by Item.ref. A rating of an item that no longer exists
    (a domain rated as a whole before its wording was imported) counts for nothing, so
    every page gives the same figure for the same people."""
    return sum(achieved.get(item.ref, 0) for item in items)


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
    is_summary: bool = False  # our summary of the public grid, not the framework's words


@dataclass
class FrameworkView:
    """The framework as the assessment sees it: domains, competencies, items per level."""

    domains: list[Domain]
    competencies: dict[int, list[CompetencyRef]]  # domain number -> its competencies
    items: dict[tuple[int, int], list[Item]]  # (level, domain) -> items

    def domain(self, number: int) -> Domain:
        return next(d for d in self.domains if d.number == number)

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
                    Item(level, domain.number, c.pk, c.code, c.heading or NO_HEADING)
                    for c in competencies[domain.number]
                ]
            else:
                title = whole_domain_title(domain.number, domain.name)
                items[(level, domain.number)] = [
                    Item(level, domain.number, None, whole_domain_code(domain.number), title)
                ]
    return FrameworkView(domains, competencies, items)


def wording_at(domain: int, level: int) -> dict[int, Text]:
    """The wording of one domain's competencies at one level. One query."""
    rows = Wording.objects.filter(competency__domain=domain, level=level).values_list(
        "competency_id", "knowledge", "ability", "is_summary"
    )
    return {pk: Text(*fields) for pk, *fields in rows}


def grid_domain(framework: FrameworkView, level: int, domain: int):
    """The domain to show on the signed-in user's grid, or 404 for a level or
    domain that does not exist."""
    if level not in LEVELS:
        raise Http404("No such level")
    for candidate in framework.domains:
        if candidate.number == domain:
            return candidate
    raise Http404("No such domain")
