"""A backup and restore round trip loses nothing (on whichever database the tests run:
pg_dump/pg_restore on PostgreSQL, the online backup API on SQLite), and a bad file is
refused with the database left as it was."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from assessments.items import load_framework
from assessments.models import Membership, Rating, TrainingRecord
from assessments.portfolio import files
from assessments.portfolio import services as portfolio_services
from assessments.ratings import services
from assessments.teams.services import review_assessment
from catalogue.models import Fee
from tests.assessments.helpers import rate
from tests.factories import MembershipFactory, TeamFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db(transaction=True)
CERTIFICATE = b"%PDF-1.4 certificate of the study day"


def everything() -> str:
    """The whole database as Django sees it, every app and table."""
    out = io.StringIO()
    call_command("dumpdata", "--all", "--indent", "0", stdout=out)
    connection.close()  # after a restore, start from a fresh connection
    return out.getvalue()


@pytest.fixture
def data(catalogue):
    alice = UserFactory(username="alice", first_name="Alice")
    rate(alice, {(1, 1): ("achieved", "Joint visits"), (2, 3): ("working_towards", "Notes")})
    item = load_framework().items[(1, 1)][0]
    services.save_domain(  # a second change, so the history has two rows
        user=alice,
        editor=alice,
        level=1,
        domain=1,
        entries=[
            services.Entry(
                item,
                "working_towards",
                "Changed my mind",
                1,
                "achieved",
                services.fingerprint("Joint visits"),
            )
        ],
    )
    team = TeamFactory(name="North", organisation__name="Trust A")
    membership = MembershipFactory(team=team, user=alice, shares_evidence=True)
    mina = with_authenticator(UserFactory(username="mina"))
    MembershipFactory(team=team, user=mina, role=Membership.Role.MANAGER)
    review_assessment(team=team, membership=membership, manager=mina, comment="Good", sign_off=True)
    record = TrainingRecord.objects.create(
        user=alice, title="Study day", finished=datetime.date(2026, 5, 1), hours=6
    )
    pdf = SimpleUploadedFile("certificate.pdf", CERTIFICATE, "application/pdf")
    portfolio_services.add_file(owner=alice, checked=files.check(pdf, used=0), record=record)
    return alice


def test_backup_then_restore_gives_back_every_row(data, tmp_path):
    before = everything()
    assert '"Changed my mind"' in before and '"signed_off": true' in before
    file = tmp_path / "site.backup"
    call_command("backup", str(file), stdout=io.StringIO())
    # Later changes, all of which the restore must undo.
    Rating.objects.filter(user=data).delete()
    UserFactory(username="later")
    Fee.objects.update(standard=1)
    [stored] = files.stored_names()
    default_storage.delete(stored)
    default_storage.save("evidence/9/later.pdf", ContentFile(b"%PDF-1.4 later"))
    assert everything() != before
    call_command("restore", str(file), stdout=io.StringIO())
    assert everything() == before
    assert files.stored_names() == {stored}  # the file is back, the later one gone
    with default_storage.open(stored) as handle:
        assert handle.read() == CERTIFICATE


def test_a_damaged_files_archive_is_refused_before_anything_changes(data, tmp_path):
    file = tmp_path / "site.backup"
    call_command("backup", str(file), stdout=io.StringIO())
    UserFactory(username="later")
    before = everything()
    (tmp_path / "site.backup.files.zip").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CommandError, match="not a files archive"):
        call_command("restore", str(file), stdout=io.StringIO())
    assert everything() == before


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(data, tmp_path):
    before = everything()
    bad = tmp_path / "notes.txt"
    bad.write_text("this is not a database backup\n" * 100)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(bad), stdout=io.StringIO())
    assert str(refused.value).startswith(f"{bad} is not a")  # names the file, either engine
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.backup"), stdout=io.StringIO())
    assert everything() == before
