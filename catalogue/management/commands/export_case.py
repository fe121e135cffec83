import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.case.export import framework_package


class Command(BaseCommand):
    help = (
        "Write the framework as this site holds it as a 1EdTech CASE 1.0 package (JSON), "
        "the same as /api/v1/framework/case/ gives."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write it, e.g. imhcf-case.json.")

    def handle(self, *args, file: Path, **options):
        text = json.dumps(framework_package(), ensure_ascii=False, indent=2) + "\n"
        try:
            file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{file}: cannot write it ({exc.strerror})") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote the framework's CASE package to {file}."))
