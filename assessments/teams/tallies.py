"""Reads of the team tallies (models.tallies), and their recount.

A figure over a team or an organisation costs one query over at most the team's
items × job roles rows, whatever the number of members or ratings."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import Count, Sum

from ..items import ITEM_REF
from ..models import MEMBERS, Achieved, Membership, Rating, Status, TeamTally
from ..models.tallies import COMPETENCIES


@dataclass(frozen=True)
class Counts:
    """One team's members and achievements at one level (of one job role, or all)."""

    members: int
    achieved: dict[int, int]  # item ref -> members who achieved it


def team_counts(team_id: int, *, level: int, job_role: str = "") -> Counts:
    """One query: the team's member count and achieved counts per item at `level`."""
    rows = TeamTally.objects.filter(team_id=team_id, level__in=[MEMBERS[0], level])
    if job_role:
        rows = rows.filter(job_role=job_role)
    members, achieved = 0, defaultdict(int)
    for row_level, ref, people in rows.values_list("level", "ref", "people"):
        if (row_level, ref) == MEMBERS:
            members += people
        elif ref != COMPETENCIES:
            achieved[ref] += people
    return Counts(members, dict(achieved))


def teams_by_domain(
    team_ids: list[int], *, level: int, refs: dict[int, list[int]]
) -> dict[int, tuple[int, dict[int, int]]]:
    """One query: for each team, its member count and, per domain, how many of its
    members' achievements fall on the items `refs` lists (the items that exist now),
    summed in the database: a row per team and domain. Plain SQL (through the router,
    so it may read the replica): the same query built by the ORM costs more to compile
    than to run."""
    every = [ref for domain_refs in refs.values() for ref in domain_refs]
    found: dict[int, tuple[int, dict[int, int]]] = {pk: (0, {}) for pk in team_ids}
    if not team_ids or not every:
        return found
    teams = ", ".join(["%s"] * len(team_ids))
    items = ", ".join(["%s"] * len(every))
    # Only placeholders are joined in; every value is a parameter.
    sql = (
        "SELECT t.team_id, CASE WHEN t.level = 0 THEN 0 WHEN t.ref < 0 THEN -t.ref"  # noqa: S608  # nosec B608
        " ELSE c.domain_id END, SUM(t.people) FROM assessments_teamtally t"
        " LEFT JOIN catalogue_competency c ON c.id = t.ref"
        f" WHERE t.team_id IN ({teams}) AND ((t.level = 0 AND t.ref = 0)"
        f" OR (t.level = %s AND t.ref IN ({items}))) GROUP BY 1, 2"
    )
    with connections[TeamTally.objects.db].cursor() as cursor:
        cursor.execute(sql, [*team_ids, level, *every])
        rows = cursor.fetchall()
    for team_id, domain, n in rows:
        members, by_domain = found[team_id]
        if domain == 0:
            found[team_id] = (n, by_domain)
        else:
            by_domain[domain] = n
    return found


def member_places(teams) -> int:
    """Members of these teams (a queryset of teams), a person on two counted twice."""
    places = TeamTally.objects.filter(
        level=MEMBERS[0], ref=MEMBERS[1], team__in=teams.values("pk")
    ).aggregate(n=Sum("people"))["n"]
    return places or 0


def counted() -> dict[tuple, int]:
    """What the tallies should say, counted from memberships and ratings (every row:
    for recount and its check only). Keys: (team, job_role, level, ref)."""
    expected: dict[tuple, int] = {}
    for team_id, job_role, n in (
        Membership.objects.members()
        .values("team_id", "user__job_role")
        .annotate(n=Count("*"))
        .values_list("team_id", "user__job_role", "n")
    ):
        expected[(team_id, job_role, *MEMBERS)] = n
    for team_id, job_role, level, ref, n in (
        Rating.objects.filter(
            status=Status.ACHIEVED, user__memberships__role=Membership.Role.MEMBER
        )
        .values("user__memberships__team_id", "user__job_role", "level_id", ref=ITEM_REF)
        .annotate(n=Count("*"))
        .values_list("user__memberships__team_id", "user__job_role", "level_id", "ref", "n")
    ):
        expected[(team_id, job_role, level, ref)] = n
        if ref > 0:  # a competency's, not a domain's as a whole
            key = (team_id, job_role, level, COMPETENCIES)
            expected[key] = expected.get(key, 0) + n
    return expected


def stored() -> dict[tuple, int]:
    """What the tallies say, leaving out rows that have gone back to zero."""
    return {
        (team_id, job_role, level, ref): people
        for team_id, job_role, level, ref, people in TeamTally.objects.exclude(
            people=0
        ).values_list("team_id", "job_role", "level", "ref", "people")
    }


def drift() -> list[str]:
    """Each tally (and each person's achievements) that differs from a full count, in
    words; [] when none does."""
    with transaction.atomic():
        _hold_writes()
        expected, found = counted(), stored()
        people = achieved_drift()
    lines = []
    for key in sorted(set(expected) | set(found), key=str):
        if expected.get(key, 0) != found.get(key, 0):
            team_id, job_role, level, ref = key
            if (level, ref) == MEMBERS:
                what = "members"
            elif ref == COMPETENCIES:
                what = f"level {level} competencies in all"
            else:
                what = f"level {level} item {ref}"
            lines.append(
                f"team {team_id}, job role {job_role or '(none)'}, {what}: "
                f"tally {found.get(key, 0)}, counted {expected.get(key, 0)}"
            )
    return lines + people


# The full count as one statement (migration 0011's first count, with 0023's counts of
# competencies per level), so the database does it in one pass: 20 million ratings take
# about a minute on PostgreSQL.
RECOUNT = """
INSERT INTO assessments_teamtally (team_id, job_role, level, ref, people)
SELECT m.team_id, u.job_role, 0, 0, COUNT(*) FROM assessments_membership m
JOIN assessments_user u ON u.id = m.user_id WHERE m.role = 'member'
GROUP BY m.team_id, u.job_role
UNION ALL
SELECT m.team_id, u.job_role, r.level_id, COALESCE(r.competency_id, -r.domain_id), COUNT(*)
FROM assessments_membership m JOIN assessments_user u ON u.id = m.user_id
JOIN assessments_rating r ON r.user_id = m.user_id
WHERE m.role = 'member' AND r.status = 'achieved'
GROUP BY m.team_id, u.job_role, r.level_id, COALESCE(r.competency_id, -r.domain_id)
UNION ALL
SELECT m.team_id, u.job_role, r.level_id, 0, COUNT(*)
FROM assessments_membership m JOIN assessments_user u ON u.id = m.user_id
JOIN assessments_rating r ON r.user_id = m.user_id
WHERE m.role = 'member' AND r.status = 'achieved' AND r.competency_id IS NOT NULL
GROUP BY m.team_id, u.job_role, r.level_id
"""


# Each person's achievements per level (models.tallies.Achieved), as migration 0015.
REF = "COALESCE(r.competency_id, -r.domain_id)"
JOINED = {
    "postgresql": f"STRING_AGG(CAST({REF} AS TEXT), ',')",
    "sqlite": f"GROUP_CONCAT({REF}, ',')",
}
RECOUNT_ACHIEVED = (
    "INSERT INTO assessments_achieved (user_id, level, refs)"
    " SELECT r.user_id, r.level_id, {joined} FROM assessments_rating r"
    " WHERE r.status = 'achieved' GROUP BY r.user_id, r.level_id"
)


@transaction.atomic
def recount() -> int:
    """Rebuild every tally (and each person's achievements) from memberships and
    ratings; returns the team tally rows written. Writes to those tables wait until it
    is done (PostgreSQL); SQLite's write lock is taken at BEGIN."""
    _hold_writes()
    TeamTally.objects.all().delete()
    Achieved.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
        cursor.execute(RECOUNT_ACHIEVED.format(joined=JOINED[connection.vendor]))
    return TeamTally.objects.count()


def achieved_drift() -> list[str]:
    """Each person and level whose stored achievements differ from their ratings."""
    expected: dict[tuple, set[str]] = defaultdict(set)
    for user_id, level, ref in (
        Rating.objects.filter(status=Status.ACHIEVED)
        .annotate(ref=ITEM_REF)
        .values_list("user_id", "level_id", "ref")
    ):
        expected[(user_id, level)].add(str(ref))
    found = {
        (user_id, level): set(filter(None, refs.split(",")))
        for user_id, level, refs in Achieved.objects.values_list("user_id", "level", "refs")
    }
    return [
        f"person {user_id}, level {level}: stored {len(found.get((user_id, level), ()))}"
        f" achieved, counted {len(expected.get((user_id, level), ()))}"
        for user_id, level in sorted(set(expected) | set(found))
        if expected.get((user_id, level), set()) != found.get((user_id, level), set())
    ]


def _hold_writes() -> None:
    """Make writes that change tallies wait for this transaction (PostgreSQL), so a
    count and the tallies it is compared with are taken at one moment."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "LOCK TABLE assessments_rating, assessments_membership, assessments_user,"
                " assessments_teamtally, assessments_achieved IN SHARE ROW EXCLUSIVE MODE"
            )
