from django.core.management.base import BaseCommand, CommandError

from assessments.teams import tallies


class Command(BaseCommand):
    help = (
        "Rebuild the team tallies from memberships and ratings; with --check, only "
        "report tallies that differ from a full count (exit status 1 if any do)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report drift, change nothing")

    def handle(self, *args, check=False, **options):
        if check:
            lines = tallies.drift()
            for line in lines:
                self.stdout.write(line)
            if lines:
                raise CommandError(f"{len(lines)} team tallies differ from a full count.")
            self.stdout.write("Every team tally matches a full count.")
            return
        written = tallies.recount()
        self.stdout.write(f"Recounted: {written} team tallies written.")
