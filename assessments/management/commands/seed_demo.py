import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    JobRole,
    Membership,
    Organisation,
    Reflection,
    Registration,
    Status,
    Team,
    TrainingLead,
    TrainingRecord,
)
from catalogue.models import Course

from ...items import load_framework
from ...ops.demo import build_demo_team
from ...ratings.services import Entry, fingerprint, save_domain

# Local demo only: the command refuses to run unless DEBUG is on.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105
A, W = Status.ACHIEVED, Status.WORKING_TOWARDS
DEMO_USERS = [
    (
        "lead",
        "Site admin (courses, every organisation)",
        {"first_name": "Lee", "last_name": "Adams", "is_staff": True, "is_superuser": True},
        {},
    ),
    (
        "alice",
        "Practitioner: health visitor, Level 2",
        {"first_name": "Alice", "last_name": "Hughes", "job_role": JobRole.HEALTH_VISITOR},
        {
            (1, 1): (A, "Ran joint visits with the family support worker for a first-time mother."),
            (1, 2): (A, "New-birth reviews: explained developmental milestones to parents."),
            (1, 3): (A, "Talked with a father about his own childhood and how it shapes his care."),
            (1, 4): (W, "Starting to use structured observation at 6-8 week checks."),
            (1, 5): (A, ""),
            (1, 6): (W, "Monthly safeguarding supervision; want more reflective supervision."),
            (2, 1): (W, "Co-led a parent group; need feedback on my facilitation."),
            (2, 3): (W, ""),
        },
    ),
    (
        "mina",
        "Manager of the demo team",
        {"first_name": "Mina", "last_name": "Shah", "job_role": JobRole.SPECIALIST_HV},
        {},
    ),
    (
        "tess",
        "Training lead of Demo NHS Trust",
        {"first_name": "Tess", "last_name": "Morgan", "job_role": JobRole.OTHER},
        {},
    ),
    (
        "bob",
        "Practitioner: early years, Level 1",
        {"first_name": "Bob", "last_name": "Owusu", "job_role": JobRole.EARLY_YEARS},
        {
            (1, 1): (W, "Key person for three babies; settling-in conversations with parents."),
            (1, 2): (A, "Room observations each week."),
        },
    ),
    (
        "cara",
        "Practitioner: midwife, Level 2",
        {"first_name": "Cara", "last_name": "Jones", "job_role": JobRole.MIDWIFE},
        {
            (1, 1): (A, "Antenatal contacts: asked each mother about her feelings for her baby."),
            (1, 2): (W, ""),
            (2, 1): (W, "Supporting newly qualified midwives on the postnatal ward."),
        },
    ),
]
# The demo trust's team: three members, so its training lead sees figures on the
# organisation overview (groups under three are hidden).
TEAM = [("alice", "member"), ("bob", "member"), ("cara", "member"), ("mina", "manager")]


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class Command(BaseCommand):
    help = (
        "Create demo accounts with part-filled assessments for a local run; with --members N "
        "also a demo team of N rated members managed by 'mina'. DEBUG only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=0, help="size of an extra demo team")

    def _portfolio(self, alice) -> None:
        """Alice revalidates with the NMC in four months and has recorded the NES module
        and written one reflective account on it."""
        Registration.objects.get_or_create(
            user=alice,
            defaults={
                "regulator": "nmc",
                "renewal_date": _in_days(120),
                "appraisal_date": _in_days(45),
            },
        )
        if alice.training_records.exists():
            return
        nes = Course.objects.filter(slug="nes-imh-elearning").select_related("provider").first()
        record = TrainingRecord.objects.create(
            user=alice,
            course=nes,
            title=nes.title if nes else "Infant mental health e-learning",
            provider=nes.provider.name if nes else "",
            method="elearning",
            finished=_in_days(-60),
            hours=3,
            covered="Attachment, attunement and how early relationships shape development.",
            code_theme="effective",
        )
        Reflection.objects.create(
            user=alice,
            kind="account",
            template="nmc",
            title="What the attachment module changed",
            happened_on=_in_days(-55),
            record=record,
            activity="The NES e-learning module on developing positive early attachments.",
            learned="How small moments of attuned responding add up for a baby.",
            changed="At new-birth visits I point out the baby's cues to parents as they happen.",
            relevance="Practise effectively: using the best available evidence.",
            code_themes=["effective", "people"],
        )

    @transaction.atomic
    def handle(self, *args, members: int = 0, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with "
                "DJANGO_DEBUG=1 (as `make run` sets)."
            )
        User = get_user_model()
        framework = load_framework()
        lines = []
        for username, role, fields, answers in DEMO_USERS:
            user, created = User.objects.update_or_create(
                username=username, defaults={"email": f"{username}@example.org", **fields}
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            # The demo's addresses count as confirmed (nobody reads example.org's mail).
            EmailAddress.objects.update_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            if created or not user.ratings.exists():
                for (level, domain), (status, evidence) in answers.items():
                    entries = [
                        Entry(item, status, evidence, 0, Status.NOT_ASSESSED, fingerprint(""))
                        for item in framework.items[(level, domain)]
                    ]
                    save_domain(user=user, editor=user, level=level, domain=domain, entries=entries)
            lines.append(f"  {role:<40} username {username:<6} password {DEMO_PASSWORD}")
        team, _ = Team.objects.get_or_create(
            name="North locality", organisation=Organisation.named("Demo NHS Trust")
        )
        for username, role in TEAM:
            Membership.objects.get_or_create(
                team=team, user=User.objects.get(username=username), defaults={"role": role}
            )
        TrainingLead.objects.get_or_create(
            organisation=team.organisation, user=User.objects.get(username="tess")
        )
        self._portfolio(User.objects.get(username="alice"))
        if members:
            if members < 0:
                raise CommandError("--members must be 0 or more")
            big = build_demo_team(
                f"Demo team of {members}", members, manager=User.objects.get(username="mina")
            )
            lines.append(f"  Team '{big.name}': {members} rated members, managed by mina")
        lines.append(
            "  lead, tess and mina set up a second factor (an authenticator app or a passkey) "
            "at first sign-in."
        )
        self.stdout.write("Demo accounts (local use only):\n" + "\n".join(lines))
