"""Reading completed learning from another system: an xAPI 1.0.3 file (the statements a
learning platform or a learning record store (LRS) gives for download) or a simple CSV.

Pure: no database. Every statement or row is read and checked first, and a file with
any problem raises ImportProblem listing each one by statement (its number and id) or
row, and field; only a file with none gives its completions (proposals.py then matches
people and courses, and writes all of them in one transaction or none).

xAPI (https://github.com/adlnet/xAPI-Spec/blob/1.0.3/xAPI-Data.md): the file holds an
array of Statements, or a StatementResult {"statements": [...], "more": "..."}. Only
the verbs completed and passed become completions; any other verb (attempted, failed,
experienced, voided…) is counted and left out, never turned into a record. A statement
voided by another statement in the file is left out too (an LRS leaves voided ones out
of its answers, but a file may hold both)."""

import csv
import hashlib
import io
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from catalogue.importing import MAX_BYTES, ImportProblem, read_table

VERBS = {
    "http://adlnet.gov/expapi/verbs/completed": "completed",
    "http://adlnet.gov/expapi/verbs/passed": "passed",
    "https://w3id.org/xapi/adl/verbs/completed": "completed",
    "https://w3id.org/xapi/adl/verbs/passed": "passed",
}
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
LANGUAGES = ("en-gb", "en-us", "en")  # the activity's name in these first, then any
MAX_STATEMENTS = 2_000  # as the staff import's people; 2,001 are refused
MAX_ERRORS = 25
MAX_HOURS = Decimal("9999.9")  # what a record's hours can hold
TITLE_MAX = 200
PROVIDER_MAX = 200
ACTIVITY_MAX = 500
CSV_COLUMNS = ("title", "provider", "finished", "hours", "course", "email")
CSV_NEEDED = ("title", "finished")
TEMPLATE_ROWS = [
    ("Developing Positive Early Attachments", "NHS Education for Scotland", "2026-03-05", "3", "",
     ""),
    ("Perinatal mental health study day", "Anytown NHS Trust", "2026-04-21", "6.5", "", ""),
]  # fmt: skip
DURATION = re.compile(
    r"^P(?!$)(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)


@dataclass(frozen=True)
class Completion:
    """One completed piece of learning read from a file, not yet anybody's."""

    where: str  # for messages: "statement 3 (id 6a1c…)" or "row 4"
    title: str  # may be empty for a CSV row naming a catalogue course
    provider: str
    finished: date
    hours: Decimal | None  # None: the file does not say
    outcome: str  # "completed", "passed", or "" for a CSV row
    statement_id: str = ""  # lower-case UUID
    activity_id: str = ""
    course: str = ""  # a CSV row's course column: a slug or a title
    email: str = ""  # the learner's address, lower case; "" when not given
    mbox_sha1: str = ""  # or its SHA-1 (xAPI mbox_sha1sum), lower case
    account: str = ""  # or an account on another system, as words for messages

    @property
    def learner(self) -> str:
        """Who the file says did it, for messages."""
        return self.email or self.account or (self.mbox_sha1 and "an address given as a digest")

    def key(self) -> str:
        """What makes two completions the same: the statement id, else the activity (or
        the title) and the day finished. A digest, so any length fits the column."""
        if self.statement_id:
            text = f"xapi:{self.statement_id}"
        else:
            what = self.activity_id or f"title:{self.title.casefold() or self.course.casefold()}"
            text = f"{what}|{self.finished.isoformat()}"
        return hashlib.sha256(text.encode()).hexdigest()

    def matches_address(self, addresses: set[str]) -> bool:
        """Is the learner one of these (lower-case) addresses, given plainly or as the
        SHA-1 of its mailto: IRI?"""
        if self.email:
            return self.email in addresses
        if self.mbox_sha1:
            return self.mbox_sha1 in {sha1_of(address) for address in addresses}
        return False


def sha1_of(address: str) -> str:
    """xAPI's mbox_sha1sum of an address."""
    return hashlib.sha1(f"mailto:{address}".encode(), usedforsecurity=False).hexdigest()


@dataclass
class Read:
    """What a file held: its completions, and what was left out and why."""

    source: str  # "xapi" or "csv" (ProposalSource)
    name: str
    completions: list[Completion] = field(default_factory=list)
    not_completions: int = 0  # statements with another verb (attempted, failed…)
    voided: list[str] = field(default_factory=list)  # where, of statements voided
    more: bool = False  # a StatementResult saying the LRS holds more than the file


def read(name: str, content: bytes, *, emails: bool = False) -> Read:
    """A .json (xAPI) or .csv file's completions. `emails`: a lead's CSV, whose every row
    names the person. Raises ImportProblem listing every problem."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return read_xapi(name, content)
    if suffix in (".csv", ".xlsx"):
        return read_csv(name, content, emails=emails)
    raise ImportProblem([f"{name}: use an xAPI file (.json) or a CSV file (.csv)"])


# xAPI --------------------------------------------------------------------------------


def read_xapi(name: str, content: bytes) -> Read:
    """An array of Statements or a StatementResult."""
    if len(content) > MAX_BYTES:
        raise ImportProblem([f"{name}: larger than {MAX_BYTES // 1024 // 1024} MB"])
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportProblem([f"{name}: not UTF-8 text, so not an xAPI file"]) from exc
    except (ValueError, RecursionError) as exc:
        raise ImportProblem([f"{name}: not readable JSON ({_short(exc)})"]) from exc
    done = Read("xapi", name)
    if isinstance(data, dict) and "statements" in data:
        statements = data["statements"]
        done.more = bool(data.get("more"))
    elif isinstance(data, dict) and "verb" in data:
        statements = [data]  # one statement on its own
    else:
        statements = data
    if not isinstance(statements, list):
        raise ImportProblem(
            [f"{name}: not xAPI statements (expected a list of statements, or an object "
             "with “statements”)"]
        )  # fmt: skip
    if len(statements) > MAX_STATEMENTS:
        raise ImportProblem([f"{name}: more than {MAX_STATEMENTS:,} statements; split the file"])
    if not statements:
        raise ImportProblem([f"{name}: the file holds no statements"])
    errors: list[str] = []
    voided_ids: set[str] = set()
    read_ones: list[tuple[str, str, Completion | None]] = []
    for number, statement in enumerate(statements, start=1):
        try:
            verb, statement_id, completion, voids = _statement(number, statement)
        except _Bad as bad:
            errors += bad.problems
            if len(errors) >= MAX_ERRORS:
                errors.append(f"{name}: stopped after {MAX_ERRORS} problems")
                break
            continue
        if voids:
            voided_ids.add(voids)
        read_ones.append((verb, statement_id, completion))
    if errors:
        raise ImportProblem([f"{name}, {error}" for error in errors])
    for _verb, statement_id, completion in read_ones:
        if statement_id and statement_id in voided_ids:
            done.voided.append(completion.where if completion else f"statement {statement_id}")
        elif completion is None:
            done.not_completions += 1
        else:  # the same statement twice is one completion: proposals.py counts the other
            done.completions.append(completion)
    return done


class _Bad(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems


def _short(exc: Exception) -> str:
    return str(exc).split("\n")[0][:120]


def _statement(number: int, statement: Any) -> tuple[str, str, Completion | None, str]:
    """(verb IRI, statement id, its completion or None, the id it voids or "")."""
    where = f"statement {number}"
    if not isinstance(statement, dict):
        raise _Bad([f"{where}: not a statement (an object with actor, verb and object)"])
    problems: list[str] = []
    statement_id = ""
    raw_id = statement.get("id")
    if raw_id is not None:
        try:
            statement_id = str(uuid.UUID(str(raw_id)))
        except ValueError:
            problems.append(f"{where}, id: “{str(raw_id)[:60]}” is not a UUID")
        else:
            where = f"statement {number} (id {statement_id})"
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or not _is_iri(verb_id):
        problems.append(f"{where}, verb: missing, or its id is not an IRI")
    obj = statement.get("object")
    if not isinstance(obj, dict):
        problems.append(f"{where}, object: missing")
    if problems:
        raise _Bad(problems)
    assert isinstance(verb_id, str) and isinstance(obj, dict)
    if verb_id == VOIDED:
        target = obj.get("id")
        if obj.get("objectType") != "StatementRef" or not isinstance(target, str):
            raise _Bad([f"{where}, object: a voiding statement must point at a statement "
                        "(objectType StatementRef, with its id)"])  # fmt: skip
        try:
            return verb_id, statement_id, None, str(uuid.UUID(target))
        except ValueError as exc:
            raise _Bad([f"{where}, object.id: “{target[:60]}” is not a UUID"]) from exc
    outcome = VERBS.get(verb_id)
    if outcome is None:
        return verb_id, statement_id, None, ""
    result = statement.get("result") or {}
    if not isinstance(result, dict):
        raise _Bad([f"{where}, result: not an object"])
    if result.get("completion") is False or result.get("success") is False:
        return verb_id, statement_id, None, ""  # "completed" but not complete: not counted
    completion = _completion(where, statement, obj, result, outcome, statement_id)
    return verb_id, statement_id, completion, ""


def _completion(
    where: str,
    statement: dict[str, Any],
    obj: dict[str, Any],
    result: dict[str, Any],
    outcome: str,
    statement_id: str,
) -> Completion:
    problems: list[str] = []
    if obj.get("objectType", "Activity") != "Activity":
        raise _Bad([f"{where}, object: a {obj.get('objectType')}, not an activity; only "
                    "completed activities become training records"])  # fmt: skip
    activity_id = obj.get("id")
    if not isinstance(activity_id, str) or not _is_iri(activity_id):
        problems.append(f"{where}, object.id: missing, or not an IRI")
        activity_id = ""
    elif len(activity_id) > ACTIVITY_MAX:
        problems.append(f"{where}, object.id: longer than {ACTIVITY_MAX} characters")
    definition = obj.get("definition") or {}
    title = ""
    if not isinstance(definition, dict):
        problems.append(f"{where}, object.definition: not an object")
    else:
        name = definition.get("name")
        if name is not None:
            if not _is_language_map(name):
                problems.append(f"{where}, object.definition.name: not a language map")
            else:
                title = _in_english(name)
    title = " ".join(title.split())[:TITLE_MAX]
    email, mbox_sha1, account = _actor(where, statement.get("actor"), problems)
    hours = None
    duration = result.get("duration")
    if duration is not None:
        hours = _hours(str(duration))
        if hours is None:
            problems.append(
                f"{where}, result.duration: “{str(duration)[:40]}” is not an ISO 8601 "
                "duration in days, hours, minutes or seconds (e.g. PT2H30M)"
            )
        elif hours > MAX_HOURS:
            problems.append(f"{where}, result.duration: more than {MAX_HOURS} hours")
    finished = None
    for stamp_field in ("timestamp", "stored"):
        stamp = statement.get(stamp_field)
        if stamp is None:
            continue
        finished = _day(stamp)
        if finished is None:
            problems.append(f"{where}, {stamp_field}: “{str(stamp)[:40]}” is not an ISO 8601 "
                            "date and time")  # fmt: skip
        break
    else:
        problems.append(f"{where}, timestamp: missing, so the day it was finished is unknown")
    if problems:
        raise _Bad(problems)
    assert finished is not None
    return Completion(
        where=where,
        title=title,
        provider=_provider(statement)[:PROVIDER_MAX],
        finished=finished,
        hours=hours,
        outcome=outcome,
        statement_id=statement_id,
        activity_id=activity_id,
        email=email,
        mbox_sha1=mbox_sha1,
        account=account,
    )


def _is_iri(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", text))


def _is_language_map(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    )


def _in_english(names: Mapping[str, str]) -> str:
    """The name in British, then American, then any English, then the first given."""
    by_tag = {tag.casefold(): text for tag, text in names.items() if text.strip()}
    for tag in LANGUAGES:
        if tag in by_tag:
            return by_tag[tag]
    for tag, text in by_tag.items():
        if tag.startswith("en-"):
            return text
    return next(iter(by_tag.values()), "")


def _actor(where: str, actor: Any, problems: list[str]) -> tuple[str, str, str]:
    """(address, SHA-1 of the address, account words) of an Agent; one of them is set."""
    if not isinstance(actor, dict):
        problems.append(f"{where}, actor: missing")
        return "", "", ""
    if actor.get("objectType") == "Group":
        problems.append(f"{where}, actor: a group, not one learner")
        return "", "", ""
    mbox = actor.get("mbox")
    if isinstance(mbox, str):
        if not mbox.lower().startswith("mailto:") or "@" not in mbox:
            problems.append(f"{where}, actor.mbox: “{mbox[:60]}” is not a mailto: address")
            return "", "", ""
        return mbox[len("mailto:") :].strip().lower(), "", ""
    digest = actor.get("mbox_sha1sum")
    if isinstance(digest, str):
        if not re.fullmatch(r"[0-9a-fA-F]{40}", digest):
            problems.append(f"{where}, actor.mbox_sha1sum: not a SHA-1 digest")
            return "", "", ""
        return "", digest.lower(), ""
    account = actor.get("account")
    if isinstance(account, dict) and account.get("name"):
        home = str(account.get("homePage", ""))[:80]
        return "", "", f"the account “{str(account['name'])[:60]}” on {home or 'another system'}"
    if isinstance(actor.get("openid"), str):
        return "", "", f"the OpenID {actor['openid'][:80]}"
    problems.append(f"{where}, actor: names nobody (no mbox, mbox_sha1sum or account)")
    return "", "", ""


def _hours(duration: str) -> Decimal | None:
    """An ISO 8601 duration in hours to one decimal; None when unreadable, or given in
    years or months (whose length in hours is not fixed)."""
    match = DURATION.match(duration.strip())
    if not match:
        return None
    parts = {k: Decimal(v.replace(",", ".")) for k, v in match.groupdict().items() if v}
    seconds = (
        parts.get("weeks", 0) * 7 * 86400
        + parts.get("days", 0) * 86400
        + parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0)
    )
    try:
        return (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than any real course: not a length we can use
        return None


def _day(stamp: Any) -> date | None:
    """The day (in the site's time zone) of an ISO 8601 timestamp."""
    if not isinstance(stamp, str):
        return None
    try:
        when = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return when.date()
    try:
        return when.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    except OverflowError:  # the first or last day there is, pushed past it by its zone
        return None


def _provider(statement: dict[str, Any]) -> str:
    """Who gave the learning, as the file says: the context's platform, else the name of
    the authority that vouched for the statement."""
    context = statement.get("context")
    if isinstance(context, dict) and isinstance(context.get("platform"), str):
        return str(context["platform"]).strip()
    authority = statement.get("authority")
    if isinstance(authority, dict) and isinstance(authority.get("name"), str):
        return str(authority["name"]).strip()
    return ""


# CSV ---------------------------------------------------------------------------------


def read_csv(name: str, content: bytes, *, emails: bool = False) -> Read:
    """A simple table: title, provider, finished, hours, course, email; title (or
    course) and finished are needed, email too on a lead's file."""
    table = read_table(
        name,
        content,
        max_cols=len(CSV_COLUMNS) * 2,
        max_rows=MAX_STATEMENTS + 1,
        too_many=f"more than {MAX_STATEMENTS:,} rows; split the file",
    )
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise ImportProblem([f"{name}: the file is empty; start from the template"])
    header = [cell.strip().casefold() for cell in table[0]]
    needed = CSV_NEEDED + (("email",) if emails else ())
    missing = [column for column in needed if column not in header]
    if missing:
        raise ImportProblem(
            [f"{name}, row 1: no column named {', '.join(missing)} (the template has them all)"]
        )
    at = {column: header.index(column) for column in CSV_COLUMNS if column in header}
    done = Read("csv", name)
    errors: list[str] = []
    for line, cells in enumerate(table[1:], start=2):
        value = {c: (cells[i].strip() if i < len(cells) else "") for c, i in at.items()}
        value = {c: value.get(c, "") for c in CSV_COLUMNS}
        where = f"row {line}"
        problems: list[str] = []
        if not value["title"] and not value["course"]:
            problems.append(f"{where}, title: empty; give the training a title")
        elif len(value["title"]) > TITLE_MAX:
            problems.append(f"{where}, title: longer than {TITLE_MAX} characters")
        if len(value["provider"]) > PROVIDER_MAX:
            problems.append(f"{where}, provider: longer than {PROVIDER_MAX} characters")
        finished = _csv_day(value["finished"])
        if finished is None:
            problems.append(
                f"{where}, finished: “{value['finished']}” is not a date like 2026-03-05 "
                "or 05/03/2026"
            )
        hours = None
        if value["hours"]:
            try:
                hours = Decimal(value["hours"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            except InvalidOperation:
                problems.append(f"{where}, hours: “{value['hours']}” is not a number")
            else:
                if not hours.is_finite() or not Decimal(0) <= hours <= MAX_HOURS:
                    problems.append(f"{where}, hours: must be 0 to {MAX_HOURS}")
                    hours = None
        email = value["email"].lower()
        if emails and not email:
            problems.append(f"{where}, email: empty; say whose learning it is")
        elif email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            problems.append(f"{where}, email: “{value['email']}” is not an e-mail address")
        errors += problems
        if len(errors) >= MAX_ERRORS:
            errors.append(f"stopped after {MAX_ERRORS} problems")
            break
        if not problems:
            assert finished is not None
            done.completions.append(
                Completion(
                    where=where,
                    title=" ".join(value["title"].split()),
                    provider=value["provider"],
                    finished=finished,
                    hours=hours,
                    outcome="",
                    course=value["course"],
                    email=email,
                )
            )
    if len(table) == 1:
        errors.append("the file has its header but nothing under it")
    if errors:
        raise ImportProblem([f"{name}, {error}" for error in errors])
    return done


def _csv_day(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def template_csv(*, emails: bool = False) -> bytes:
    """The CSV template: the header and two example rows (a lead's names the person)."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = CSV_COLUMNS if emails else CSV_COLUMNS[:-1]
    writer.writerow(columns)
    for number, row in enumerate(TEMPLATE_ROWS, start=1):
        writer.writerow(row[:-1] + ((f"person{number}@example.nhs.uk",) if emails else ()))
    return out.getvalue().encode("utf-8")
