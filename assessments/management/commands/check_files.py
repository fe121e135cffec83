"""Find evidence files that storage and the database disagree about: files with no row
(left by a crash between the two), and rows whose file is missing."""

from django.core.management.base import BaseCommand

from assessments.models import EvidenceFile
from assessments.portfolio import files


class Command(BaseCommand):
    help = "List evidence files without a database row, and rows without their file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete the stored files that no row names (rows are never deleted).",
        )

    def handle(self, *args, delete_orphans=False, **options):
        stored = files.stored_names()
        named = set(EvidenceFile.objects.values_list("file", flat=True))
        orphans = sorted(stored - named)
        missing = sorted(named - stored)
        for name in orphans:
            self.stdout.write(f"orphan file (no row): {name}")
        for name in missing:
            self.stdout.write(f"missing file (row without it): {name}")
        if delete_orphans and orphans:
            files.delete_stored(orphans)
            self.stdout.write(f"Deleted {len(orphans)} orphan file(s).")
            orphans = []
        self.stdout.write(
            f"{len(stored)} stored, {len(named)} named; "
            f"{len(orphans)} orphan(s), {len(missing)} missing."
        )
        if orphans or missing:
            raise SystemExit(1)
