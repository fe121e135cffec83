from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Local demo only: the command refuses to run unless DEBUG is on.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105
DEMO_USERS = [
    ("lead", "Training lead (admin)", {"is_staff": True, "is_superuser": True}),
    ("alice", "Practitioner", {}),
]


class Command(BaseCommand):
    help = "Create the demo accounts for a local run and print how to sign in. DEBUG only."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with "
                "DJANGO_DEBUG=1 (as `make run` sets)."
            )
        User = get_user_model()
        lines = []
        for username, role, flags in DEMO_USERS:
            user, _ = User.objects.update_or_create(
                username=username, defaults={"email": f"{username}@example.org", **flags}
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            lines.append(f"  {role:<22} username {username:<6} password {DEMO_PASSWORD}")
        self.stdout.write("Demo accounts (local use only):\n" + "\n".join(lines))
