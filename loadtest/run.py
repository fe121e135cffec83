"""`make loadtest` and `make faults`: the app under gunicorn (2 workers) on PostgreSQL,
driven on loopback by simulated users, each in its own thread with its own session.

- mixed load: practitioners open the dashboard, grids, gaps and the plan and save
  items; managers (signed in with their authenticator) open team reports and plans.
  Each user sends the next request as soon as the last is answered (no think time),
  so the figures are the most the machine serves. Then the same number of users on
  the bare view (/healthz/: one query) as the baseline. 0 errors required.
- faults (--faults): the same mixed load, with a gunicorn worker killed (SIGKILL) a
  third of the way in and PostgreSQL restarted half-way. Errors are expected while
  they happen, of two kinds only: requests the killed worker was serving are dropped,
  and while PostgreSQL restarts pages answer 503 (assessments/security/unavailable.py).
  Required: no HTTP 500 at all, 503s only in the restart's seconds, drops only at the
  kill, no error in the last quarter of the run (the app recovers by itself), and every
  save confirmed to a user in the database afterwards.

Prints `loadtest: <phase> requests=… rps=… p50_ms=… p95_ms=… p99_ms=… errors=…`, then
`loadtest: http_500=… http_503=… dropped=… other_errors=…` and, with --faults, the fault
windows and what fell outside them; exits non-zero when a requirement fails. Only ever
targets 127.0.0.1.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python loadtest/run.py`: the project's packages
PYTHON = sys.executable
HOST = "127.0.0.1"
# allauth lets one address sign in 30 times a minute (counted in each server process):
# every simulated person comes from 127.0.0.1, so a refused sign-in waits and tries again.
SIGN_IN_WAIT_SECONDS = 5
SIGN_IN_TRIES = 30


# --- the database and the server -----------------------------------------------------


def psql_admin(sql: str) -> str:
    done = subprocess.run(  # noqa: S603
        ["psql", "-h", HOST, "-U", "postgres", "-d", "postgres", "-tAc", sql],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def fresh_database(name: str) -> str:
    """A new, empty database for this run, owned by the app's role (made if missing)."""
    if psql_admin("SELECT 1 FROM pg_roles WHERE rolname = 'imhcf'") != "1":
        psql_admin("CREATE ROLE imhcf LOGIN PASSWORD 'imhcf' CREATEDB")
    psql_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql_admin(f'CREATE DATABASE "{name}" OWNER imhcf')
    return f"postgres://imhcf:imhcf@{HOST}:5432/{name}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    env: dict
    port: int
    workdir: Path
    process: subprocess.Popen | None = None

    @property
    def pidfile(self) -> Path:
        return self.workdir / "gunicorn.pid"

    def manage(self, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True)  # noqa: S603

    def start(self, workers: int) -> None:
        log = open(self.workdir / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--pid",
                str(self.pidfile),
                "--access-logfile",
                "/dev/null",
                "imhcf.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(120):
            try:
                if Browser(self.port).get("/healthz/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not start; see {self.workdir / 'gunicorn.log'}")

    def workers(self) -> list[int]:
        master = int(self.pidfile.read_text())
        out = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(master)],  # noqa: S607
            capture_output=True,
            text=True,
        )
        return [int(pid) for pid in out.stdout.split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def errors_logged(self) -> list[str]:
        text = (self.workdir / "gunicorn.log").read_text(errors="replace")
        return [line for line in text.splitlines() if " ERROR " in line or "Traceback" in line]


# --- one simulated person --------------------------------------------------------------


def app_code(secret: str) -> str:
    """The code an authenticator app with `secret` (base32) shows now, computed with
    allauth's own TOTP functions, which read the site's settings (loaded here once)."""
    import django
    from django.apps import apps

    if not apps.ready:
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imhcf.settings")
        django.setup()
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


@dataclass
class Response:
    status: int
    headers: Message  # case-insensitive: HAProxy sends its headers in lower case
    body: str


class FormParser(HTMLParser):
    """The fields of the page's forms as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def form_fields(html: str) -> dict[str, str]:
    parser = FormParser()
    parser.feed(html)
    return parser.fields


def multipart(form: dict, files: dict) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in form.items()
    ]
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """Cookies and requests for one person; a new connection per request, as gunicorn's
    sync workers close each one."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict | None = None, files: dict | None = None
    ) -> Response:
        """`files`: {field: (file name, bytes)}, sent with `form` as multipart/form-data."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body: str | bytes | None = None
        if files:
            body, headers["Content-Type"] = multipart(form or {}, files)
        elif form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Response(raw.status, raw.headers, text)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Response:
        return self.request("POST", path, form)


@dataclass
class Record:
    at: float  # seconds since the measured run began
    label: str
    status: int
    ms: float
    ok: bool
    retry_after: bool = False  # a 503 that said when to come back
    server: str = ""  # which app server answered, behind HAProxy (X-Served-By)


@dataclass
class Person:
    username: str
    browser: Browser
    totp_secret: str | None = None  # base32, as allauth keeps it
    team: str = ""
    records: list[Record] = field(default_factory=list)
    saves: list[str] = field(default_factory=list)  # evidence of every confirmed save
    # Seconds a person waits after a page that failed (503, dropped) before going on;
    # 0 sends the next request at once, so a fault's second counts many failures.
    pause_after_error: float = 0.0

    def sign_in(self, password: str) -> None:
        """allauth's sign-in page; then, for a manager, its code page with the code her
        authenticator app shows now; then her team."""
        for _ in range(SIGN_IN_TRIES):
            login = self.browser.get("/accounts/login/")
            token = form_fields(login.body)["csrfmiddlewaretoken"]
            done = self.browser.post(
                "/accounts/login/",
                {"csrfmiddlewaretoken": token, "login": self.username, "password": password},
            )
            if done.status != 429:
                break
            time.sleep(SIGN_IN_WAIT_SECONDS)
        if done.status != 302:
            raise RuntimeError(f"{self.username}: sign-in failed ({done.status})")
        if self.totp_secret:
            code_page = done.headers.get("Location", "")
            if not code_page.startswith("/accounts/2fa/authenticate/"):
                raise RuntimeError(f"{self.username}: no code asked for (sent to {code_page!r})")
            fields = form_fields(self.browser.get(code_page).body)
            verified = self.browser.post(
                code_page,
                {
                    "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                    "code": app_code(self.totp_secret),
                },
            )
            if verified.status != 302:
                raise RuntimeError(f"{self.username}: code refused ({verified.status})")
            if not self.team:
                teams = self.browser.get("/me/teams/").body
                self.team = re.search(r'href="(/me/teams/\d+/)"', teams).group(1)

    def timed(self, start: float, label: str, method: str, path: str, form=None, expect=200):
        began = time.perf_counter()
        try:
            response = self.browser.request(method, path, form)
            status = response.status
        except OSError:
            response, status = None, 0
        ms = (time.perf_counter() - began) * 1000
        if status != expect and self.pause_after_error:
            time.sleep(self.pause_after_error)
        headers = response.headers if response else {}
        self.records.append(
            Record(
                began - start,
                label,
                status,
                ms,
                status == expect,
                retry_after="Retry-After" in headers,
                server=headers.get("X-Served-By", ""),
            )
        )
        return response if status == expect else None

    def act(self, start: float, rng: random.Random) -> None:
        if self.totp_secret:
            choice = rng.choices(["team_report", "team_plan", "dashboard"], [6, 1, 1])[0]
            level = rng.randint(1, 3)
            if choice == "team_report":
                page = rng.choice([1, 1, 2])
                self.timed(start, choice, "GET", f"{self.team}?level={level}&page={page}")
            elif choice == "team_plan":
                self.timed(start, choice, "GET", f"{self.team}plan/?level={level}")
            else:
                self.timed(start, choice, "GET", "/me/")
            return
        choice = rng.choices(["dashboard", "grid", "save", "gaps", "plan"], [2, 3, 2, 1.5, 1.5])[0]
        if choice in ("dashboard", "gaps", "plan"):
            path = {"dashboard": "/me/", "gaps": "/me/gaps/", "plan": "/me/plan/"}[choice]
            self.timed(start, choice, "GET", path)
            return
        grid = f"/me/level/{rng.randint(1, 2)}/domain/{rng.randint(1, 7)}/"
        page = self.timed(start, "grid", "GET", grid)
        if choice == "grid" or page is None:
            return
        fields = form_fields(page.body)
        codes = [name.removeprefix("evidence-") for name in fields if name.startswith("evidence-")]
        code = rng.choice(codes)
        evidence = f"load {self.username} {secrets.token_hex(6)}"
        fields[f"status-{code}"] = rng.choice(["achieved", "working_towards"])
        fields[f"evidence-{code}"] = evidence
        if self.timed(start, "save", "POST", grid, fields, expect=302) is not None:
            self.saves.append(evidence)


def drive(people: list[Person], seconds: float) -> tuple[float, list[threading.Thread]]:
    """Every person acts, in their own thread, until the time is up."""
    start = time.perf_counter()
    stop = start + seconds

    def loop(person: Person, seed: int):
        rng = random.Random(seed)
        while time.perf_counter() < stop:
            person.act(start, rng)

    threads = [threading.Thread(target=loop, args=(p, i)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    return start, threads


def bare(port: int, users: int, seconds: float) -> list[Record]:
    records: list[Record] = []
    start = time.perf_counter()
    stop = start + seconds

    def loop():
        browser = Browser(port)
        while time.perf_counter() < stop:
            began = time.perf_counter()
            try:
                status = browser.get("/healthz/").status
            except OSError:
                status = 0
            ms = (time.perf_counter() - began) * 1000
            records.append(Record(began - start, "bare", status, ms, status == 200))

    threads = [threading.Thread(target=loop) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records


# --- figures ---------------------------------------------------------------------------


def summary(name: str, records: list[Record], seconds: float) -> dict:
    times = sorted(r.ms for r in records)
    cuts = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    figures = {
        "requests": len(records),
        "rps": round(len(records) / seconds, 1),
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "errors": sum(not r.ok for r in records),
    }
    print(f"loadtest: {name} " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    return figures


@dataclass
class Window:
    """Seconds since the measured run began during which a fault may show."""

    name: str
    begin: float
    end: float

    def overlaps(self, record: Record) -> bool:
        """Whether the request was in flight at some moment of the window."""
        return record.at <= self.end and record.at + record.ms / 1000 >= self.begin

    def __str__(self) -> str:
        return f"{self.name}:{self.begin:.1f}-{self.end:.1f}s"


# After the fault itself: a new worker booting, connections to the restarted server
# being made again.
GRACE_SECONDS = 2.0


def error_kinds(records: list[Record]) -> dict[str, int]:
    """Failed requests by what the person got: a 500 page, a 503 page, no answer at all
    (the connection dropped: a killed worker), or anything else unexpected."""
    failed = [r for r in records if not r.ok]
    return {
        "http_500": sum(r.status == 500 for r in failed),
        "http_503": sum(r.status == 503 for r in failed),
        "dropped": sum(r.status == 0 for r in failed),
        "other_errors": sum(r.status not in (0, 500, 503) for r in failed),
    }


def outside(records: list[Record], status: int, windows: list[Window]) -> list[Record]:
    """Failures with this status that no fault window explains."""
    return [
        r
        for r in records
        if not r.ok and r.status == status and not any(w.overlaps(r) for w in windows)
    ]


def confirmed_saves_missing(database_url: str, saves: list[str]) -> list[str]:
    import psycopg2

    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT new_evidence FROM assessments_ratingchange WHERE new_evidence = ANY(%s)",
            (saves,),
        )
        found = {row[0] for row in cursor.fetchall()}
    return [s for s in saves if s not in found]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--managers", type=int, default=10, help="of the users")
    parser.add_argument("--team-size", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--database", default="imhcf_load")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="imhcf-load-"))
    primary = None
    if args.faults:
        # A PostgreSQL of the run's own (loadtest/cluster.py), so restarting it cuts no
        # one else's connections (other people's tests use the machine's server).
        from loadtest import cluster

        primary = cluster.make_primary(cluster.make_root(), free_port())
        database_url = primary.url()
    else:
        database_url = fresh_database(args.database)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DATABASE_URL=database_url,
        # Report reads go through the replica router to the same database: a second
        # connection per worker, as with a real replica.
        DATABASE_REPLICA_URL=database_url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_DEBUG="0",
    )
    server = Server(env, free_port(), workdir)
    print(f"loadtest: preparing {database_url.rsplit('/', 1)[1]} in {workdir}", flush=True)
    server.manage("migrate", "--noinput", "-v0")
    server.manage("collectstatic", "--noinput", "-v0")
    cast_file = workdir / "cast.json"
    practitioners = args.users - args.managers
    subprocess.run(  # noqa: S603
        [PYTHON, "loadtest/seed.py", str(cast_file), str(practitioners), str(args.managers)]
        + [str(args.team_size)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    cast = json.loads(cast_file.read_text())
    server.start(args.workers)
    try:
        people = [Person(u, Browser(server.port)) for u in cast["practitioners"]]
        people += [Person(u, Browser(server.port), key) for u, key in cast["managers"].items()]
        print(f"loadtest: signing in {len(people)} users", flush=True)
        for person in people:  # one at a time: sign-in is not what is measured
            person.sign_in(cast["password"])

        start, threads = drive(people, args.seconds)
        events = []
        kill: list[Window] = []
        restart: list[Window] = []
        if args.faults:
            time.sleep(args.seconds * 0.3)
            victim = server.workers()[0]
            at = time.perf_counter() - start
            os.kill(victim, signal.SIGKILL)
            kill.append(Window("kill", at, at + GRACE_SECONDS))
            events.append(f"killed gunicorn worker {victim} at {at:.1f}s")
            time.sleep(args.seconds * 0.2)
            at = time.perf_counter() - start
            took = primary.restart()
            restart.append(Window("restart", at, at + took + GRACE_SECONDS))
            events.append(f"restarted PostgreSQL at {at:.1f}s (took {took:.1f}s)")
        for thread in threads:
            thread.join()
        records = [r for p in people for r in p.records]
        saves = [s for p in people for s in p.saves]
        for event in events:
            print(f"loadtest: fault: {event}", flush=True)

        ok = True
        mixed = summary("mixed" if not args.faults else "faults", records, args.seconds)
        for label in sorted({r.label for r in records}):
            summary(f"  page={label}", [r for r in records if r.label == label], args.seconds)
        missing = confirmed_saves_missing(database_url, saves)
        print(f"loadtest: confirmed_saves={len(saves)} missing_after_run={len(missing)}")
        ok &= not missing and len(saves) > 0
        failed = sorted(r.at for r in records if not r.ok)
        if failed:
            windows = sorted({int(at) for at in failed})
            print(f"loadtest: errors_at_seconds={','.join(map(str, windows))}")
        kinds = error_kinds(records)
        print("loadtest: " + " ".join(f"{k}={v}" for k, v in kinds.items()), flush=True)
        ok &= kinds["http_500"] == 0
        for status in (500, 503):
            seconds = sorted({int(r.at) for r in records if not r.ok and r.status == status})
            if seconds:
                print(f"loadtest: http_{status}_at_seconds={','.join(map(str, seconds))}")
        if args.faults:
            # A 503 is right only while PostgreSQL restarts; a dropped request only where
            # the worker died (or, for what it was serving, until then).
            stray_503 = outside(records, 503, restart)
            stray_drops = outside(records, 0, kill)
            tail = [r for r in records if r.at >= args.seconds * 0.75]
            late_errors = sum(not r.ok for r in tail)
            healthy = Browser(server.port).get("/healthz/").status == 200
            print(
                f"loadtest: fault_windows={','.join(map(str, kill + restart))} "
                f"http_503_outside_restart={len(stray_503)} "
                f"dropped_outside_kill={len(stray_drops)}"
            )
            print(
                f"loadtest: errors_during_faults={mixed['errors']} "
                f"errors_in_last_quarter={late_errors} healthy_after={healthy}"
            )
            ok &= not stray_503 and not stray_drops and kinds["other_errors"] == 0
            ok &= late_errors == 0 and healthy
        else:
            ok &= mixed["errors"] == 0
            baseline = bare(server.port, args.users, args.baseline_seconds)
            base = summary("bare", baseline, args.baseline_seconds)
            ok &= base["errors"] == 0
            print(
                f"loadtest: mixed/bare rps_ratio={mixed['rps'] / base['rps']:.2f} "
                f"p50_ratio={mixed['p50_ms'] / base['p50_ms']:.2f}"
            )
        logged = server.errors_logged()
        print(f"loadtest: server_errors_logged={len(logged)}")
        for line in logged[:10]:
            print(f"  {line}")
        print("loadtest: PASS" if ok else "loadtest: FAIL", flush=True)
        return 0 if ok else 1
    finally:
        server.stop()
        if primary is not None:
            primary.stop()
            shutil.rmtree(primary.root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
