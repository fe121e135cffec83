"""The framework as a 1EdTech CASE 1.0 package (Competencies and Academic Standards
Exchange): written by `export.py` (the public download and `export_case`), read back
by `reading.py` into the rows of the official-wording import (importing.py).

The shape, one CFItem per thing this site holds:

- a Level item for each level, a Domain item for each domain, both children
  (isChildOf) of the CFDocument; each level precedes the next;
- a Competency item for each competency this site knows by code, a child of its
  domain; `humanCodingScheme` is its code ("1.07"), `conceptKeywords` its group
  heading when known;
- for each competency and level that has wording, a Knowledge item and an Ability
  item, children of the competency, each with `hasSkillLevel` to its level. Our own
  summaries have the item types "Knowledge (our summary)" and "Ability (our summary)",
  so no reader can take them for the framework's words.

Identifiers are uuid5 over one fixed namespace and each thing's natural key (the
framework's slug, a level's or domain's number, a competency's code), never a
database id: the same framework gives the same identifiers on any database.
"""

import uuid

# Fixed for good: changing it changes every identifier this site has ever published.
NAMESPACE = uuid.UUID("9a370fd9-77ca-48b5-8aa9-efefecf5bf67")

LEVEL = "Level"
DOMAIN = "Domain"
COMPETENCY = "Competency"
KNOWLEDGE = "Knowledge"
ABILITY = "Ability"
KNOWLEDGE_SUMMARY = "Knowledge (our summary)"
ABILITY_SUMMARY = "Ability (our summary)"

# Each item type this site writes and reads, with what it means (CFDefinitions says it).
ITEM_TYPES: dict[str, str] = {
    LEVEL: "One of the framework's three progressive levels.",
    DOMAIN: "One of the framework's seven domains.",
    COMPETENCY: "A numbered competency, e.g. 1.07. What it asks at each level is in "
    "its Knowledge and Ability items.",
    KNOWLEDGE: "What a competency asks a practitioner to know at one level, in the "
    "framework's own words.",
    ABILITY: "What a competency asks a practitioner to be able to do at one level, in "
    "the framework's own words.",
    KNOWLEDGE_SUMMARY: "Our summary of what a competency asks a practitioner to know at "
    "one level; not the framework's words.",
    ABILITY_SUMMARY: "Our summary of what a competency asks a practitioner to be able to "
    "do at one level; not the framework's words.",
}
# A wording part's item type -> (the Wording field it holds, whether it is our summary).
PARTS: dict[str, tuple[str, bool]] = {
    KNOWLEDGE: ("knowledge", False),
    ABILITY: ("ability", False),
    KNOWLEDGE_SUMMARY: ("knowledge", True),
    ABILITY_SUMMARY: ("ability", True),
}


def identifier(framework: str, *key: object) -> str:
    """The stable identifier of one thing of `framework` (its slug), e.g.
    identifier("imhcf", "competency", "1.07")."""
    return str(uuid.uuid5(NAMESPACE, "/".join([framework, *map(str, key)])))
