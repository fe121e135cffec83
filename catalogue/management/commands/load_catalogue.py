from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.loading import CatalogueError, load_catalogue


class Command(BaseCommand):
    help = (
        "Load the framework, courses and coverage from JSON fixtures (default: the shipped "
        "fixtures/). All or nothing: a bad record leaves the database unchanged. Safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="fixture files, in load order")

    def handle(self, *args, files, **options):
        try:
            loaded = load_catalogue(files or None)
        except CatalogueError as exc:
            raise CommandError(f"{exc}\nNothing was loaded.") from exc
        summary = ", ".join(f"{count} {name}" for name, count in loaded.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary}."))
