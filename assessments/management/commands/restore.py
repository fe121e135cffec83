from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with the backup in FILE, in one step: a damaged or "
        "wrong file is refused and the database left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored from {file}")
