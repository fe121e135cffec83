"""The framework as this site holds it, as a CASE 1.0 CFPackage (a dict ready for JSON).

It carries what the public framework page and /api/v1/framework/ show, no more: the
structure and codes, our own descriptions, and the wording this site holds, each
wording part marked as the framework's words or our summary. The CFDocument says who
made the framework, that this site made the package, the wording notice and where
each fact comes from.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from ..models import Competency, Domain, Framework, Level, Wording
from . import COMPETENCY, DOMAIN, ITEM_TYPES, LEVEL, PARTS, identifier

Json = dict[str, Any]


def file_name(framework: Framework) -> str:
    return f"{framework.slug}-case-1.0.json"


def last_change(framework: Framework) -> str:
    """Every lastChangeDateTime in the package. CASE requires one; the framework
    publishes only its year, so this is the start of that year (the notes say so),
    the same on every export whatever was edited when: a package depends only on what
    it says."""
    year = framework.published_year or 1970
    return datetime.datetime(year, 1, 1, tzinfo=datetime.UTC).isoformat()


def framework_package(*, site: str | None = None, framework: Framework | None = None) -> Json:
    """The CFPackage. `site` is this site's address for the `uri` of each page
    (IMHCF_SITE_URL unless given, so the API and the command write the same). Five
    queries whatever the framework's size: the framework (unless given), the levels,
    the domains, the competencies and their wording."""
    site = (site or settings.IMHCF_SITE_URL).rstrip("/")
    framework = framework or Framework.objects.get()
    levels = list(Level.objects.all())
    domains = list(Domain.objects.all())
    competencies = list(
        Competency.objects.prefetch_related(
            Prefetch("wordings", queryset=Wording.objects.order_by("level"))
        )
    )
    return _Package(framework, site).build(levels, domains, competencies)


class _Package:
    """One export: the keys, links and dates every part of the package shares."""

    def __init__(self, framework: Framework, site: str):
        self.framework = framework
        self.site = site
        self.when = last_change(framework)
        self.document = self._link(
            framework.name, self.id("document"), self.page(reverse("catalogue:framework"))
        )
        self.items: list[Json] = []
        self.associations: list[Json] = []
        self.titles: dict[str, str] = {}  # identifier -> what a link to it is called

    def id(self, *key: object) -> str:
        return identifier(self.framework.slug, *key)

    def page(self, path: str) -> str:
        return f"{self.site}{path}"

    @staticmethod
    def _link(title: str, ident: str, uri: str) -> Json:
        return {"title": title, "identifier": ident, "uri": uri}

    def type_link(self, name: str) -> Json:
        ident = self.id("item-type", name)
        return self._link(name, ident, f"urn:uuid:{ident}")

    def item(
        self, kind: str, key: tuple, title: str, uri: str, statement: str, **fields: Any
    ) -> Json:
        """One CFItem; `title` names it in the associations that link to it."""
        item = {
            "identifier": self.id(*key),
            "uri": uri,
            "fullStatement": statement,
            **{name: value for name, value in fields.items() if value not in ("", None, [])},
            "CFItemType": kind,
            "CFItemTypeURI": self.type_link(kind),
            "language": "en",
            "lastChangeDateTime": self.when,
        }
        self.items.append(item)
        self.titles[item["identifier"]] = title
        return item

    def associate(self, origin: Json, kind: str, destination: Json, sequence: int | None = None):
        ident = self.id("association", kind, origin["identifier"], destination["identifier"])
        association: Json = {
            "identifier": ident,
            "associationType": kind,
            "uri": f"urn:uuid:{ident}",
            "originNodeURI": self._node(origin),
            "destinationNodeURI": self._node(destination),
            "lastChangeDateTime": self.when,
        }
        if sequence is not None:
            association["sequenceNumber"] = sequence
        self.associations.append(association)

    def _node(self, node: Json) -> Json:
        if node is self.document:
            return node
        return self._link(self.titles[node["identifier"]], node["identifier"], node["uri"])

    def build(
        self, levels: list[Level], domains: list[Domain], competencies: list[Competency]
    ) -> Json:
        level_items = {}
        for position, level in enumerate(levels, start=1):
            level_items[level.number] = self.item(
                LEVEL,
                ("level", level.number),
                str(level),
                self.page(level.get_absolute_url()),
                level.summary,
                abbreviatedStatement=level.name,
                humanCodingScheme=f"Level {level.number}",
                listEnumeration=str(level.number),
                notes=f"Who usually works at this level: {level.typical_roles}",
            )
            self.associate(level_items[level.number], "isChildOf", self.document, position)
        for earlier, later in zip(levels, levels[1:], strict=False):
            self.associate(level_items[earlier.number], "precedes", level_items[later.number])
        domain_items = {}
        for position, domain in enumerate(domains, start=len(levels) + 1):
            domain_items[domain.number] = self.item(
                DOMAIN,
                ("domain", domain.number),
                str(domain),
                self.page(domain.get_absolute_url()),
                domain.name,
                humanCodingScheme=str(domain.number),
                listEnumeration=str(domain.number),
                notes=domain.description,
            )
            self.associate(domain_items[domain.number], "isChildOf", self.document, position)
        worded = 0
        for competency in competencies:
            page = self.page(competency.get_absolute_url())
            item = self.item(
                COMPETENCY,
                ("competency", competency.code),
                str(competency),
                page,
                str(competency),
                humanCodingScheme=competency.code,
                listEnumeration=str(int(competency.code.split(".")[1])),
                conceptKeywords=[competency.heading] if competency.heading else [],
            )
            self.associate(
                item, "isChildOf", domain_items[competency.domain_id], int(item["listEnumeration"])
            )
            wordings = list(competency.wordings.all())
            worded += any(not wording.is_summary for wording in wordings)
            for wording in wordings:
                self._wording(item, page, wording, level_items[wording.level_id])
        return {
            "CFDocument": self._document(worded),
            "CFItems": self.items,
            "CFAssociations": self.associations,
            "CFDefinitions": self._definitions(),
        }

    def _wording(self, competency: Json, page: str, wording: Wording, level: Json) -> None:
        code = competency["humanCodingScheme"]
        for kind, (part, is_summary) in PARTS.items():
            if is_summary != wording.is_summary:
                continue
            item = self.item(
                kind,
                ("wording", code, wording.level_id, part),
                f"{code} at level {wording.level_id}: {part}",
                f"{page}#l-{wording.level_id}",
                getattr(wording, part),
                humanCodingScheme=f"{code} L{wording.level_id}",
                listEnumeration="1" if part == "knowledge" else "2",
                notes="Our summary, not the framework's words." if is_summary else "",
            )
            position = 2 * (wording.level_id - 1) + int(item["listEnumeration"])
            self.associate(item, "isChildOf", competency, position)
            self.associate(item, "hasSkillLevel", level)

    def _document(self, worded: int) -> Json:
        framework = self.framework
        year = framework.published_year
        notes = [
            f"This package was made by this site ({self.site}) from what it holds; the "
            f"framework itself is by {framework.publisher}.",
            framework.wording_notice,
            f"It holds the wording of {worded} of {framework.declared_competencies} "
            "competencies in the framework's own words; items typed as our summary are "
            "not the framework's words, and the descriptions of levels and domains are "
            "ours.",
            f"Where these facts come from: {framework.sources}" if framework.sources else "",
            f"The dates give the year of publication ({year}) only."
            if year
            else "The date of publication is not published; the dates mean nothing.",
        ]
        document = {
            "identifier": self.document["identifier"],
            "uri": self.document["uri"],
            "creator": framework.publisher,
            "title": framework.name,
            "lastChangeDateTime": self.when,
            "publisher": framework.publisher,
            "description": framework.core_idea,
            "language": "en",
            "notes": " ".join(note for note in notes if note),
        }
        if framework.wording_notice:
            document["licenseURI"] = self._licence_link()
        return {key: value for key, value in document.items() if value != ""}

    def _licence_link(self) -> Json:
        return self._link("Wording notice", self.id("licence"), self.document["uri"])

    def _definitions(self) -> Json:
        item_types = [
            {
                **self.type_link(name),
                "description": description,
                "hierarchyCode": str(position),
                "lastChangeDateTime": self.when,
            }
            for position, (name, description) in enumerate(ITEM_TYPES.items(), start=1)
        ]
        definitions: Json = {"CFItemTypes": item_types}
        if self.framework.wording_notice:
            definitions["CFLicenses"] = [
                {
                    **self._licence_link(),
                    "description": "Who owns the framework's wording.",
                    "licenseText": self.framework.wording_notice,
                    "lastChangeDateTime": self.when,
                }
            ]
        return definitions
