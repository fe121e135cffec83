"""A CASE package of the shape `export.py` writes, read into the rows of the
official-wording import: one Row per competency and level with wording, and every
competency the package lists (worded or not, so a domain can be listed whole).

Only the shape is checked here; the rows then go through the same checks against the
framework and the same all-or-nothing write as a CSV (importing.py). Each problem
names the item and the field, e.g. "CFItem 3f2c8a1b… (Competency 4.02),
fullStatement: empty".
"""

import json
import re
from collections import defaultdict
from typing import Any, TypeVar

from ..importing import MAX_BYTES, MAX_ERRORS, ImportProblem, Listed, Row
from ..models import CODE_PATTERN, LEVELS
from . import COMPETENCY, DOMAIN, LEVEL, PARTS

KNOWN_TYPES = (LEVEL, DOMAIN, COMPETENCY, *PARTS)
T = TypeVar("T")


class _Problems(list):
    def add(self, message: str) -> None:
        self.append(message)
        if len(self) >= MAX_ERRORS:
            raise _TooMany


class _TooMany(Exception):
    pass


def read_package(name: str, content: bytes) -> tuple[list[Row], list[Listed]]:
    """The rows and listed competencies of a package, or ImportProblem listing every
    problem with its shape."""
    if len(content) > MAX_BYTES:
        raise ImportProblem([f"{name}: larger than {MAX_BYTES // 1024 // 1024} MB"])
    try:
        package = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportProblem([f"{name}: not UTF-8 text (save the file as UTF-8)"]) from exc
    except json.JSONDecodeError as exc:
        raise ImportProblem(
            [f"{name}: not readable JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
        ) from exc
    except (RecursionError, ValueError) as exc:  # nested too deeply; a number too long
        raise ImportProblem([f"{name}: not readable JSON ({exc})"]) from exc
    problems = _Problems()
    try:
        rows, listed = _read(name, package, problems)
    except _TooMany:
        problems.append(f"{name}: stopped after {MAX_ERRORS} problems")
        raise ImportProblem(problems) from None
    if problems:
        raise ImportProblem(problems)
    if not listed:
        raise ImportProblem([f"{name}: the package lists no competency"])
    return rows, listed


def _read(name: str, package: Any, problems: _Problems) -> tuple[list[Row], list[Listed]]:
    if isinstance(package, dict) and set(package) == {"CFPackage"}:
        package = package["CFPackage"]  # as a CASE service sends it
    if not isinstance(package, dict) or not isinstance(package.get("CFDocument"), dict):
        raise ImportProblem(
            [f"{name}: not a CASE package (an object with a CFDocument, CFItems and "
             "CFAssociations)"]
        )  # fmt: skip
    items_in = package.get("CFItems", [])
    associations_in = package.get("CFAssociations", [])
    for field, value in (("CFItems", items_in), ("CFAssociations", associations_in)):
        if not isinstance(value, list):
            raise ImportProblem([f"{name}: {field} is not a list"])

    items: dict[str, dict] = {}
    for position, item in enumerate(items_in, start=1):
        ident = item.get("identifier") if isinstance(item, dict) else None
        if not isinstance(ident, str) or not ident:
            problems.add(f"{name}: CFItems, item {position}, identifier: missing")
        elif ident in items:
            problems.add(f"{name}: {_label(item)}, identifier: used by two items")
        elif item.get("CFItemType") not in KNOWN_TYPES:
            problems.add(
                f"{name}: {_label(item)}, CFItemType: {_said(item.get('CFItemType'))} is not one "
                f"of {', '.join(KNOWN_TYPES)}"
            )
        else:
            items[ident] = {**item, "_position": position}

    parents: dict[str, list[str]] = defaultdict(list)
    skill_levels: dict[str, list[str]] = defaultdict(list)
    for position, association in enumerate(associations_in, start=1):
        where = f"{name}: CFAssociations, association {position}"
        if not isinstance(association, dict):
            problems.add(f"{where}: not an object")
            continue
        kind = association.get("associationType")
        if kind not in ("isChildOf", "hasSkillLevel"):
            continue  # the levels' order, or links this site does not hold
        origin = _node(association.get("originNodeURI"))
        destination = _node(association.get("destinationNodeURI"))
        if origin is None or destination is None:
            problems.add(f"{where}: originNodeURI or destinationNodeURI has no identifier")
            continue
        (parents if kind == "isChildOf" else skill_levels)[origin].append(destination)

    levels = {i: n for i, item in items.items() if (n := _level(name, item, problems))}
    domains = {i: n for i, item in items.items() if (n := _domain(name, item, problems))}
    competencies: dict[str, Listed] = {}
    codes: set[str] = set()
    for ident, item in items.items():
        if item["CFItemType"] == COMPETENCY:
            listed = _competency(name, item, parents[ident], domains, problems)
            if listed and listed.code in codes:
                problems.add(f"{name}: {_label(item)}, humanCodingScheme: {listed.code} is "
                             "already another item's")  # fmt: skip
            elif listed:
                competencies[ident] = listed
                codes.add(listed.code)

    parts: dict[tuple[str, int, bool], dict[str, tuple[int, str]]] = defaultdict(dict)
    faulty: set[tuple[str, int, bool]] = set()  # a part with a problem already named
    for ident, item in items.items():
        if item["CFItemType"] not in PARTS:
            continue
        part, is_summary = PARTS[item["CFItemType"]]
        owner = _one(name, item, "isChildOf", parents[ident], competencies, "competency", problems)
        level = _one(name, item, "hasSkillLevel", skill_levels[ident], levels, "level", problems)
        statement = _statement(name, item, problems)
        if owner is None or level is None:
            continue
        key = (owner.code, level, is_summary)
        if statement is None:
            faulty.add(key)
            continue
        if part in parts[key]:
            problems.add(f"{name}: {_label(item)}: a second {part} part for {owner.code} at "
                         f"level {level}")  # fmt: skip
        parts[key][part] = (item["_position"], statement)

    by_code = {listed.code: listed for listed in competencies.values()}
    rows = []
    seen: set[tuple[str, int]] = set()
    for (code, level, is_summary), found in sorted(parts.items()):
        what = f"{name}: competency {code} at level {level}"
        missing = [part for part in ("knowledge", "ability") if part not in found]
        if missing and (code, level, is_summary) not in faulty:
            problems.add(f"{what}: no {missing[0]} part")
            continue
        if (code, level) in seen:
            problems.add(f"{what}: both the framework's words and our summary; give one")
            continue
        seen.add((code, level))
        if missing:
            continue
        listed = by_code[code]
        rows.append(
            Row(
                line=found["knowledge"][0],
                code=code,
                domain=listed.domain,
                heading=listed.heading,
                level=level,
                knowledge=found["knowledge"][1],
                ability=found["ability"][1],
                is_summary=is_summary,
            )
        )
    return rows, sorted(competencies.values(), key=lambda listed: listed.code)


def _label(item: dict) -> str:
    """How a problem names an item: "CFItem 3f2c8a1b… (Competency 4.02)"."""
    ident = str(item.get("identifier", ""))
    short = f"{ident[:8]}…" if len(ident) > 8 else ident
    code = item.get("humanCodingScheme")
    about = " ".join(str(part) for part in (item.get("CFItemType"), code) if part)
    return f"CFItem {short} ({about})" if about else f"CFItem {short}"


def _node(link: Any) -> str | None:
    if isinstance(link, dict) and isinstance(link.get("identifier"), str):
        return link["identifier"]
    return None


def _level(name: str, item: dict, problems: _Problems) -> int | None:
    if item["CFItemType"] != LEVEL:
        return None
    code = str(item.get("humanCodingScheme", ""))
    match = re.fullmatch(r"Level (\d)", code)
    if not match or int(match[1]) not in LEVELS:
        problems.add(f"{name}: {_label(item)}, humanCodingScheme: {_said(code)} is not Level 1, "
                     "Level 2 or Level 3")  # fmt: skip
        return None
    return int(match[1])


def _domain(name: str, item: dict, problems: _Problems) -> int | None:
    if item["CFItemType"] != DOMAIN:
        return None
    code = str(item.get("humanCodingScheme", ""))
    if not re.fullmatch(r"[1-7]", code):
        problems.add(f"{name}: {_label(item)}, humanCodingScheme: {_said(code)} is not 1 to 7")
        return None
    return int(code)


def _competency(
    name: str, item: dict, parents: list[str], domains: dict[str, int], problems: _Problems
) -> Listed | None:
    code = item.get("humanCodingScheme")
    if not isinstance(code, str) or not re.match(CODE_PATTERN, code):
        problems.add(f"{name}: {_label(item)}, humanCodingScheme: {_said(code)} is not a code like "
                     "1.07")  # fmt: skip
        return None
    keywords = item.get("conceptKeywords") or []
    if (
        not isinstance(keywords, list)
        or len(keywords) > 1
        or not all(isinstance(keyword, str) and keyword.strip() for keyword in keywords)
    ):
        problems.add(f"{name}: {_label(item)}, conceptKeywords: give at most one, the "
                     "competency's heading")  # fmt: skip
        return None
    heading = keywords[0].strip() if keywords else ""
    if len(heading) > 200:
        problems.add(f"{name}: {_label(item)}, conceptKeywords: longer than 200 characters")
        return None
    domain = int(code[0])
    in_domains = [domains[parent] for parent in parents if parent in domains]
    if in_domains != [domain]:
        problems.add(f"{name}: {_label(item)}, isChildOf: must be a child of domain {domain} "
                     "and of no other domain")  # fmt: skip
        return None
    return Listed(code=code, domain=domain, heading=heading)


def _statement(name: str, item: dict, problems: _Problems) -> str | None:
    statement = item.get("fullStatement")
    if not isinstance(statement, str) or not statement.strip():
        problems.add(f"{name}: {_label(item)}, fullStatement: empty")
        return None
    if "\x00" in statement:  # PostgreSQL cannot store it
        problems.add(f"{name}: {_label(item)}, fullStatement: holds a NUL character")
        return None
    return statement.strip()


def _one(
    name: str,
    item: dict,
    kind: str,
    targets: list[str],
    known: dict[str, T],
    what: str,
    problems: _Problems,
) -> T | None:
    """The one `what` (competency or level) the item points to with `kind`."""
    found = [known[target] for target in targets if target in known]
    if len(found) != 1:
        problems.add(f"{name}: {_label(item)}, {kind}: must point to exactly one {what}")
        return None
    return found[0]


def _said(value: object) -> str:
    """A value from the file as a message quotes it: “Level 4”, or "missing"."""
    if value is None or value == "":
        return "missing, which"
    return f"“{value}”"
