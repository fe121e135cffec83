"""`make scale`: the organisation pages at national scale, on PostgreSQL.

Builds (once; kept between runs) two databases, each with an organisation on a
full-size framework: 100 teams of 50 beside one team of 5,000 (10,000 practitioners),
and 2,000 teams of 50 beside one of 5,000 (105,000), everyone rated on every item.
Then, in one run, times each page as a ratio to the bench's bare view in the same
database and prints `scale: <page> <size> median_ms=<m> ratio=<r>`, the query count
of each page (which must not change with size), and whether each goal holds:
overview (sorted by name, and by share) and team report <= 10x, team plan <= 25x, and
each page at 100,000 at most 1.5x its time at 10,000."""

import os
import statistics
import subprocess  # noqa: S404 - psql, to vacuum a database just built
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.scale_settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from assessments.models import Organisation, Team, TrainingLead, User  # noqa: E402
from assessments.ops import scale  # noqa: E402
from assessments.ops.demo import build_full_framework  # noqa: E402
from bench.signing_in import signed_in_with_both_factors  # noqa: E402
from catalogue.loading import load_catalogue  # noqa: E402
from catalogue.models import Wording  # noqa: E402
from loadtest.run import psql_admin  # noqa: E402

RUNS = int(os.environ.get("SCALE_RUNS", "30"))
SIZES = {"10000": 100, "100000": 2000}  # practitioners: teams of 50 (plus 5,000)
BIG = 5000
GOALS = {"overview": 10, "overview_by_share": 10, "team_report_5000": 10, "team_plan_5000": 25}
GROWTH = 1.5


def psql_admin_in(database: str, sql: str) -> None:
    subprocess.run(  # noqa: S603 - psql, a fixed command
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qc", sql],  # noqa: S607
        check=True,
    )


def use_database(name: str) -> None:
    """Point the default connection at `name`, made (empty) if missing."""
    if psql_admin("SELECT 1 FROM pg_roles WHERE rolname = 'imhcf'") != "1":
        psql_admin("CREATE ROLE imhcf LOGIN PASSWORD 'imhcf' CREATEDB")
    # `name` is one of ours (imhcf_scale_<size>), never input.
    if psql_admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":  # noqa: S608
        psql_admin(f'CREATE DATABASE "{name}" OWNER imhcf')
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


def ready(size: str) -> tuple[Organisation, User]:
    """The organisation of this size and its training lead, built if missing."""
    call_command("migrate", verbosity=0)
    if not Wording.objects.exists():
        load_catalogue()
        build_full_framework()
    organisation = Organisation.named(f"Scale Trust {size}")
    teams = SIZES[size]
    have = Team.objects.filter(organisation=organisation).count()
    if have < teams + 1:
        started = time.perf_counter()
        scale.build(organisation, teams=teams, big=BIG)
        # As autovacuum would in time: index-only scans need the visibility map.
        psql_admin_in(connections["default"].settings_dict["NAME"], "VACUUM ANALYZE")
        print(f"scale: built {size} in {time.perf_counter() - started:.0f} s", flush=True)
    lead, _ = User.objects.get_or_create(username=f"scale-lead-{size}")
    TrainingLead.objects.get_or_create(organisation=organisation, user=lead)
    return organisation, lead


def client_for(lead: User) -> Client:
    """The training lead signed in with both factors, through the pages."""
    return signed_in_with_both_factors(lead)


def timed(client: Client, urls: dict[str, str]) -> tuple[dict[str, float], dict[str, int]]:
    """Median ms per page, timed round after round with the bare view; query counts."""
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[name] = len(queries)
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(RUNS):
        for name, url in urls.items():
            start = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(v) for name, v in times.items()}, counts


def pages(organisation: Organisation) -> dict[str, str]:
    big = Team.objects.get(organisation=organisation, name=scale.BIG)
    return {
        "bare": "/bench/bare/",
        "overview": f"/me/organisations/{organisation.pk}/",
        "overview_by_share": f"/me/organisations/{organisation.pk}/?sort=share",
        "team_report_5000": f"/me/teams/{big.pk}/",
        "team_plan_5000": f"/me/teams/{big.pk}/plan/",
    }


def main() -> int:
    results = {}
    for size in SIZES:
        use_database(f"imhcf_scale_{size}")
        organisation, lead = ready(size)
        people = scale.people(organisation)
        medians, counts = timed(client_for(lead), pages(organisation))
        results[size] = (medians, counts)
        bare = medians["bare"]
        for name, ms in medians.items():
            goal = f" goal<={GOALS[name]}" if name in GOALS else ""
            print(
                f"scale: {name} {size} median_ms={ms:.2f} ratio={ms / bare:.2f}"
                f" queries={counts[name]} people={people}{goal}",
                flush=True,
            )
    failed = []
    (small, small_counts), (large, large_counts) = results["10000"], results["100000"]
    for name in small:
        if name == "bare":
            continue
        if small_counts[name] != large_counts[name]:
            failed.append(f"{name}: {small_counts[name]} then {large_counts[name]} queries")
        growth = large[name] / small[name]
        print(f"scale: {name} growth={growth:.2f} goal<={GROWTH}")
        if name in GOALS and growth > GROWTH:
            failed.append(f"{name} grew {growth:.2f}x")
        if name in GOALS and large[name] / large["bare"] > GOALS[name]:
            failed.append(f"{name} at 100000: {large[name] / large['bare']:.1f}x")
    print("scale: " + ("every goal met" if not failed else "missed: " + "; ".join(failed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
