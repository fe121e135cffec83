"""Demo teams for `seed_demo --members N` and the benchmark: made-up people with
ratings spread over every item, written in bulk."""

import random

from django.contrib.auth import get_user_model

from catalogue.models import Competency, Domain, Level, Wording
from catalogue.page_cache import catalogue_changed

from ..items import load_framework
from ..models import JobRole, Membership, Organisation, Rating, Status, Team

ROLES = [JobRole.HEALTH_VISITOR, JobRole.MIDWIFE, JobRole.EARLY_YEARS, JobRole.SOCIAL_WORKER]
# Half achieved, a quarter working towards, a quarter not yet assessed, drawn per item
# with a fixed seed: members differ from one another (as real ones do, so the team
# plan meets many different sets of gaps), and every run builds the same team.
STATUSES = [Status.ACHIEVED, Status.WORKING_TOWARDS, Status.ACHIEVED, Status.NOT_ASSESSED]


def build_demo_team(name: str, members: int, *, manager=None) -> Team:
    """A team of `members` people, every one rated on every item at every level."""
    User = get_user_model()
    team, _ = Team.objects.get_or_create(
        name=name, organisation=Organisation.named("Demo NHS Trust")
    )
    prefix = f"t{team.pk}m"
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}{i:04d}",
            first_name="Member",
            last_name=f"{i:04d}",
            job_role=ROLES[i % len(ROLES)],
        )
        for i in range(members)
    )
    Membership.objects.bulk_create(Membership(team=team, user=user) for user in users)
    if manager is not None:
        Membership.objects.get_or_create(
            team=team, user=manager, defaults={"role": Membership.Role.MANAGER}
        )
    items = load_framework().all_items()
    rng = random.Random(team.pk)
    Rating.objects.bulk_create(
        (
            Rating(
                user=user,
                level_id=item.level,
                domain_id=item.domain,
                competency_id=item.competency_id,
                status=rng.choice(STATUSES),
            )
            for user in users
            for item in items
        ),
        batch_size=2000,
    )
    return team


# A framework the full size of the IMHCF (63 competencies x 3 levels), for tests and
# benchmarks that need every domain assessed competency by competency. Its wording is
# placeholder text made here, never shipped.
FULL_SIZES = {1: 10, 2: 9, 3: 9, 4: 9, 5: 9, 6: 9, 7: 8}


def build_full_framework():
    """Needs the shipped catalogue loaded (levels and domains)."""
    levels = list(Level.objects.all())
    for number, size in FULL_SIZES.items():
        Domain.objects.filter(number=number).update(declared_size=size)
    existing = set(Competency.objects.values_list("code", flat=True))
    Competency.objects.bulk_create(
        Competency(domain_id=n, code=f"{n}.{i:02d}", heading=f"Group {n}")
        for n, size in FULL_SIZES.items()
        for i in range(1, size + 1)
        if f"{n}.{i:02d}" not in existing
    )
    Wording.objects.all().delete()
    Wording.objects.bulk_create(
        Wording(
            competency=c,
            level=level,
            knowledge=f"Knowledge for {c.code}.",
            ability=f"Ability for {c.code} at level {level.number}.",
        )
        for c in Competency.objects.all()
        for level in levels
    )
    catalogue_changed()  # bulk writes send no signal: cached framework pages are stale
