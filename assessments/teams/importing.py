"""A training lead's staff import (CSV or XLSX): name, email, job role, team, manager.

Two phases, as the framework import does (catalogue.importing): read and check every
row, naming the row and field of each problem, and show the lead what would happen;
then, when they confirm, write it all in one transaction. Nothing is written by a file
with any problem, nor before the confirmation.

An import never makes an account and never puts anyone on a team: each row becomes an
invitation e-mailed to that address, for that team, as a member or a manager, and the
person joins by accepting it with an account using that address. So a lead cannot pull
someone's existing assessment into their organisation without that person's consent.
Teams named in the file that the organisation does not have yet are made. Importing the
same file again changes nothing: a person already on the team (in that role or above),
or with an open invitation to it in that role, is left alone.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from catalogue.importing import ImportProblem, read_table, table_csv, table_xlsx

from ..accounts.forms import printable_only
from ..models import Invite, JobRole, Membership, Team, User
from . import services

COLUMNS = ("name", "email", "job role", "team", "manager")
MAX_ROWS = 2_000  # people; 2,001 are refused


def _column_length(model: type[models.Model], field: str) -> int:
    """What the save can store in a column: the preview checks the same, so a confirmed
    preview never fails on PostgreSQL, which refuses a value too long for its column."""
    column = model._meta.get_field(field)
    assert isinstance(column, models.CharField) and column.max_length is not None
    return column.max_length


NAME_MAX = _column_length(Invite, "name")  # 300
EMAIL_MAX = _column_length(Invite, "email")  # 254, where validate_email allows 320
TEAM_MAX = _column_length(Team, "name")  # 200
TOO_MANY = f"more than {MAX_ROWS:,} people; split the file"
MAX_ERRORS = 25
YES = {"yes", "y", "true", "1", "manager"}
NO = {"", "no", "n", "false", "0", "member"}
ROLE_BY_TEXT = {
    "": "",  # not given: the person says when they sign up
    **{value.casefold(): value for value in JobRole.values},
    **{label.casefold(): value for value, label in JobRole.choices},
}
TEMPLATE_ROWS = [
    ("Sam Jones", "sam.jones@example.nhs.uk", "Health visitor", "North locality", "no"),
    (
        "Priya Shah",
        "priya.shah@example.nhs.uk",
        "Specialist health visitor",
        "North locality",
        "yes",
    ),
]


@dataclass(frozen=True)
class StaffRow:
    line: int  # the spreadsheet's row number (the header is row 1)
    name: str
    email: str
    job_role: str  # a JobRole value, or "" when not given
    team: str
    manager: bool

    @property
    def role(self) -> str:
        return Membership.Role.MANAGER if self.manager else Membership.Role.MEMBER

    @property
    def job_role_label(self) -> str:
        return JobRole(self.job_role).label if self.job_role else "not given"


def parse(name: str, content: bytes) -> list[StaffRow]:
    """Every row of the file, checked. Raises ImportProblem listing each problem."""
    table = read_table(
        name, content, max_cols=len(COLUMNS) * 2, max_rows=MAX_ROWS + 1, too_many=TOO_MANY
    )
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise ImportProblem([f"{name}: the file is empty; start from the template"])
    header = [cell.strip().casefold().replace("_", " ") for cell in table[0]]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ImportProblem(
            [f"{name}, row 1: no column named {', '.join(missing)} (the template has them all)"]
        )
    at = {column: header.index(column) for column in COLUMNS}
    values = []
    for line, cells in enumerate(table[1:], start=2):
        cells = cells + [""] * (len(header) - len(cells))
        values.append((line, {column: cells[at[column]] for column in COLUMNS}))
    rows, problems = check_rows(values)
    errors = [f"Row {p.line}, {p.column}: {p.message}" for p in problems]
    if len(table) == 1:
        errors.append(f"{name}: the file has its header but nobody under it")
    if errors:
        more = len(errors) - MAX_ERRORS
        shown = errors[:MAX_ERRORS] + ([f"… and {more} more problems"] if more > 0 else [])
        raise ImportProblem(shown)
    return rows


@dataclass(frozen=True)
class RowProblem:
    """One problem of one row: its row number, its column (one of COLUMNS) and what is
    wrong, in words ("empty; give the person's name")."""

    line: int
    column: str
    message: str


def check_rows(
    values: Iterable[tuple[int, dict[str, str]]],
) -> tuple[list[StaffRow], list[RowProblem]]:
    """The staff import's checks of each row, whether it came from a file's table or
    from the API's JSON: `values` gives each row's number and its text under each of
    COLUMNS. Returns the rows that passed and every problem of the others (a row with
    any problem is left out); no query."""
    rows, problems, seen = [], [], {}
    for line, raw in values:
        value = {column: raw[column].strip() for column in COLUMNS}
        found = _row_problems(value)
        key = (value["email"].casefold(), value["team"].casefold())
        if not found and key in seen:
            found.append(
                (
                    "email",
                    f"{value['email']} is already on row {seen[key]} for the same team "
                    "(a person on two teams takes two rows with different teams)",
                )
            )
        seen.setdefault(key, line)
        problems += [RowProblem(line, column, message) for column, message in found]
        if not found:
            rows.append(
                StaffRow(
                    line,
                    value["name"],
                    value["email"],
                    _job_role(value["job role"]) or "",
                    value["team"],
                    value["manager"].casefold() in YES,
                )
            )
    return rows, problems


def _job_role(text: str) -> str | None:
    """The JobRole value a cell names (either spelling), "" for none, None if unknown."""
    job_role = ROLE_BY_TEXT.get(text.casefold().replace(" ", "_"))
    return ROLE_BY_TEXT.get(text.casefold(), job_role)


def _row_problems(value: dict[str, str]) -> list[tuple[str, str]]:
    """(column, message) for each thing wrong with one row's stripped text."""
    problems: list[tuple[str, str]] = []
    if not value["name"]:
        problems.append(("name", "empty; give the person's name"))
    else:
        problems += _text_problems("name", value["name"], NAME_MAX)
    if len(value["email"]) > EMAIL_MAX:
        problems.append(("email", f"longer than {EMAIL_MAX} characters"))
    else:
        try:
            validate_email(value["email"])
        except ValidationError:
            problems.append(("email", f"“{value['email']}” is not an e-mail address"))
    if _job_role(value["job role"]) is None:
        problems.append(
            (
                "job role",
                f"“{value['job role']}” is not one of ours; use one of "
                + ", ".join(label for _, label in JobRole.choices)
                + ", or leave it empty",
            )
        )
    if not value["team"]:
        problems.append(("team", "empty; name the team"))
    else:
        problems += _text_problems("team", value["team"], TEAM_MAX)
    if value["manager"].casefold() not in YES | NO:
        problems.append(("manager", f"“{value['manager']}” is neither yes nor no"))
    return problems


def _text_problems(column: str, text: str, max_length: int) -> list[tuple[str, str]]:
    """What the save would refuse in a name: too long for its column, or a control
    character (a NUL, which PostgreSQL cannot store, or a bell or escape from pasting)."""
    if len(text) > max_length:
        return [(column, f"longer than {max_length} characters")]
    try:
        printable_only(text)
    except ValidationError:
        return [(column, "has an invisible control character (often from pasting)")]
    return []


@dataclass(frozen=True)
class Step:
    """What confirming the import would do with one row."""

    row: StaffRow
    invite: bool  # an invitation will be made and e-mailed
    new_team: bool  # its team will be made
    why: str  # in words, for the preview


def plan(organisation, rows: list[StaffRow]) -> list[Step]:
    """What the import would do now, row by row. Three queries."""
    teams = {
        t.name.casefold(): t for t in Team.objects.filter(organisation=organisation).only("name")
    }
    emails = {row.email.casefold() for row in rows}
    on_team = {
        (team_id, email): role
        for team_id, email, role in Membership.objects.filter(team__in=teams.values())
        .annotate(email=Lower("user__email"))
        .filter(email__in=emails)
        .values_list("team_id", "email", "role")
    }
    invited: dict[tuple, datetime] = {}
    for team_id, email, role, made in (
        Invite.objects.filter(
            team__in=teams.values(), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .annotate(lower=Lower("email"))
        .filter(lower__in=emails)
        .values_list("team_id", "lower", "role", "created_at")
    ):
        invited[(team_id, email, role)] = made
    steps, new = [], set()
    for row in rows:
        team = teams.get(row.team.casefold())
        email = row.email.casefold()
        if team is None:
            first = row.team.casefold() not in new
            new.add(row.team.casefold())
            why = "new team; invitation e-mailed" if first else "invitation e-mailed"
            steps.append(Step(row, True, first, why))
            continue
        role = on_team.get((team.pk, email))
        if role == Membership.Role.MANAGER or (role and not row.manager):
            what = "a manager" if role == Membership.Role.MANAGER else "a member"
            steps.append(Step(row, False, False, f"already {what} of the team: nothing to do"))
        elif (team.pk, email, row.role) in invited:
            made = invited[(team.pk, email, row.role)]
            why = f"already invited on {made:%-d %B %Y}: nothing sent"
            steps.append(Step(row, False, False, why))
        else:
            steps.append(Step(row, True, False, "invitation e-mailed"))
    return steps


@dataclass
class Done:
    teams: list[Team]
    invites: list[Invite]
    unchanged: int
    steps: list[Step] = field(default_factory=list)  # what was done with each row


@transaction.atomic
def apply(organisation, rows: list[StaffRow], *, lead: User) -> Done:
    """Make the new teams and the invitations, all or nothing (the caller e-mails them
    once this has committed). Planned again here: the preview may be out of date."""
    steps = plan(organisation, rows)
    teams = {t.name.casefold(): t for t in Team.objects.filter(organisation=organisation)}
    made_teams, invites = [], []
    for step in steps:
        if step.new_team:
            team = services.create_team(organisation=organisation, name=step.row.team)
            teams[step.row.team.casefold()] = team
            made_teams.append(team)
        if step.invite:
            invites.append(
                services.create_invite(
                    team=teams[step.row.team.casefold()],
                    manager=lead,
                    role=step.row.role,
                    email=step.row.email,
                    name=step.row.name,
                    job_role=step.row.job_role,
                )
            )
    return Done(made_teams, invites, len(steps) - len(invites), steps)


def to_session(rows: list[StaffRow]) -> list[dict]:
    return [asdict(row) for row in rows]


def from_session(data: list[dict]) -> list[StaffRow]:
    return [StaffRow(**row) for row in data]


def template_csv() -> bytes:
    return table_csv(COLUMNS, TEMPLATE_ROWS)


def template_xlsx() -> bytes:
    roles = [("job role (either spelling)", "code")] + [
        (label, value) for value, label in JobRole.choices
    ]
    return table_xlsx({"staff": [COLUMNS, *TEMPLATE_ROWS], "job roles": roles})
