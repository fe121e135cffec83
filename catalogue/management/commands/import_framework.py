from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.importing import COLUMNS, ImportProblem, import_wording


class Command(BaseCommand):
    help = (
        "Import the official framework wording from a CSV or XLSX file with the columns "
        f"{', '.join(COLUMNS)}, or from a CASE 1.0 package (.json) of the shape export_case "
        "writes. All or nothing: any problem leaves the database unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: cannot read it ({exc.strerror})") from exc
        try:
            result = import_wording(file.name, content)
        except ImportProblem as exc:
            raise CommandError("\n".join(exc.errors) + "\nNothing was imported.") from exc
        self.stdout.write(self.style.SUCCESS(result.summary))
