"""The team tallies count, per team, job role and level, the competencies its members
have achieved in all (ref 0 at levels 1 to 3, models.tallies.COMPETENCIES), so the
organisation overview sorts 2,000 teams by share on a few rows each instead of every
item's. The triggers of migration 0011 are made again with that row added (the same
statements in PostgreSQL and SQLite), then a first count from the tallies already there,
and an index on those rows."""

import importlib

from django.db import migrations, models

TALLY = "assessments_teamtally"
# As in 0011: rows taken in key order, so two transactions cannot deadlock on them.
UPSERT = (
    " ORDER BY 1, 3, 4"
    f" ON CONFLICT (team_id, level, job_role, ref) DO UPDATE"
    f" SET people = {TALLY}.people + excluded.people"
)
ITEM = "COALESCE({r}.competency_id, -{r}.domain_id)"


def rating_sql(row: str, sign: str) -> str:
    """A rating `row` (NEW or OLD), if achieved, counts `sign` for its owner's teams: on
    its item, and on the competencies achieved at its level when it is a competency's."""
    members = (
        " FROM assessments_membership m JOIN assessments_user u ON u.id = m.user_id"
        f" WHERE m.user_id = {row}.user_id AND m.role = 'member'"
        f" AND {row}.status = 'achieved'"
    )
    return (
        f"INSERT INTO {TALLY} (team_id, job_role, level, ref, people)"
        f" SELECT m.team_id, u.job_role, {row}.level_id, {ITEM.format(r=row)}, {sign}"
        + members
        + f" UNION ALL SELECT m.team_id, u.job_role, {row}.level_id, 0, {sign}"
        + members
        + f" AND {row}.competency_id IS NOT NULL"
        + UPSERT
        + ";"
    )


def membership_sql(row: str, sign: str) -> str:
    """A membership `row`, if a member's, counts `sign` once, for each of the person's
    achieved ratings, and for the competencies among them per level."""
    ratings = (
        " FROM assessments_rating r JOIN assessments_user u ON u.id = r.user_id"
        f" WHERE r.user_id = {row}.user_id AND {row}.role = 'member' AND r.status = 'achieved'"
    )
    return (
        f"INSERT INTO {TALLY} (team_id, job_role, level, ref, people)"
        f" SELECT {row}.team_id, u.job_role, 0, 0, {sign} FROM assessments_user u"
        f" WHERE u.id = {row}.user_id AND {row}.role = 'member'"
        f" UNION ALL SELECT {row}.team_id, u.job_role, r.level_id, {ITEM.format(r='r')}, {sign}"
        + ratings
        + f" UNION ALL SELECT {row}.team_id, u.job_role, r.level_id, 0, {sign} * COUNT(*)"
        + ratings
        + " AND r.competency_id IS NOT NULL GROUP BY u.job_role, r.level_id"
        + UPSERT
        + ";"
    )


def job_role_sql(row: str, sign: str) -> str:
    """A person's job role (`row` of the user table) counts `sign` in each team they
    are a member of: once, for each achieved rating, and for the competencies among
    them per level."""
    ratings = (
        " FROM assessments_membership m JOIN assessments_rating r ON r.user_id = m.user_id"
        f" WHERE m.user_id = {row}.id AND m.role = 'member' AND r.status = 'achieved'"
    )
    return (
        f"INSERT INTO {TALLY} (team_id, job_role, level, ref, people)"
        f" SELECT m.team_id, {row}.job_role, 0, 0, {sign} FROM assessments_membership m"
        f" WHERE m.user_id = {row}.id AND m.role = 'member'"
        f" UNION ALL SELECT m.team_id, {row}.job_role, r.level_id, {ITEM.format(r='r')}, {sign}"
        + ratings
        + f" UNION ALL SELECT m.team_id, {row}.job_role, r.level_id, 0, {sign} * COUNT(*)"
        + ratings
        + " AND r.competency_id IS NOT NULL GROUP BY m.team_id, r.level_id"
        + UPSERT
        + ";"
    )


RATING_MOVED = (
    "OLD.status IS DISTINCT FROM NEW.status OR OLD.user_id <> NEW.user_id"
    " OR OLD.level_id <> NEW.level_id OR OLD.domain_id <> NEW.domain_id"
    " OR OLD.competency_id IS DISTINCT FROM NEW.competency_id"
)
MEMBERSHIP_MOVED = "OLD.role <> NEW.role OR OLD.team_id <> NEW.team_id OR OLD.user_id <> NEW.user_id"
JOB_MOVED = "OLD.job_role <> NEW.job_role"
TEAM_GONE = f"DELETE FROM {TALLY} WHERE team_id = OLD.id;"

# (table, function or trigger name, what each operation runs, update condition): the
# names and conditions of 0011, so going back drops and makes the same triggers.
TRIGGERS = [
    (
        "assessments_rating",
        "imhcf_tally_rating",
        {
            "INSERT": [rating_sql("NEW", "1")],
            "DELETE": [rating_sql("OLD", "-1")],
            "UPDATE": [rating_sql("OLD", "-1"), rating_sql("NEW", "1")],
        },
        RATING_MOVED,
    ),
    (
        "assessments_membership",
        "imhcf_tally_membership",
        {
            "INSERT": [membership_sql("NEW", "1")],
            "DELETE": [membership_sql("OLD", "-1")],
            "UPDATE": [membership_sql("OLD", "-1"), membership_sql("NEW", "1")],
        },
        MEMBERSHIP_MOVED,
    ),
    (
        "assessments_user",
        "imhcf_tally_job_role",
        {"UPDATE": [job_role_sql("OLD", "-1"), job_role_sql("NEW", "1")]},
        JOB_MOVED,
    ),
    ("assessments_team", "imhcf_tally_team", {"DELETE": [TEAM_GONE]}, ""),
]


def postgresql() -> list[str]:
    create = []
    for table, name, runs, moved in TRIGGERS:
        branches = "\n".join(
            f"  IF TG_OP = '{op}' THEN\n    " + "\n    ".join(statements) + "\n  END IF;"
            for op, statements in runs.items()
        )
        create.append(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
            f"{branches}\n  RETURN NULL;\nEND $$;"
        )
        for op in runs:
            when = f" WHEN ({moved})" if op == "UPDATE" and moved else ""
            create.append(
                f"CREATE TRIGGER {name}_{op.lower()} AFTER {op} ON {table}"
                f" FOR EACH ROW{when} EXECUTE FUNCTION {name}();"
            )
    return create


def sqlite() -> list[str]:
    create = []
    for table, name, runs, moved in TRIGGERS:
        for op, statements in runs.items():
            when = f" WHEN {moved.replace('IS DISTINCT FROM', 'IS NOT')}" if op == "UPDATE" and moved else ""
            body = " ".join(statements)
            create.append(
                f"CREATE TRIGGER {name}_{op.lower()} AFTER {op} ON {table}"
                f" FOR EACH ROW{when} BEGIN {body} END;"
            )
    return create


FIRST_COUNT = (
    f"INSERT INTO {TALLY} (team_id, job_role, level, ref, people)"
    f" SELECT team_id, job_role, level, 0, SUM(people) FROM {TALLY}"
    " WHERE level > 0 AND ref > 0 GROUP BY team_id, job_role, level"
)
FORGET = f"DELETE FROM {TALLY} WHERE level > 0 AND ref = 0"


def before() -> object:
    """Migration 0011, whose triggers these replace (and come back on the way back)."""
    return importlib.import_module("assessments.migrations.0011_team_tallies")


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    old = before().postgresql() if vendor == "postgresql" else before().sqlite()
    for statement in old[1]:
        schema_editor.execute(statement)
    for statement in postgresql() if vendor == "postgresql" else sqlite():
        schema_editor.execute(statement)
    schema_editor.execute(FIRST_COUNT)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    old = before().postgresql() if vendor == "postgresql" else before().sqlite()
    for statement in old[1]:  # the same names: drops these
        schema_editor.execute(statement)
    for statement in old[0]:
        schema_editor.execute(statement)
    schema_editor.execute(FORGET)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0022_background_work'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name='teamtally',
            index=models.Index(condition=models.Q(('ref', 0)), fields=['team', 'level', 'people'], name='team_tally_competencies'),
        ),
    ]
