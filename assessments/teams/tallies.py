"""Reads of the team tallies (models.tallies), and their recount.

A figure over a team or an organisation costs one query over at most the team's
items × job roles rows, whatever the number of members or ratings."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Sum

from ..items import ITEM_REF
from ..models import MEMBERS, Membership, Rating, Status, TeamTally


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
        else:
            achieved[ref] += people
    return Counts(members, dict(achieved))


def teams_counts(team_ids: list[int], *, level: int) -> dict[int, Counts]:
    """One query: team_counts for each of several teams (a page of the overview)."""
    rows = (
        TeamTally.objects.filter(team_id__in=team_ids, level__in=[MEMBERS[0], level])
        .values("team_id", "level", "ref")
        .annotate(n=Sum("people"))
        .values_list("team_id", "level", "ref", "n")
    )
    members: dict[int, int] = defaultdict(int)
    achieved: dict[int, dict[int, int]] = defaultdict(dict)
    for team_id, row_level, ref, n in rows:
        if (row_level, ref) == MEMBERS:
            members[team_id] += n
        else:
            achieved[team_id][ref] = n
    return {pk: Counts(members[pk], achieved[pk]) for pk in team_ids}


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
    """Each tally that differs from a full count, in words; [] when none does."""
    with transaction.atomic():
        _hold_writes()
        expected, found = counted(), stored()
    lines = []
    for key in sorted(set(expected) | set(found), key=str):
        if expected.get(key, 0) != found.get(key, 0):
            team_id, job_role, level, ref = key
            what = "members" if (level, ref) == MEMBERS else f"level {level} item {ref}"
            lines.append(
                f"team {team_id}, job role {job_role or '(none)'}, {what}: "
                f"tally {found.get(key, 0)}, counted {expected.get(key, 0)}"
            )
    return lines


# The full count as one statement (the migration's first count is the same), so the
# database does it in one pass: 20 million ratings take about a minute on PostgreSQL.
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
"""


@transaction.atomic
def recount() -> int:
    """Rebuild every tally from memberships and ratings; returns the rows written.
    Writes to those tables wait until it is done (PostgreSQL); SQLite's write lock is
    taken at BEGIN."""
    _hold_writes()
    TeamTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
    return TeamTally.objects.count()


def _hold_writes() -> None:
    """Make writes that change tallies wait for this transaction (PostgreSQL), so a
    count and the tallies it is compared with are taken at one moment."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "LOCK TABLE assessments_rating, assessments_membership, assessments_user,"
                " assessments_teamtally IN SHARE ROW EXCLUSIVE MODE"
            )
