"""Team tallies (assessments.models.tallies) and the triggers that keep them: the same
statements in PostgreSQL (inside plpgsql functions) and SQLite (inside triggers), then
a first count from the rows already there."""

import django.db.models.deletion
from django.db import migrations, models

TALLY = "assessments_teamtally"
# Rows are taken in key order, so two transactions touching the same rows take their
# locks in the same order (PostgreSQL) and cannot deadlock on them.
UPSERT = (
    " ORDER BY 1, 3, 4"
    f" ON CONFLICT (team_id, level, job_role, ref) DO UPDATE"
    f" SET people = {TALLY}.people + excluded.people"
)
ITEM = "COALESCE({r}.competency_id, -{r}.domain_id)"


def rating_sql(row: str, sign: str) -> str:
    """A rating `row` (NEW or OLD), if achieved, counts `sign` for its owner's teams."""
    return (
        f"INSERT INTO {TALLY} (team_id, job_role, level, ref, people)"
        f" SELECT m.team_id, u.job_role, {row}.level_id, {ITEM.format(r=row)}, {sign}"
        " FROM assessments_membership m JOIN assessments_user u ON u.id = m.user_id"
        f" WHERE m.user_id = {row}.user_id AND m.role = 'member'"
        f" AND {row}.status = 'achieved'" + UPSERT + ";"
    )


def membership_sql(row: str, sign: str) -> str:
    """A membership `row`, if a member's, counts `sign` once and for each of the
    person's achieved ratings."""
    return (
        f"INSERT INTO {TALLY} (team_id, job_role, level, ref, people)"
        f" SELECT {row}.team_id, u.job_role, 0, 0, {sign} FROM assessments_user u"
        f" WHERE u.id = {row}.user_id AND {row}.role = 'member'"
        f" UNION ALL SELECT {row}.team_id, u.job_role, r.level_id, {ITEM.format(r='r')}, {sign}"
        " FROM assessments_rating r JOIN assessments_user u ON u.id = r.user_id"
        f" WHERE r.user_id = {row}.user_id AND {row}.role = 'member' AND r.status = 'achieved'"
        + UPSERT
        + ";"
    )


def job_role_sql(row: str, sign: str) -> str:
    """A person's job role (`row` of the user table) counts `sign` in each team they
    are a member of: once, and for each achieved rating."""
    return (
        f"INSERT INTO {TALLY} (team_id, job_role, level, ref, people)"
        f" SELECT m.team_id, {row}.job_role, 0, 0, {sign} FROM assessments_membership m"
        f" WHERE m.user_id = {row}.id AND m.role = 'member'"
        f" UNION ALL SELECT m.team_id, {row}.job_role, r.level_id, {ITEM.format(r='r')}, {sign}"
        " FROM assessments_membership m JOIN assessments_rating r ON r.user_id = m.user_id"
        f" WHERE m.user_id = {row}.id AND m.role = 'member' AND r.status = 'achieved'"
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

# (table, function or trigger name, what each operation runs, update condition)
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


def postgresql() -> tuple[list[str], list[str]]:
    create, drop = [], []
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
        drop.append(f"DROP FUNCTION IF EXISTS {name}() CASCADE;")
    return create, drop


def sqlite() -> tuple[list[str], list[str]]:
    create, drop = [], []
    for table, name, runs, moved in TRIGGERS:
        for op, statements in runs.items():
            # SQLite reads "IS DISTINCT FROM" as "IS NOT"; an upsert after a SELECT
            # needs its WHERE, which every statement has.
            when = f" WHEN {moved.replace('IS DISTINCT FROM', 'IS NOT')}" if op == "UPDATE" and moved else ""
            body = " ".join(statements)
            create.append(
                f"CREATE TRIGGER {name}_{op.lower()} AFTER {op} ON {table}"
                f" FOR EACH ROW{when} BEGIN {body} END;"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name}_{op.lower()};")
    return create, drop


FIRST_COUNT = f"""
INSERT INTO {TALLY} (team_id, job_role, level, ref, people)
SELECT m.team_id, u.job_role, 0, 0, COUNT(*) FROM assessments_membership m
JOIN assessments_user u ON u.id = m.user_id WHERE m.role = 'member'
GROUP BY m.team_id, u.job_role
UNION ALL
SELECT m.team_id, u.job_role, r.level_id, {ITEM.format(r="r")}, COUNT(*)
FROM assessments_membership m JOIN assessments_user u ON u.id = m.user_id
JOIN assessments_rating r ON r.user_id = m.user_id
WHERE m.role = 'member' AND r.status = 'achieved'
GROUP BY m.team_id, u.job_role, r.level_id, {ITEM.format(r="r")}
"""


def add_triggers(apps, schema_editor):
    create, _ = postgresql() if schema_editor.connection.vendor == "postgresql" else sqlite()
    for statement in create:
        schema_editor.execute(statement)
    schema_editor.execute(FIRST_COUNT)


def drop_triggers(apps, schema_editor):
    _, drop = postgresql() if schema_editor.connection.vendor == "postgresql" else sqlite()
    for statement in drop:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0010_organisation_records'),
    ]

    operations = [
        migrations.CreateModel(
            name='TeamTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('job_role', models.CharField(blank=True, choices=[('early_years', 'Early years practitioner'), ('nursery_manager', 'Nursery manager'), ('health_visitor', 'Health visitor'), ('midwife', 'Midwife'), ('social_worker', 'Social worker'), ('medic', 'Medic (doctor)'), ('nurse', 'Nurse'), ('psychologist', 'Psychologist'), ('psychotherapist', 'Parent-infant psychotherapist'), ('specialist_hv', 'Specialist health visitor'), ('other', 'Other')], max_length=20)),
                ('level', models.PositiveSmallIntegerField()),
                ('ref', models.IntegerField(help_text="A competency's id, or minus a domain's number.")),
                ('people', models.IntegerField(default=0)),
                ('team', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.team')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('team', 'level', 'job_role', 'ref'), name='team_tally_one_per_item')],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
