"""`make cluster`: the app past one machine, on loopback, under load and faults.

A PostgreSQL primary of its own and a hot standby streaming from it
(loadtest/cluster.py), two app servers (gunicorn, 2 workers each, production
settings: reports read from the standby), HAProxy in front, one Celery worker, Redis
(cache, sessions, broker) and a loopback SMTP server. Simulated people work through
HAProxy, as `make loadtest`'s do; meanwhile:

- a training lead imports a staff list of 500 people on her pages: 500 invitations,
  e-mailed by the worker in batches. The worker is killed (SIGKILL) while it waits for
  the mail server to take an e-mail, and a new one is started; the broker gives the dead
  worker's tasks to it after IMHCF_TASK_REDELIVER_SECONDS (20 here);
- one app server is killed (SIGKILL, master and workers) a third of the way in;
- the primary is restarted (fast) at 60%;
- checkers save an answer and at once open their team's report (read from the
  standby): it must show what they saved (imhcf/pinning.py).

Required, printed, and the exit status: no confirmed save missing; no HTTP 500; 503s
only while the primary restarts, each with Retry-After; requests dropped (502, or no
answer) only at the app server's death; nobody signed out (sessions live in Redis and
the database, so the other server carries on); no checker ever reads a stale value of
their own save; every invitation reaches the SMTP server exactly once; no error in the
last quarter. The standby's lag is measured and printed. Everything is torn down at
the end. About 4 minutes."""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from imhcf.pinning import COOKIE as PIN

from . import cluster
from .run import (
    HOST,
    PYTHON,
    ROOT,
    Browser,
    Person,
    Server,
    Window,
    confirmed_saves_missing,
    drive,
    form_fields,
    free_port,
    summary,
)

REDELIVER_SECONDS = 20  # the broker's visibility timeout here; 900 in production
IMPORT_ROWS = 500
CELL = re.compile(r'class="[^"]*\b(hm-achieved|hm-working|hm-none)\b')
SHOWN_AS = {"achieved": "hm-achieved", "working_towards": "hm-working"}


# --- people -------------------------------------------------------------------------------


def first_cell(report_html: str) -> str:
    """The first member's first item, as the team report's members table shows it."""
    table = report_html.split("Members (rows) by item", 1)[-1].split("<tbody", 1)[-1]
    found = CELL.search(table)
    return found.group(1) if found else ""


@dataclass
class Checker(Person):
    """Saves the first item of Level 1, Domain 1 (achieved, then working towards, and
    so on), then at once opens her team's report, where she is the only member: it is
    read from the standby unless her pin sends it to the primary. The same read without
    the pin, just before, shows whether the standby had caught up by then."""

    checks: int = 0
    stale: list[str] = field(default_factory=list)
    unpinned_stale: int = 0

    def act(self, start, rng) -> None:
        grid = "/me/level/1/domain/1/"
        page = self.timed(start, "grid", "GET", grid)
        if page is None:
            return
        fields = form_fields(page.body)
        code = next(n.removeprefix("evidence-") for n in fields if n.startswith("evidence-"))
        status = "working_towards" if fields.get(f"status-{code}") == "achieved" else "achieved"
        evidence = f"check {self.username} {secrets.token_hex(6)}"
        fields[f"status-{code}"] = status
        fields[f"evidence-{code}"] = evidence
        if self.timed(start, "save", "POST", grid, fields, expect=302) is None:
            return
        self.saves.append(evidence)
        report = f"{self.team}?level=1&domain=1"
        pin = self.browser.cookies.pop(PIN, None)
        unpinned = self.timed(start, "own_report_unpinned", "GET", report)
        if pin is not None:
            self.browser.cookies[PIN] = pin
        pinned = self.timed(start, "own_report", "GET", report)
        if pinned is None:
            return
        self.checks += 1
        shown = first_cell(pinned.body)
        if shown != SHOWN_AS[status]:
            self.stale.append(f"{self.username} saved {status}, read {shown or 'nothing'}")
        if unpinned is not None and first_cell(unpinned.body) != SHOWN_AS[status]:
            self.unpinned_stale += 1


def import_staff(lead: Person, organisation: int) -> tuple[int, set[str]]:
    """The lead's staff import on her pages: upload, preview, confirm. Returns the
    sending job's id and the addresses invited."""
    addresses = {f"staff{i:03d}@import.example" for i in range(IMPORT_ROWS)}
    rows = ["name,email,job role,team,manager"] + [
        f"Staff {i:03d},staff{i:03d}@import.example,Health visitor,Import team {i % 5},no"
        for i in range(IMPORT_ROWS)
    ]
    path = f"/me/organisations/{organisation}/import/"
    token = form_fields(lead.browser.get(path).body)["csrfmiddlewaretoken"]
    preview = lead.browser.request(
        "POST",
        path,
        {"csrfmiddlewaretoken": token},
        files={"file": ("staff.csv", "\n".join(rows).encode())},
    )
    if preview.status != 200:
        raise RuntimeError(f"staff import preview: {preview.status}")
    fields = form_fields(preview.body)
    done = lead.browser.post(
        f"{path}confirm/",
        {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], "digest": fields["digest"]},
    )
    sending = done.headers.get("Location", "")
    if done.status != 302 or "/sending/" not in sending:
        raise RuntimeError(f"staff import confirm: {done.status} {sending}")
    return int(sending.rstrip("/").rsplit("/", 1)[1]), addresses


# --- watching -----------------------------------------------------------------------------


class LagWatch(threading.Thread):
    """Every half second, the standby's lag as the primary sees it: replay_lag (time)
    and the WAL bytes not yet replayed (pg_stat_replication)."""

    def __init__(self, primary: cluster.Postgres):
        super().__init__(daemon=True)
        self.primary = primary
        self.samples: list[tuple[float, float]] = []  # (ms, bytes)
        self.done = threading.Event()

    def run(self) -> None:
        import psycopg2

        query = (
            "SELECT COALESCE(EXTRACT(EPOCH FROM replay_lag) * 1000, 0), "
            "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication"
        )
        conn = None
        while not self.done.wait(0.5):
            try:
                if conn is None:
                    conn = psycopg2.connect(
                        self.primary.url().replace("imhcf:imhcf", "postgres:x"), connect_timeout=1
                    )
                    conn.autocommit = True
                with conn.cursor() as cursor:
                    cursor.execute(query)
                    self.samples += [(float(ms), float(lag)) for ms, lag in cursor.fetchall()]
            except psycopg2.Error:
                conn = None  # the primary restarting

    def figures(self) -> str:
        if not self.samples:
            return "samples=0"
        times = sorted(ms for ms, _ in self.samples)
        lags = sorted(b for _, b in self.samples)
        return (
            f"samples={len(times)} replay_lag_ms_median={times[len(times) // 2]:.1f} "
            f"replay_lag_ms_max={times[-1]:.1f} bytes_behind_max={lags[-1]:.0f}"
        )


def invitations_sent(primary: cluster.Postgres, job: int) -> tuple[int, str]:
    """How many of the job's invitations are marked sent, and the job's state."""
    import psycopg2

    with psycopg2.connect(primary.url()) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE mailed_at IS NOT NULL), "
            "(SELECT state FROM assessments_job WHERE id = %s) "
            "FROM assessments_invite WHERE job_id = %s",
            (job, job),
        )
        sent, state = cursor.fetchone()
    return sent, state


# --- the run ------------------------------------------------------------------------------


def main() -> int:  # noqa: C901 - one story, told in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--managers", type=int, default=5, help="of the users")
    parser.add_argument("--team-size", type=int, default=30)
    parser.add_argument("--checkers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--workers", type=int, default=2, help="per app server")
    args = parser.parse_args()

    if not shutil.which(cluster.HAPROXY):
        raise SystemExit("cluster: HAProxy is missing: `make haproxy` installs it")
    root = cluster.make_root()
    started: list = []  # stopped in reverse order, whatever happens
    sink = cluster.MailSink(free_port(), hold_after=IMPORT_ROWS // 5)
    try:
        began = time.perf_counter()
        cluster.empty_redis()
        primary = cluster.make_primary(root, free_port())
        standby = cluster.make_standby(primary, free_port())
        started.append(sink)
        sink.start()
        proxy_port = free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "GUNICORN_", "IMHCF_", "DATABASE_"))
        }
        env.update(
            DATABASE_URL=primary.url(),
            DATABASE_REPLICA_URL=standby.url(),
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS=HOST,
            DJANGO_DEBUG="0",
            IMHCF_REDIS_URL=cluster.REDIS_URL,
            IMHCF_BROKER_URL=cluster.REDIS_URL,
            IMHCF_TASK_REDELIVER_SECONDS=str(REDELIVER_SECONDS),
            IMHCF_TRUSTED_PROXIES=f"{HOST}/32",
            IMHCF_SITE_URL=f"http://{HOST}:{proxy_port}",
            DJANGO_EMAIL_HOST=HOST,
            DJANGO_EMAIL_PORT=str(sink.port),
            DJANGO_EMAIL_USE_TLS="0",
        )
        servers = {name: Server(env, free_port(), root / name) for name in ("app1", "app2")}
        for server in servers.values():
            server.workdir.mkdir()
        app1 = servers["app1"]
        print(f"cluster: preparing in {root}", flush=True)
        app1.manage("migrate", "--noinput", "-v0")
        app1.manage("collectstatic", "--noinput", "-v0")
        cast_file = root / "cast.json"
        subprocess.run(  # noqa: S603
            [PYTHON, "loadtest/seed_cluster.py", str(cast_file)]
            + [str(args.users - args.managers), str(args.managers), str(args.team_size)]
            + [str(args.checkers)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        cast = json.loads(cast_file.read_text())
        for server in servers.values():
            started.append(server)
            server.start(args.workers)
        worker = cluster.Worker("worker1", env, root)
        started.append(worker)
        worker.start()
        proxy = cluster.Proxy(
            proxy_port, {n: s.port for n, s in servers.items()}, root, args.workers
        )
        started.append(proxy)
        proxy.start()
        print(
            f"cluster: primary :{primary.port}, standby :{standby.port}, "
            f"app1 :{servers['app1'].port}, app2 :{servers['app2'].port}, "
            f"haproxy :{proxy.port}, smtp :{sink.port}, redis {cluster.REDIS_URL}; "
            f"ready in {time.perf_counter() - began:.0f}s",
            flush=True,
        )

        password = cast["password"]
        people = [Person(u, Browser(proxy.port)) for u in cast["practitioners"]]
        people += [Person(u, Browser(proxy.port), key) for u, key in cast["managers"].items()]
        checkers = [
            Checker(u, Browser(proxy.port), c["secret"], team=f"/me/teams/{c['team']}/")
            for u, c in cast["checkers"].items()
        ]
        lead = Person("lead", Browser(proxy.port), cast["lead"]["secret"], team="-")
        print(f"cluster: signing in {len(people) + len(checkers) + 1} people", flush=True)
        for person in [*people, *checkers, lead]:
            person.sign_in(password)

        for person in [*people, *checkers]:
            person.pause_after_error = 1.0  # someone told "try again in a minute"
        lag = LagWatch(primary)
        lag.start()
        everyone = people + checkers
        start, threads = drive(everyone, args.seconds)
        events: list[str] = []
        kill: list[Window] = []
        restart: list[Window] = []

        time.sleep(2)
        job, addresses = import_staff(lead, cast["lead"]["organisation"])
        events.append(
            f"staff import of {IMPORT_ROWS} confirmed at {time.perf_counter() - start:.1f}s"
        )

        # The worker dies while the mail server holds its e-mails unanswered.
        cluster.wait_for("the worker's e-mails", lambda: sink.held >= 1, seconds=60)
        deadline = time.monotonic() + 2
        while sink.held < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        held, delivered = sink.held, sink.total()
        at = time.perf_counter() - start
        pids = worker.kill()
        time.sleep(0.5)
        sink.release()
        events.append(
            f"killed the worker {pids} at {at:.1f}s, {delivered} e-mails in, {held} being sent"
        )
        worker = cluster.Worker("worker2", env, root)
        started.append(worker)
        booting = threading.Thread(target=worker.start)  # a worker boots in seconds
        booting.start()
        events.append(f"started a new worker at {time.perf_counter() - start:.1f}s")

        time.sleep(max(0.0, args.seconds * 0.35 - (time.perf_counter() - start)))
        at = time.perf_counter() - start
        pids = cluster.kill_server(app1)
        kill.append(Window("app1_killed", at, at + 3))
        events.append(f"killed app server app1 {pids} at {at:.1f}s")

        time.sleep(max(0.0, args.seconds * 0.6 - (time.perf_counter() - start)))
        at = time.perf_counter() - start
        took = primary.restart()
        # + HAProxy seeing /healthz/ answer 200 twice, and connections made again
        restart.append(Window("primary_restart", at, at + took + 5))
        events.append(f"restarted the primary at {at:.1f}s (took {took:.1f}s)")

        for thread in threads:
            thread.join()
        booting.join()
        lag.done.set()

        # The dead worker's tasks come back after the redelivery time: wait for them.
        deadline = time.monotonic() + REDELIVER_SECONDS + 60
        while time.monotonic() < deadline:
            sent, state = invitations_sent(primary, job)
            if sent >= IMPORT_ROWS and state == "done":
                break
            time.sleep(1)
        time.sleep(2)  # anything still on its way to the mail server
        sent, state = invitations_sent(primary, job)

        records = [r for p in everyone for r in p.records]
        saves = [s for p in everyone for s in p.saves]
        for event in events:
            print(f"cluster: fault: {event}", flush=True)
        ok = True
        summary("cluster", records, args.seconds)
        for label in sorted({r.label for r in records}):
            summary(f"  page={label}", [r for r in records if r.label == label], args.seconds)

        missing = confirmed_saves_missing(primary.url(), saves)
        print(f"cluster: confirmed_saves={len(saves)} missing_after_run={len(missing)}")
        ok &= not missing and len(saves) > 0

        failed = [r for r in records if not r.ok]
        http_500 = [r for r in failed if r.status == 500]
        http_503 = [r for r in failed if r.status == 503]
        dropped = [r for r in failed if r.status in (0, 502)]
        signed_out = [r for r in failed if r.status == 302]
        other = [r for r in failed if r.status not in (0, 302, 500, 502, 503)]
        print(
            f"cluster: http_500={len(http_500)} http_503={len(http_503)} "
            f"dropped={len(dropped)} signed_out={len(signed_out)} other_errors={len(other)}"
        )
        for status, group in (("500", http_500), ("503", http_503), ("dropped", dropped)):
            if group:
                seconds = sorted({int(r.at) for r in group})
                print(f"cluster: {status}_at_seconds={','.join(map(str, seconds))}")
        stray_503 = [r for r in http_503 if not any(w.overlaps(r) for w in restart)]
        bare_503 = [r for r in http_503 if not r.retry_after]
        from_proxy = sum(not r.server for r in http_503)
        stray_drops = [r for r in dropped if not any(w.overlaps(r) for w in kill)]
        print(
            f"cluster: fault_windows={','.join(map(str, kill + restart))} "
            f"http_503_outside_restart={len(stray_503)} http_503_without_retry_after="
            f"{len(bare_503)} (from haproxy {from_proxy}, from the app "
            f"{len(http_503) - from_proxy}) dropped_outside_kill={len(stray_drops)}"
        )
        ok &= not http_500 and not stray_503 and not bare_503 and not stray_drops
        ok &= not other and not signed_out

        # Sessions: people app1 served before it died carried on through app2.
        death = kill[0].begin
        on_app1 = {p.username for p in everyone if any(r.server == "app1" for r in p.records)}
        carried_on = {
            p.username
            for p in everyone
            if p.username in on_app1
            and any(r.ok and r.at > kill[0].end and r.server == "app2" for r in p.records)
            and not any(not r.ok and r.status == 302 and r.at > death for r in p.records)
        }
        print(
            f"cluster: sessions: served by app1 before its death={len(on_app1)} "
            f"went on through app2 without signing in again={len(carried_on)} "
            f"sent to sign in={len(signed_out)}"
        )
        ok &= bool(on_app1) and carried_on == on_app1

        checks = sum(c.checks for c in checkers)
        stale = [s for c in checkers for s in c.stale]
        unpinned = sum(c.unpinned_stale for c in checkers)
        print(
            f"cluster: read_your_writes checks={checks} stale_own_reads={len(stale)} "
            f"(the same read without the pin: stale {unpinned} of {checks})"
        )
        for line in stale[:5]:
            print(f"  {line}")
        ok &= checks > 0 and not stale
        print(f"cluster: replica_lag {lag.figures()}")

        duplicated = {a: n for a, n in sink.received.items() if a in addresses and n > 1}
        lost = addresses - set(sink.received)
        stray = set(sink.received) - addresses
        print(
            f"cluster: tasks: invitations={IMPORT_ROWS} marked_sent={sent} job={state} "
            f"e-mails_received={sum(sink.received[a] for a in addresses)} "
            f"lost={len(lost)} duplicated={len(duplicated)} unexpected={len(stray)}"
        )
        ok &= not lost and not duplicated and sent == IMPORT_ROWS and state == "done"

        tail = [r for r in records if r.at >= args.seconds * 0.75]
        late = sum(not r.ok for r in tail)
        healthy = Browser(proxy.port).get("/healthz/").status == 200
        print(f"cluster: errors_in_last_quarter={late} healthy_after={healthy}")
        ok &= late == 0 and healthy

        logged = [line for s in servers.values() for line in s.errors_logged()]
        print(f"cluster: server_errors_logged={len(logged)}")
        for line in logged[:10]:
            print(f"  {line}")
        print("cluster: PASS" if ok else "cluster: FAIL", flush=True)
        return 0 if ok else 1
    finally:
        for piece in reversed(started):
            try:
                piece.stop()
            except Exception as error:  # noqa: BLE001 - tear down the rest whatever happens
                print(f"cluster: stopping {piece}: {error}", file=sys.stderr)
        for name in ("standby", "primary"):  # whether or not they finished starting
            cluster.Postgres(name, 0, root).stop()
        if os.environ.get("IMHCF_CLUSTER_KEEP"):
            print(f"cluster: kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
