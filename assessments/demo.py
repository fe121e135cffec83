"""Demo teams for `seed_demo --members N` and the benchmark: made-up people with
ratings spread over every item, written in bulk."""

import random

from django.contrib.auth import get_user_model

from .models import JobRole, Membership, Rating, Status, Team
from .progress import load_framework

ROLES = [JobRole.HEALTH_VISITOR, JobRole.MIDWIFE, JobRole.EARLY_YEARS, JobRole.SOCIAL_WORKER]
# Half achieved, a quarter working towards, a quarter not yet assessed, drawn per item
# with a fixed seed: members differ from one another (as real ones do, so the team
# plan meets many different sets of gaps), and every run builds the same team.
STATUSES = [Status.ACHIEVED, Status.WORKING_TOWARDS, Status.ACHIEVED, Status.NOT_ASSESSED]


def build_demo_team(name: str, members: int, *, manager=None) -> Team:
    """A team of `members` people, every one rated on every item at every level."""
    User = get_user_model()
    team, _ = Team.objects.get_or_create(name=name, organisation="Demo NHS Trust")
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
