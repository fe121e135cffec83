"""Organisations become records (issue 12, item 1): each distinct organisation text on
a team becomes an Organisation, and the team points at it. Nothing is lost: the text
is the record's name, and going back writes the name into the text again."""

import django.db.models.deletion
from django.db import migrations, models


def to_records(apps, schema_editor):
    Organisation = apps.get_model("assessments", "Organisation")
    Team = apps.get_model("assessments", "Team")
    for team in Team.objects.all():
        name = team.organisation_text.strip() or "No organisation given"
        team.organisation, _ = Organisation.objects.get_or_create(name=name)
        team.save(update_fields=["organisation"])


def to_text(apps, schema_editor):
    Team = apps.get_model("assessments", "Team")
    for team in Team.objects.select_related("organisation"):
        team.organisation_text = team.organisation.name
        team.save(update_fields=["organisation_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_user_session_stamp"),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="e.g. Anytown NHS Trust", max_length=200, unique=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.RemoveConstraint(model_name="team", name="team_name_unique_in_org"),
        migrations.RenameField(model_name="team", old_name="organisation", new_name="organisation_text"),
        migrations.AddField(
            model_name="team",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="assessments.organisation",
            ),
        ),
        migrations.RunPython(to_records, to_text),
        # A default only so that going back can add the column before filling it.
        migrations.AlterField(
            model_name="team",
            name="organisation_text",
            field=models.CharField(default="", max_length=200),
        ),
        migrations.RemoveField(model_name="team", name="organisation_text"),
        migrations.AlterField(
            model_name="team",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="teams",
                to="assessments.organisation",
            ),
        ),
        migrations.AlterModelOptions(name="team", options={"ordering": ["organisation__name", "name"]}),
        migrations.AddConstraint(
            model_name="team",
            constraint=models.UniqueConstraint(fields=("organisation", "name"), name="team_name_unique_in_org"),
        ),
    ]
