"""Team tallies: how many of a team's members (of one job role) achieved each item at
each level, and how many members of that role the team has. Team-wide and
organisation-wide figures read these rows, never the members' ratings, so a page costs
the same for a team of 5 as for a team of 5,000.

The rows are kept by the database itself (triggers on ratings, memberships and the
user's job role, in migration 0011, counting the competencies achieved per level too
since 0023, the same rule in PostgreSQL and SQLite): every write, from a page, the
admin, an import, a cascade of a deleted account or a test, changes the tally in its
own transaction, so no code path can forget to. An increment
is an upsert (`people = people + 1`), which PostgreSQL applies under the row's lock, so
parallel saves stay exact. `manage.py recount` rebuilds them; `--check` reports drift.
"""

from django.conf import settings
from django.db import models

from .people import JobRole
from .teams import Team

MEMBERS = (0, 0)  # (level, ref) of the row counting the team's members of a job role
# At levels 1 to 3, ref 0 counts the members' achievements of competencies at that level
# (every competency, none of the domains rated as a whole): the organisation overview
# sorts its teams by share on one row per team and job role, not one per item.
COMPETENCIES = 0


class TeamTally(models.Model):
    """`people` members of `team` with `job_role` achieved item `ref` (items.item_ref)
    at `level`; at (level 0, ref 0), `people` is how many members have that job role;
    at (level 1 to 3, ref 0), how many competencies at that level those members have
    achieved in all (COMPETENCIES, kept since migration 0023)."""

    # No database constraint: a deleted team's memberships leave it in the order the
    # deletion takes, and a trigger removes the team's rows when the team itself goes.
    team = models.ForeignKey(
        Team, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    job_role = models.CharField(max_length=20, choices=JobRole, blank=True)
    level = models.PositiveSmallIntegerField()
    ref = models.IntegerField(help_text="A competency's id, or minus a domain's number.")
    people = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "level", "job_role", "ref"], name="team_tally_one_per_item"
            )
        ]
        indexes = [
            # The member counts alone (an organisation's member places, a page's sizes).
            models.Index(
                fields=["team", "people"],
                condition=models.Q(level=0, ref=0),
                name="team_tally_members",
            ),
            # The competencies achieved per team and level (an overview sorted by share):
            # a few rows per team, not every item's.
            models.Index(
                fields=["team", "level", "people"],
                condition=models.Q(ref=0),
                name="team_tally_competencies",
            ),
        ]

    def __str__(self):
        return f"{self.team_id} {self.job_role or '-'} L{self.level} {self.ref}: {self.people}"


class Achieved(models.Model):
    """What one person has achieved at one level: their items' refs as one text
    ("17,-3,42", in no set order). The team plan reads one of these per member rather
    than each of their ratings. Kept by database triggers as the team tallies are
    (migration 0015)."""

    # No database constraint, as for TeamTally: a deleted account's ratings go before
    # or after it in whatever order the deletion takes; a trigger removes its rows.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="achieved",
    )
    level = models.PositiveSmallIntegerField()
    refs = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "level"], name="achieved_one_per_level")
        ]

    def __str__(self):
        return f"{self.user_id} L{self.level}: {self.refs}"
