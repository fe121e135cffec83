"""An organisation at national scale, for `make scale` and its short version in the
tests: teams of `per_team` people plus one big team, every person rated on every item
of a full-size framework (three in four items answered: two achieved, one working
towards). The rows are made by the database itself (INSERT ... SELECT over a counting
query), so 100,000 people and 15 million ratings take minutes, not hours; growing an
organisation adds only what is missing. Same SQL on PostgreSQL and SQLite."""

from django.db import connection, transaction

from ..models import Organisation, Team
from ..teams import tallies

PREFIX = "Scale team "
BIG = "Scale team big"
# Triggers that keep the tallies, switched off for a bulk load on PostgreSQL (each
# row's upsert would make it hours); the tallies are then recounted in one statement.
SWITCH_TRIGGERS = {
    False: [
        "ALTER TABLE assessments_rating DISABLE TRIGGER USER",
        "ALTER TABLE assessments_membership DISABLE TRIGGER USER",
    ],
    True: [
        "ALTER TABLE assessments_rating ENABLE TRIGGER USER",
        "ALTER TABLE assessments_membership ENABLE TRIGGER USER",
    ],
}


def people(organisation: Organisation) -> int:
    """Members of the organisation's teams, from the tallies."""
    return tallies.member_places(Team.objects.filter(organisation=organisation))


@transaction.atomic
def build(organisation: Organisation, *, teams: int, big: int, per_team: int = 50) -> None:
    """Grow `organisation` to `teams` teams of `per_team` members and one of `big`."""
    have = Team.objects.filter(organisation=organisation, name__startswith=PREFIX).exclude(name=BIG)
    start = have.count() + 1
    Team.objects.bulk_create(
        Team(organisation=organisation, name=f"{PREFIX}{n}") for n in range(start, teams + 1)
    )
    big_team, made_big = Team.objects.get_or_create(organisation=organisation, name=BIG)
    bulk = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM assessments_user")
        (before,) = cursor.fetchone()
        if bulk:
            # Foreign keys are checked at once, not at commit: a table with checks still
            # pending cannot have its triggers switched.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in SWITCH_TRIGGERS[False]:
                cursor.execute(statement)
        tag = f"o{organisation.pk}-"
        if start <= teams:
            _people(cursor, tag, "Scale", (start - 1) * per_team + 1, teams * per_team)
        if made_big:
            _people(cursor, tag + "big-", "Big", 1, big)
        cursor.execute(
            "INSERT INTO assessments_membership (team_id, user_id, role, shares_evidence)"
            " SELECT t.id, u.id, 'member', FALSE FROM assessments_user u"
            " JOIN assessments_team t ON t.organisation_id = %s AND t.name = CASE"
            " WHEN u.first_name = 'Big' THEN %s ELSE %s ||"
            " CAST((CAST(u.last_name AS INTEGER) - 1) / %s + 1 AS TEXT) END"
            " WHERE u.id > %s AND u.username LIKE %s",
            [organisation.pk, BIG, PREFIX, per_team, before, tag + "%"],
        )
        cursor.execute(
            "INSERT INTO assessments_rating"
            " (user_id, level_id, domain_id, competency_id, status, evidence, version, updated_at)"
            " SELECT u.id, w.level_id, c.domain_id, c.id,"
            " CASE WHEN (u.id * 7 + c.id * 13 + w.level_id) %% 4 = 1 THEN 'working_towards'"
            " ELSE 'achieved' END, '', 1, CURRENT_TIMESTAMP"
            " FROM assessments_user u JOIN catalogue_wording w ON TRUE"
            " JOIN catalogue_competency c ON c.id = w.competency_id"
            " WHERE u.id > %s AND u.username LIKE %s"
            " AND (u.id * 7 + c.id * 13 + w.level_id) %% 4 <> 3",
            [before, tag + "%"],
        )
        if bulk:
            for statement in SWITCH_TRIGGERS[True]:
                cursor.execute(statement)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    if bulk:
        tallies.recount()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _people(cursor, tag: str, kind: str, first: int, last: int) -> None:
    cursor.execute(
        "WITH RECURSIVE seq(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM seq WHERE n < %s)"
        " INSERT INTO assessments_user (password, is_superuser, username, first_name,"
        " last_name, email, is_staff, is_active, date_joined, job_role, session_stamp)"
        " SELECT '!', FALSE, %s || CAST(n AS TEXT), %s, CAST(n AS TEXT), '', FALSE, TRUE,"
        " CURRENT_TIMESTAMP, CASE n %% 4 WHEN 0 THEN 'health_visitor' WHEN 1 THEN 'midwife'"
        " WHEN 2 THEN 'early_years' ELSE 'social_worker' END, '' FROM seq",
        [first, last, tag, kind],
    )
