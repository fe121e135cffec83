"""Bring catalogues loaded before seed audit 3 in line with the fixtures, which
`load_catalogue` cannot do alone: it adds and updates records by natural key but never
removes or renames one.

- The Glasgow rate's label gains its "per" ("per 20 credits"): the label is the fee's
  natural key, so without this a reload would add a second row beside the old one.
- The glossary's "Contingent responsivity" takes the slug of its name.
- Three coverage rows that rest on no evidence about their target are removed, only
  where they still say exactly what was shipped (an admin's own edit is left alone).
"""

from django.db import migrations

RETIRED_ROWS = [
    (
        "glasgow-imh-msc",
        1,
        7,
        None,
        "The provider's own skills-framework mapping lists the Mental Health Act, young "
        "people's legal rights and the law on consent under not included in training: "
        "statements about young people under Scottish mental-health law, which bear little "
        "on infant mental health's legal frameworks. The provider's own skills-framework "
        "mapping is for children and young people generally, and its \"not included\" may "
        "mean \"not assessed\" rather than \"not taught\".",
    ),
    (
        "nes-imh-elearning",
        1,
        1,
        "1.07",
        "The provider's own skills-framework mapping includes that children communicate "
        "verbally and through gesture, play and behaviour, but lists 'all behaviour is "
        "communication' and communication skills under Not included.",
    ),
    (
        "warwick-imhol",
        1,
        3,
        None,
        "Learners who finished IMHOL asked for more training in transgenerational transfer "
        "of trauma and attachment classification (two topics within this domain).",
    ),
]

SLUGS = [("contingent-responsiveness", "contingent-responsivity")]


def forwards(apps, schema_editor):
    Fee = apps.get_model("catalogue", "Fee")
    Term = apps.get_model("catalogue", "Term")
    Coverage = apps.get_model("catalogue", "Coverage")
    for fee in Fee.objects.filter(per_credits=True, credits__isnull=False):
        renamed = f"per {fee.credits} credits"
        taken = Fee.objects.filter(course_id=fee.course_id, label=renamed).exists()
        if fee.label == f"{fee.credits} credits" and not taken:
            fee.label = renamed
            fee.save(update_fields=["label"])
    for old, new in SLUGS:
        if not Term.objects.filter(slug=new).exists():
            Term.objects.filter(slug=old).update(slug=new)
    for course, level, domain, code, reason in RETIRED_ROWS:
        Coverage.objects.filter(
            course__slug=course,
            level_id=level,
            domain_id=domain,
            competency__code=code,
            competency__isnull=code is None,
            reason=reason,
        ).delete()


def backwards(apps, schema_editor):
    """Renames go back; removed rows come back only by loading the older fixtures."""
    Fee = apps.get_model("catalogue", "Fee")
    Term = apps.get_model("catalogue", "Term")
    for fee in Fee.objects.filter(per_credits=True, credits__isnull=False):
        if fee.label == f"per {fee.credits} credits":
            fee.label = f"{fee.credits} credits"
            fee.save(update_fields=["label"])
    for old, new in SLUGS:
        if not Term.objects.filter(slug=old).exists():
            Term.objects.filter(slug=new).update(slug=old)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0008_fee_runs_entry_flag_year_modules_summaries"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
