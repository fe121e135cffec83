"""The people of a load test, written straight into its own database: practitioners
with part-filled assessments, managers with teams of rated members and an
authenticator app each (allauth's, whose secrets go to a JSON file the load client
reads)."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhcf.settings")

import django  # noqa: E402

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import generate_totp_secret  # noqa: E402
from allauth.mfa.utils import encrypt  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402

from assessments.models import JobRole, Membership, User  # noqa: E402
from assessments.ops.demo import build_demo_team  # noqa: E402
from catalogue.loading import load_catalogue  # noqa: E402

PASSWORD = "load-test-pass-2026"  # noqa: S105 - a throwaway database on loopback


def main(out: Path, practitioners: int, managers: int, team_size: int) -> None:
    load_catalogue()
    hashed = make_password(PASSWORD)
    people = User.objects.bulk_create(
        User(username=f"p{i:03d}", password=hashed, job_role=JobRole.HEALTH_VISITOR)
        for i in range(practitioners)
    )
    keys = {}
    for m in range(managers):
        manager = User.objects.create(username=f"m{m:02d}", password=hashed)
        team = build_demo_team(f"Load team {m}", team_size, manager=manager)
        # Some practitioners are on the teams too, so their saves change team reports.
        for person in people[m::managers]:
            Membership.objects.get_or_create(team=team, user=person)
        secret = generate_totp_secret()
        Authenticator.objects.create(
            user=manager, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
        )
        keys[manager.username] = secret
    out.write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "practitioners": [p.username for p in people],
                "managers": keys,
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
