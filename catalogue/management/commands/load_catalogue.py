from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.loading import CatalogueError, load_catalogue
from catalogue.models import Framework


class Command(BaseCommand):
    help = (
        "Load the framework, courses and coverage from JSON fixtures (default: the shipped "
        "fixtures/). All or nothing: a bad record leaves the database unchanged. Safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="fixture files, in load order")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only into a database with no framework yet (a first deploy); a "
            "catalogue already there, perhaps edited in admin, is left alone",
        )

    def handle(self, *args, files, if_empty=False, **options):
        if if_empty and Framework.objects.exists():
            self.stdout.write("A catalogue is already loaded; left as it is.")
            return
        try:
            loaded = load_catalogue(files or None)
        except CatalogueError as exc:
            raise CommandError(f"{exc}\nNothing was loaded.") from exc
        summary = ", ".join(f"{count} {name}" for name, count in loaded.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary}."))
