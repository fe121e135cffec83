"""Recovery codes made before 0007 were kept by django-otp's static plugin in plain
text. Keep each one working, now stored as its SHA-256 only, and wipe the plain copies.
Raw SQL, because the plugin is no longer installed (its tables may or may not exist)."""

import hashlib

from django.db import migrations

OLD_TOKENS = "otp_static_statictoken"
OLD_DEVICES = "otp_static_staticdevice"


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    if OLD_TOKENS not in tables or OLD_DEVICES not in tables:
        return
    RecoveryCode = apps.get_model("assessments", "RecoveryCode")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.user_id, t.token FROM {OLD_TOKENS} t "  # noqa: S608 (fixed names)
            f"JOIN {OLD_DEVICES} d ON d.id = t.device_id"
        )
        rows = cursor.fetchall()
        RecoveryCode.objects.bulk_create(
            [
                RecoveryCode(
                    user_id=user_id,
                    digest=hashlib.sha256(token.replace("-", "").lower().encode()).hexdigest(),
                )
                for user_id, token in rows
            ],
            ignore_conflicts=True,
        )
        cursor.execute(f"DELETE FROM {OLD_TOKENS}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("assessments", "0007_recovery_codes")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
