"""Writes to a practitioner's portfolio: records, reflections and their files. Files are
written to storage before the row that names them commits; if the row fails, the file is
removed again, and a deleted row's file is removed only once the delete has committed,
so storage and database never disagree for long (check_files finds what a crash left)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from ..models import EvidenceFile, Job, Reflection, TrainingRecord, User
from . import files

if TYPE_CHECKING:
    from .forms import ReflectionForm


def add_file(
    *,
    owner: User,
    checked: files.Checked,
    record: TrainingRecord | None = None,
    reflection: Reflection | None = None,
    item: tuple[int, int, int | None] | None = None,  # Item.key
) -> EvidenceFile:
    """Store one checked upload for a record, a reflection, or an item of the assessment
    (`item`: level, domain, competency id or None) of `owner`."""
    level, domain, competency_id = item or (None, None, None)
    made = EvidenceFile(
        owner=owner,
        record=record,
        reflection=reflection,
        level=level,
        domain=domain,
        competency_id=competency_id,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
    )
    made.file.save(checked.name, checked.upload, save=False)
    try:
        with transaction.atomic():
            made.save()
    except Exception:
        files.delete_stored([made.file.name])
        raise
    return made


def _forget_files_on_commit(names: Sequence[str | None]) -> None:
    transaction.on_commit(lambda: files.delete_stored(names))


@transaction.atomic
def save_record(*, record: TrainingRecord, checked: files.Checked | None = None) -> TrainingRecord:
    """Save a training record, with its first file when one came with it."""
    record.save()
    if checked is not None:
        add_file(owner=record.user, checked=checked, record=record)
    return record


@transaction.atomic
def save_reflection(
    *, form: "ReflectionForm", user: User, checked: files.Checked | None = None
) -> Reflection:
    """Save a reflection form (and its tags), with a file when one came with it."""
    reflection: Reflection = form.save(commit=False)
    reflection.user = user
    reflection.save()
    form.save_m2m()
    if checked is not None:
        add_file(owner=user, checked=checked, reflection=reflection)
    return reflection


@transaction.atomic
def delete_record(*, record: TrainingRecord) -> None:
    """The record and its files (its reflections stay, no longer linked to it)."""
    _forget_files_on_commit(list(record.files.values_list("file", flat=True)))
    record.delete()


@transaction.atomic
def delete_reflection(*, reflection: Reflection) -> None:
    """The reflection and its files."""
    _forget_files_on_commit(list(reflection.files.values_list("file", flat=True)))
    reflection.delete()


@transaction.atomic
def delete_file(*, evidence: EvidenceFile) -> None:
    _forget_files_on_commit([evidence.file.name])
    evidence.delete()


def forget_files_of(user: User) -> None:
    """Call inside the transaction that deletes an account: its files go after commit,
    evidence and any download prepared for it (tasks/prepared.py) alike."""
    _forget_files_on_commit(
        list(EvidenceFile.objects.filter(owner=user).values_list("file", flat=True))
        + list(Job.objects.filter(owner=user).exclude(file="").values_list("file", flat=True))
    )
