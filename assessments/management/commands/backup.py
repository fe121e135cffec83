from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...ops.backup import BackupError, backup, backup_files, files_path


class Command(BaseCommand):
    help = (
        "Write the whole database to FILE (pg_dump on PostgreSQL, a snapshot on SQLite) and "
        "every evidence file to FILE.files.zip."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            backup(file)
            count = backup_files(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes)")
        self.stdout.write(f"and {count} evidence file(s) to {files_path(file)}")
