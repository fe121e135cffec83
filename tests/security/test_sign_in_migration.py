"""Migration 0020 moves sign-in to django-allauth without anyone enrolling again: the
same authenticator app's codes still sign in, each recovery code made before still
works once (on allauth's code page), and every address on record is kept, as not yet
confirmed."""

import base64
import hashlib

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from assessments.models import User
from tests.factories import PASSWORD
from tests.security.helpers import a_new_period, code, give_code, sign_in

BEFORE = [("assessments", "0019_organisation_administer_permission")]
# django-otp's table, as the package left it (it is no longer installed).
OLD_DEVICES = """CREATE TABLE otp_totp_totpdevice (
    id integer PRIMARY KEY, user_id integer NOT NULL, name varchar(64) NOT NULL,
    confirmed boolean NOT NULL, key varchar(80) NOT NULL
)"""
KEY = "3132333435363738393031323334353637383930"  # the hex django-otp kept
OLD_KEY = "0102030405060708090a0b0c0d0e0f1011121314"  # an earlier phone, replaced
RECOVERY = ["abcd2-efgh3-ijkl4-mnop5-qrst6", "uvwx7-yzab2-cdef3-ghij4-klmn5"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def digest(recovery_code: str) -> str:
    """As the hand-written pages kept a recovery code: SHA-256 of it, dashes out."""
    return hashlib.sha256(recovery_code.replace("-", "").encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_authenticator_apps_recovery_codes_and_addresses_carry_over():
    try:
        old = migrate(BEFORE)
        OldUser = old.get_model("assessments", "User")
        RecoveryCode = old.get_model("assessments", "RecoveryCode")
        # People of before the migration, from its state: no factory builds those.
        mina = OldUser.objects.create(
            username="mina", email="Mina@Example.org", password=make_password(PASSWORD)
        )
        twin = OldUser.objects.create(username="mina2", email="mina@example.org")
        nobody = OldUser.objects.create(username="nomail", email="")
        with connection.cursor() as cursor:
            cursor.execute(OLD_DEVICES)
            for pk, key in ((1, OLD_KEY), (2, KEY)):
                cursor.execute(
                    "INSERT INTO otp_totp_totpdevice VALUES (%s, %s, 'Phone', %s, %s)",
                    [pk, mina.pk, True, key],
                )
            cursor.execute(
                "INSERT INTO otp_totp_totpdevice VALUES (3, %s, 'Unfinished', %s, %s)",
                [twin.pk, False, OLD_KEY],
            )
        for recovery_code in RECOVERY:
            RecoveryCode.objects.create(user=mina, digest=digest(recovery_code))

        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        # The newest confirmed app of each person, with the same secret; none for an
        # app never confirmed. Secrets are then kept encrypted (0021): the database
        # alone does not give them.
        secret = base64.b32encode(bytes.fromhex(KEY)).decode()
        [totp] = Authenticator.objects.filter(type=Authenticator.Type.TOTP)
        assert totp.user_id == mina.pk and decrypt(totp.data["secret"]) == secret
        assert secret not in str(totp.data)
        seed = Authenticator.objects.get(user_id=mina.pk, type="recovery_codes").data["seed"]
        assert seed.startswith("sealed:")
        # Each address kept, not confirmed; a second account with the same address
        # (addresses were never unique) leaves it to the older one.
        addresses = EmailAddress.objects.values_list("user_id", "email", "verified", "primary")
        assert list(addresses) == [(mina.pk, "mina@example.org", False, True)]
        assert not EmailAddress.objects.filter(user_id__in=[twin.pk, nobody.pk]).exists()

        # The same app's code signs her in.
        client = Client()
        assert sign_in(client, User(pk=mina.pk, username="mina"))["Location"].startswith(
            reverse("mfa_authenticate")
        )
        assert give_code(client, code(secret)).status_code == 302
        assert "_auth_user_id" in client.session
        # An old recovery code, typed as read off paper, works once.
        for attempt in range(2):
            client.post(reverse("account_logout"))
            a_new_period()
            sign_in(client, User(pk=mina.pk, username="mina"))
            answer = give_code(client, RECOVERY[0].upper().replace("-", " "))
            if attempt == 0:
                assert answer.status_code == 302 and "_auth_user_id" in client.session
            else:
                assert answer.status_code == 200 and "code" in answer.context["form"].errors
                assert "_auth_user_id" not in client.session
        # The other is still there for another day.
        codes = Authenticator.objects.get(user_id=mina.pk, type="recovery_codes")
        assert codes.data["imhcf_legacy_digests"] == [digest(RECOVERY[1])]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS otp_totp_totpdevice")
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
