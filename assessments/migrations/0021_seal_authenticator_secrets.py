"""Authenticator secrets are kept encrypted from now on (accounts.adapter.MFAAdapter):
seal the ones already stored (authenticator apps' keys, recovery-code seeds and any
codes allauth migrated in plain text). The key is made from SECRET_KEY, which is not in
the database."""

from django.db import migrations

from assessments.accounts.adapter import SEALED, seal, unseal


def _sealed(value):
    return value if not isinstance(value, str) or value.startswith(SEALED) else seal(value)


def seal_all(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        for key in ("secret", "seed"):
            if key in data:
                data[key] = _sealed(data[key])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [_sealed(code) for code in data["migrated_codes"]]
        if data != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def unseal_all(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        for key in ("secret", "seed"):
            if isinstance(data.get(key), str):
                data[key] = unseal(data[key])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [unseal(code) for code in data["migrated_codes"]]
        Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0020_sign_in_with_allauth")]

    operations = [migrations.RunPython(seal_all, unseal_all)]
