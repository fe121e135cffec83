"""What each person has achieved per level, as one row (models.tallies.Achieved), kept by
triggers on ratings (PostgreSQL and SQLite), then a first count. The team plan reads one
row per member instead of each of their ratings."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REF = "COALESCE(r.competency_id, -r.domain_id)"
JOINED = {
    "postgresql": f"STRING_AGG(CAST({REF} AS TEXT), ',')",
    "sqlite": f"GROUP_CONCAT({REF}, ',')",
}


def recompute(vendor: str, row: str) -> str:
    """Write the achievements of `row`'s person at `row`'s level again, from scratch."""
    return (
        "INSERT INTO assessments_achieved (user_id, level, refs)"
        f" SELECT {row}.user_id, {row}.level_id, COALESCE({JOINED[vendor]}, '')"
        " FROM assessments_rating r"
        f" WHERE r.user_id = {row}.user_id AND r.level_id = {row}.level_id"
        " AND r.status = 'achieved'"
        " ON CONFLICT (user_id, level) DO UPDATE SET refs = excluded.refs;"
    )


MOVED = (
    "(OLD.status = 'achieved') <> (NEW.status = 'achieved') OR OLD.user_id <> NEW.user_id"
    " OR OLD.level_id <> NEW.level_id OR OLD.domain_id <> NEW.domain_id"
    " OR COALESCE(OLD.competency_id, 0) <> COALESCE(NEW.competency_id, 0)"
)
GONE = "DELETE FROM assessments_achieved WHERE user_id = OLD.id;"


def statements(vendor: str) -> tuple[list[str], list[str]]:
    runs = {
        "INSERT": ("NEW.status = 'achieved'", [recompute(vendor, "NEW")]),
        "DELETE": ("OLD.status = 'achieved'", [recompute(vendor, "OLD")]),
        "UPDATE": (MOVED, [recompute(vendor, "OLD"), recompute(vendor, "NEW")]),
    }
    create, drop = [], []
    if vendor == "postgresql":
        for op, (when, body) in runs.items():
            name = f"imhcf_achieved_{op.lower()}"
            create.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  "
                + "\n  ".join(body)
                + "\n  RETURN NULL;\nEND $$;"
            )
            create.append(
                f"CREATE TRIGGER {name} AFTER {op} ON assessments_rating FOR EACH ROW"
                f" WHEN ({when}) EXECUTE FUNCTION {name}();"
            )
            drop.append(f"DROP FUNCTION IF EXISTS {name}() CASCADE;")
        create.append(
            "CREATE FUNCTION imhcf_achieved_user_gone() RETURNS trigger LANGUAGE plpgsql AS"
            f" $$\nBEGIN\n  {GONE}\n  RETURN NULL;\nEND $$;"
        )
        create.append(
            "CREATE TRIGGER imhcf_achieved_user_gone AFTER DELETE ON assessments_user"
            " FOR EACH ROW EXECUTE FUNCTION imhcf_achieved_user_gone();"
        )
        drop.append("DROP FUNCTION IF EXISTS imhcf_achieved_user_gone() CASCADE;")
    else:
        for op, (when, body) in runs.items():
            name = f"imhcf_achieved_{op.lower()}"
            create.append(
                f"CREATE TRIGGER {name} AFTER {op} ON assessments_rating FOR EACH ROW"
                f" WHEN {when} BEGIN {' '.join(body)} END;"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name};")
        create.append(
            "CREATE TRIGGER imhcf_achieved_user_gone AFTER DELETE ON assessments_user"
            f" FOR EACH ROW BEGIN {GONE} END;"
        )
        drop.append("DROP TRIGGER IF EXISTS imhcf_achieved_user_gone;")
    return create, drop


def first_count(vendor: str) -> str:
    return (
        "INSERT INTO assessments_achieved (user_id, level, refs)"
        f" SELECT r.user_id, r.level_id, {JOINED[vendor]} FROM assessments_rating r"
        " WHERE r.status = 'achieved' GROUP BY r.user_id, r.level_id"
    )


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in statements(vendor)[0]:
        schema_editor.execute(statement)
    schema_editor.execute(first_count(vendor))


def drop_triggers(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0014_member_order_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='Achieved',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField()),
                ('refs', models.TextField(blank=True)),
                ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='achieved', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('user', 'level'), name='achieved_one_per_level')],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
