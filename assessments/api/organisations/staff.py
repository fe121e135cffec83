"""POST /api/v1/organisations/<pk>/staff/: a staff list written through the API, with
the staff import's own rules (teams.importing): the same row checks (check_rows), the
same plan and apply, its invitations e-mailed by the same job (tasks.invitations.start)
in the same transaction, audited as the page audits an import. No preview: any
problem in any row is a 400 naming each row and field, and nothing is written. (A body
over the API's limit, IMHCF_API_MAX_BODY, is refused before it is read: api.limits.)

Idempotent by e-mail, as the import is: a person already on the team, or with an open
invitation to it in that role, is left alone, so the same list sent again invites
nobody. Two copies of one request at the same moment wait for each other on a lock of
the organisation's row (PostgreSQL; SQLite writes one transaction at a time anyway), so
the second sees the first's invitations and makes none."""

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from ...models import Organisation, TrainingLead, User
from ...security import access, audit
from ...tasks import invitations
from ...teams import importing
from . import serializers as s
from .keys import key_of
from .teams import OrganisationView

# The API's names of the import's columns (importing.COLUMNS).
FIELDS = {
    "name": "name",
    "email": "email",
    "job_role": "job role",
    "team": "team",
    "manager": "manager",
}
API_NAME = {column: field for field, column in FIELDS.items()}
TOO_MANY = f"more than {importing.MAX_ROWS:,} people; split the list"
SENT_FROM = "a list sent through the API"  # the sending page: "Staff imported from …"


def _problem(row: int | None, field: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _read(data: Any) -> tuple[list[tuple[int, dict[str, str]]], list[dict[str, Any]]]:
    """The body's people as the import's rows of text (numbered from 1), or what is wrong
    with its shape: not an object, no list of people, too many, a person not an object,
    a field that is not text (manager: not true or false), a field we do not know."""
    if not isinstance(data, dict):
        return [], [_problem(None, "staff", 'send an object: {"staff": [{…}, …]}')]
    unknown = sorted(set(data) - {"staff"})
    people = data.get("staff")
    problems = [_problem(None, str(name)[:100], "not a field we know") for name in unknown]
    if not isinstance(people, list):
        what = "missing" if people is None else "not a list"
        return [], [*problems, _problem(None, "staff", f"{what}: give a list of people")]
    if not people:
        return [], [*problems, _problem(None, "staff", "the list has nobody in it")]
    if len(people) > importing.MAX_ROWS:
        return [], [*problems, _problem(None, "staff", TOO_MANY)]
    rows = []
    for number, person in enumerate(people, start=1):
        if not isinstance(person, dict):
            problems.append(_problem(number, "staff", "not an object with name, email, team"))
            continue
        text: dict[str, str] = {}
        for field in sorted(set(person) - set(FIELDS)):
            problems.append(
                _problem(number, str(field)[:100], f"not a field we know; use {', '.join(FIELDS)}")
            )
        for field, column in FIELDS.items():
            value = person.get(field)
            if field == "manager":
                if value is not None and not isinstance(value, bool):
                    problems.append(_problem(number, field, "must be true or false"))
                text[column] = "yes" if value is True else "no"
            elif value is None:
                text[column] = ""  # the import's own check says what is missing
            elif not isinstance(value, str):
                problems.append(_problem(number, field, "must be text"))
                text[column] = ""
            else:
                text[column] = value
        rows.append((number, text))
    return rows, problems


def acting_lead(request: Request, organisation: Organisation) -> User:
    """In whose name a write is done (invitations sent, learning brought in): the
    signed-in lead; with a key, the lead who made it while she still leads the
    organisation, else its longest-serving lead (a key belongs to its organisation, not
    to her). One or two queries; 403 when the organisation has no lead left."""
    if request.user.is_authenticated:
        return request.user
    key = key_of(request)
    if (
        key is not None
        and key.made_by is not None
        and TrainingLead.objects.filter(organisation=organisation, user=key.made_by).exists()
    ):
        return key.made_by  # only while she still leads it
    lead = (
        TrainingLead.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    if lead is None:
        raise PermissionDenied(
            "This organisation has no training lead here to send the invitations in "
            "her name: an admin can make someone its training lead."
        )
    return lead.user


class StaffWrite(OrganisationView):
    """Invite a list of staff to the organisation's teams, as the staff import does."""

    @extend_schema(
        request=s.StaffListSerializer,
        responses={201: s.StaffDoneSerializer, 400: s.StaffErrorsSerializer},
        operation_id="organisation_staff",
        description=(
            "Each person is checked as a row of the staff import is (the same rules and "
            "messages); any problem in any row answers 400 with every problem by row and "
            "field, and nothing is written. Otherwise (201) new teams are made and each "
            "person not already on the team or invited to it is invited by e-mail; the same "
            "list sent again invites nobody new (201, with nothing invited). Needs a key "
            "that can write, or a training lead signed in."
        ),
        examples=[
            OpenApiExample(
                "Two people",
                value={
                    "staff": [
                        {
                            "name": "Sam Jones",
                            "email": "sam.jones@example.nhs.uk",
                            "job_role": "Health visitor",
                            "team": "North locality",
                            "manager": False,
                        },
                        {
                            "name": "Priya Shah",
                            "email": "priya.shah@example.nhs.uk",
                            "job_role": "Specialist health visitor",
                            "team": "North locality",
                            "manager": True,
                        },
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request: Request, pk: int) -> Response:
        organisation = access.api_organisation(request, pk, write=True)
        if (request.META.get("CONTENT_LENGTH") or "0").strip() == "0":
            # REST framework reads no body as {}: said as the API's parser says it.
            raise ParseError("The body is empty: send a JSON object.")
        data = request.data  # not JSON: 400 {"detail": …}, as everywhere in the API
        values, problems = _read(data)
        if not problems:
            rows, found = importing.check_rows(values)
            problems = [_problem(p.line, API_NAME[p.column], p.message) for p in found]
        if problems:
            return _refused(problems)
        lead = acting_lead(request, organisation)
        site = request.build_absolute_uri("/").rstrip("/")
        with transaction.atomic():
            # One list at a time per organisation: a copy of this request sent at the same
            # moment waits here, then finds these invitations and makes none.
            list(Organisation.objects.select_for_update().filter(pk=organisation.pk))
            done = importing.apply(organisation, rows, lead=lead)
            job = None
            if done.invites:
                job = invitations.start(
                    invites=done.invites,
                    lead=lead,
                    organisation=organisation,
                    site=site,
                    detail={
                        "file": SENT_FROM,
                        "teams": [team.name for team in done.teams],
                        "unchanged": done.unchanged,
                    },
                )
        key = key_of(request)
        audit.event(
            "staff.imported",
            request,
            organisation=organisation.pk,
            invites=len(done.invites),
            teams=len(done.teams),
            job=job.pk if job else None,
            via="api",
            key=key.prefix if key else "",
        )
        answer = {
            "invited": len(done.invites),
            "unchanged": done.unchanged,
            "new_teams": [team.name for team in done.teams],
            "job": job.pk if job else None,
            "sending": request.build_absolute_uri(job.get_absolute_url()) if job else None,
            "rows": [
                {
                    "row": step.row.line,
                    "email": step.row.email,
                    "team": step.row.team,
                    "invited": step.invite,
                    "new_team": step.new_team,
                    "outcome": step.why,
                }
                for step in done.steps
            ],
        }
        return Response(s.StaffDoneSerializer(answer).data, status=201)


def _refused(problems: list[dict[str, Any]]) -> Response:
    return Response(s.StaffErrorsSerializer({"errors": problems}).data, status=400)
