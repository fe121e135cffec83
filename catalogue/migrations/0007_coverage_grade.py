"""Coverage strength (full / partial / not covered) becomes a grade of evidence.

Existing rows keep what they claimed and no more: 'full' becomes 'taught in a core
module' only where its module is a compulsory one (otherwise 'part of the core
programme'), 'partial' becomes 'part of the core programme' or, with an optional module,
'only in an optional module or route', and 'not_covered' becomes 'not offered as
cover'. `load_catalogue` then sets the shipped rows' own grades."""

from django.db import migrations, models
from django.db.models import Q


def to_grades(apps, schema_editor):
    Coverage = apps.get_model("catalogue", "Coverage")
    for row in Coverage.objects.select_related("module"):
        optional = row.module_id is not None and row.module.kind == "optional"
        if row.grade == "not_covered":
            row.grade = "not_offered"
        elif optional:
            row.grade = "optional"
        elif row.grade == "full" and row.module_id is not None:
            row.grade = "core"
        else:
            row.grade = "outcome"
        row.save(update_fields=["grade"])


def to_strengths(apps, schema_editor):
    Coverage = apps.get_model("catalogue", "Coverage")
    mapping = {"core": "full", "not_offered": "not_covered"}
    for row in Coverage.objects.all():
        row.grade = mapping.get(row.grade, "partial")
        row.save(update_fields=["grade"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0006_coverage_not_offered_label"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="coverage", name="coverage_strength_known"),
        migrations.RenameField(model_name="coverage", old_name="strength", new_name="grade"),
        migrations.RunPython(to_grades, to_strengths),
        migrations.AlterField(
            model_name="coverage",
            name="grade",
            field=models.CharField(
                choices=[
                    ("core", "Taught in a core module"),
                    ("outcome", "Part of the core programme"),
                    ("optional", "Only in an optional module or route"),
                    ("topic", "A topic the provider names"),
                    ("not_offered", "Not offered as cover"),
                ],
                help_text=(
                    "How strongly the provider's record supports this link; see the grades page. "
                    "Taught in a core module: a compulsory module and a programme outcome teach the "
                    "whole target (for a domain, its whole description); the only grade that closes "
                    "a gap, and it needs a module not marked optional. Part of the core programme: "
                    "an outcome or compulsory module teaches part of it. Only in an optional module "
                    "or route: needs the optional module where one is named. A topic the provider "
                    "names: depth not stated. Not offered as cover: marked not included, or learners "
                    "asked for more."
                ),
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="coverage",
            name="reason",
            field=models.TextField(
                help_text=(
                    "In our own words, the exact source fact this rests on and where it is: the module "
                    "and its credits, the programme outcome, or which provider record (e.g. 'Core "
                    "module Infant Observation (10 credits, year 2)')."
                )
            ),
        ),
        migrations.AddConstraint(
            model_name="coverage",
            constraint=models.CheckConstraint(
                condition=Q(grade__in=["core", "outcome", "optional", "topic", "not_offered"]),
                name="coverage_grade_known",
            ),
        ),
    ]
