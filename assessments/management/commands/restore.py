from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...ops.backup import BackupError, check_files_archive, restore, restore_files


class Command(BaseCommand):
    help = (
        "Replace the whole database with the backup in FILE, in one step, and the evidence "
        "files with FILE.files.zip when there is one: a damaged or wrong file is refused "
        "and the database and files left as they were."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            names = check_files_archive(file)  # before anything changes
            restore(file)
            if names is not None:
                restore_files(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored from {file}")
        if names is None:
            self.stdout.write("No files archive beside it: evidence files left as they are.")
        else:
            self.stdout.write(f"Restored {len(names)} evidence file(s).")
