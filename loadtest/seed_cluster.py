"""The people `make cluster` adds to a load test's cast (loadtest/seed.py): a training
lead who imports her staff list (her organisation, her authenticator app), and the
people who check they read their own saves: each leads an organisation whose one team
has them as its only member, so the team report (read from the replica) shows their
own answers."""

import json
import sys
from pathlib import Path

# loadtest/ is on the path, as for seed.py, which sets Django up when imported.
from seed import PASSWORD, main


def with_app(user) -> str:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import generate_totp_secret
    from allauth.mfa.utils import encrypt

    secret = generate_totp_secret()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )
    return secret


def cluster_cast(out: Path, checkers: int) -> None:
    from django.contrib.auth.hashers import make_password

    from assessments.models import JobRole, Membership, Organisation, Team, TrainingLead, User

    cast = json.loads(out.read_text())
    hashed = make_password(PASSWORD)
    lead = User.objects.create(username="lead", password=hashed)
    trust = Organisation.named("Import trust")
    TrainingLead.objects.create(organisation=trust, user=lead)
    cast["lead"] = {"username": "lead", "secret": with_app(lead), "organisation": trust.pk}
    cast["checkers"] = {}
    for n in range(checkers):
        person = User.objects.create(
            username=f"c{n:02d}", password=hashed, job_role=JobRole.HEALTH_VISITOR
        )
        organisation = Organisation.named(f"Check trust {n}")
        TrainingLead.objects.create(organisation=organisation, user=person)
        team = Team.objects.create(name=f"Check team {n}", organisation=organisation)
        Membership.objects.create(team=team, user=person)
        cast["checkers"][person.username] = {"secret": with_app(person), "team": team.pk}
    out.write_text(json.dumps(cast))


if __name__ == "__main__":
    out = Path(sys.argv[1])
    main(out, int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    cluster_cast(out, int(sys.argv[5]))
