"""Sign-in moves to django-allauth. Nobody has to enrol again:

- each confirmed authenticator app (django-otp's TOTP device) becomes an allauth TOTP
  authenticator with the same secret, so the same app's codes keep working;
- each person's recovery codes (kept as SHA-256 only) go onto an allauth recovery-codes
  authenticator, where the sign-in form checks them until used (accounts.forms);
- each account's address is recorded for allauth, as not yet confirmed: from now on an
  address counts (invitations, notices, reminders, linking a work account) only once
  its owner has followed the link sent to it. Where two accounts share an address
  (addresses were never unique), only the older account keeps it.

Raw SQL for django-otp's table: the package is no longer installed, so its table may or
may not exist."""

import base64
import binascii
import secrets

from django.db import migrations, models

OLD_DEVICES = "otp_totp_totpdevice"
LEGACY_DIGESTS = "imhcf_legacy_digests"


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    User = apps.get_model("assessments", "User")
    RecoveryCode = apps.get_model("assessments", "RecoveryCode")
    Authenticator = apps.get_model("mfa", "Authenticator")
    EmailAddress = apps.get_model("account", "EmailAddress")

    taken = {e.casefold() for e in EmailAddress.objects.values_list("email", flat=True)}
    addresses = []
    for pk, email in User.objects.exclude(email="").order_by("pk").values_list("pk", "email"):
        if email.casefold() in taken:
            continue
        taken.add(email.casefold())
        addresses.append(
            EmailAddress(user_id=pk, email=email.lower(), verified=False, primary=True)
        )
    EmailAddress.objects.bulk_create(addresses)

    if OLD_DEVICES in set(connection.introspection.table_names()):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT user_id, key FROM {OLD_DEVICES} "  # noqa: S608 (fixed name)
                "WHERE confirmed ORDER BY id"
            )
            devices = dict(cursor.fetchall())  # the newest device of each person
        Authenticator.objects.bulk_create(
            [
                Authenticator(
                    user_id=user_id,
                    type="totp",
                    data={"secret": base64.b32encode(binascii.unhexlify(key)).decode()},
                )
                for user_id, key in devices.items()
            ]
        )
    digests: dict[int, list[str]] = {}
    for user_id, digest in RecoveryCode.objects.values_list("user_id", "digest"):
        digests.setdefault(user_id, []).append(digest)
    Authenticator.objects.bulk_create(
        [
            Authenticator(
                user_id=user_id,
                type="recovery_codes",
                data={"seed": secrets.token_hex(40), "used_mask": 0, LEGACY_DIGESTS: found},
            )
            for user_id, found in digests.items()
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0019_organisation_administer_permission"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="requires_work_account",
            field=models.BooleanField(
                default=False,
                help_text="When ticked, its teams' members and its training leads cannot "
                "sign in with a password here: only with the work account (Entra ID or "
                "another OpenID Connect provider) their organisation gives them.",
                verbose_name="its people sign in with their work account",
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="RecoveryCode"),
    ]
