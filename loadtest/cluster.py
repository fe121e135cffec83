"""The pieces of `make cluster`, each started on loopback and torn down at the end: a
PostgreSQL primary of its own and a hot standby streaming from it, app servers
(gunicorn), HAProxy in front of them, a Celery worker, a loopback SMTP server that
counts e-mails by recipient, and a Redis database of its own.

The primary is not the machine's PostgreSQL service: restarting it is one of the
faults, and other people's tests run on the machine's server. Everything PostgreSQL
writes lives in the run's temporary folder, owned by the `postgres` user (initdb
refuses to run as root)."""

import asyncio
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .run import HOST, PYTHON, ROOT, Browser

HAPROXY = "haproxy"
REDIS_URL = "redis://127.0.0.1:6379/7"  # a database of its own, emptied at the start


def pg_bin(tool: str) -> str:
    """The newest installed PostgreSQL's `tool` (initdb, pg_ctl, pg_basebackup)."""
    versions = sorted(
        os.listdir("/usr/lib/postgresql"), key=lambda v: [int(x) for x in v.split(".")]
    )
    return f"/usr/lib/postgresql/{versions[-1]}/bin/{tool}"


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)  # noqa: S603, S607
    return [int(p) for p in out.stdout.split()]


def wait_for(what: str, ready, seconds: float = 60, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"cluster: {what} did not start" + (f"; see {log}" if log else ""))


# --- PostgreSQL ---------------------------------------------------------------------------


@dataclass
class Postgres:
    name: str
    port: int
    root: Path  # the run's folder: data directory, log and socket inside it

    @property
    def data(self) -> Path:
        return self.root / self.name

    @property
    def log(self) -> Path:
        return self.root / f"{self.name}.log"

    def url(self) -> str:
        return f"postgres://imhcf:imhcf@{HOST}:{self.port}/imhcf"

    def sql(self, query: str, database: str = "postgres") -> str:
        done = run(
            ["psql", "-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", database]
            + ["-v", "ON_ERROR_STOP=1", "-tAc", query]
        )
        return done.stdout.strip()

    def ctl(self, *args: str) -> None:
        run(as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", *args]))

    def configure(self, **settings: str) -> None:
        """Settings appended to postgresql.conf: the last value of a name wins."""
        with open(self.data / "postgresql.conf", "a") as conf:
            for name, value in settings.items():
                conf.write(f"{name} = {value}\n")

    def start(self) -> None:
        self.ctl("start")

    def restart(self) -> float:
        """A fast restart (open connections are ended, as a real one does); its seconds."""
        began = time.perf_counter()
        self.ctl("-m", "fast", "restart")
        return time.perf_counter() - began

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603
                as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                capture_output=True,
            )


def make_primary(root: Path, port: int) -> Postgres:
    """initdb, replication allowed from loopback, the app's role and database."""
    primary = Postgres("primary", port, root)
    run(
        as_postgres(
            [pg_bin("initdb"), "-D", str(primary.data), "-U", "postgres", "--auth=trust"]
            + ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        )
    )
    primary.configure(
        port=str(port),
        listen_addresses="'127.0.0.1'",
        unix_socket_directories=f"'{root}'",
        wal_level="replica",
        max_wal_senders="4",
        wal_keep_size="'256MB'",
        hot_standby="on",
        max_connections="200",
    )
    with open(primary.data / "pg_hba.conf", "a") as hba:
        hba.write(f"host replication replicator {HOST}/32 trust\n")
    primary.start()
    primary.sql("CREATE ROLE replicator LOGIN REPLICATION")
    primary.sql("CREATE ROLE imhcf LOGIN PASSWORD 'imhcf'")
    primary.sql("CREATE DATABASE imhcf OWNER imhcf")
    return primary


def make_standby(primary: Postgres, port: int) -> Postgres:
    """A hot standby: a base backup of the primary with -R (standby.signal and
    primary_conninfo written), on its own port, streaming."""
    standby = Postgres("standby", port, primary.root)
    run(
        as_postgres(
            [pg_bin("pg_basebackup"), "-h", HOST, "-p", str(primary.port), "-U", "replicator"]
            + ["-D", str(standby.data), "-R", "-X", "stream", "-c", "fast"]
        )
    )
    # After the primary's restart, connect again within a second, not five.
    standby.configure(port=str(port), wal_retrieve_retry_interval="'1s'")
    standby.start()
    wait_for(
        "the standby's streaming",
        lambda: (
            primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "1"
        ),
    )
    return standby


# --- app servers, the proxy, the worker ---------------------------------------------------


def kill_server(server) -> list[int]:
    """SIGKILL a gunicorn master and its workers (a machine dying, not a shutdown)."""
    master = int(server.pidfile.read_text())
    pids = [master, *children(master)]
    kill_all(pids)
    if server.process:
        server.process.wait(timeout=10)
    return pids


PROXY_503 = (
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Retry-After: 60\r\n"
    "Cache-Control: no-store\r\n"
    "Connection: close\r\n"
    "\r\n"
    '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Briefly unavailable - IMHCF self-assessment</title></head><body><main>"
    "<h1>The service is briefly unavailable</h1>"
    "<p>We could not finish this request just now. Nothing you saved before is lost.</p>"
    "<p>Please try again in a minute.</p></main></body></html>\n"
)


@dataclass
class Proxy:
    """HAProxy: round robin over the app servers, each checked on /healthz/ every
    second (down after 2 failures, up after 2 successes), and marked down at once when
    it refuses a connection; a request it refused is sent to another (retries,
    redispatch on every retry). When no server is up (the
    database restarting makes every /healthz/ answer 503) HAProxy's own 503 says
    Retry-After, as the app's does. X-Served-By names the server that answered. Each
    server gets at most as many requests at once as it has workers; the rest wait in
    HAProxy's queue (a sync worker's backlog would also hold up the health checks)."""

    port: int
    servers: dict[str, int]  # name: port
    root: Path
    workers: int = 2  # each server's gunicorn workers: requests beyond wait in HAProxy
    process: subprocess.Popen | None = None

    def config(self) -> str:
        lines = [
            "global",
            "    maxconn 2000",
            "defaults",
            "    mode http",
            "    timeout connect 2s",
            "    timeout client 60s",
            "    timeout server 60s",
            "    timeout check 3s",
            "    timeout queue 30s",
            "    retries 3",
            "    option redispatch 1",
            "    option forwardfor",
            f"    errorfile 503 {self.root / 'proxy-503.http'}",
            "frontend web",
            f"    bind {HOST}:{self.port}",
            "    default_backend app",
            "backend app",
            "    balance roundrobin",
            "    option httpchk",
            f"    http-check send meth GET uri /healthz/ ver HTTP/1.1 hdr Host {HOST}",
            "    http-check expect status 200",
            # A refused connection marks the server down at once, without waiting for
            # two failed checks.
            "    default-server inter 1s fall 2 rise 2 observe layer4 error-limit 1"
            " on-error mark-down",
            "    http-response set-header X-Served-By %s",
        ]
        # maxconn: no more requests than a server has sync workers, the rest queue here,
        # so a busy server still answers its health check at once.
        lines += [
            f"    server {name} {HOST}:{port} check maxconn {self.workers}"
            for name, port in self.servers.items()
        ]
        return "\n".join(lines) + "\n"

    def start(self) -> None:
        (self.root / "proxy-503.http").write_text(PROXY_503)
        cfg = self.root / "haproxy.cfg"
        cfg.write_text(self.config())
        run([HAPROXY, "-c", "-q", "-f", str(cfg)])
        log = open(self.root / "haproxy.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(  # noqa: S603
            [HAPROXY, "-db", "-f", str(cfg)], stdout=log, stderr=subprocess.STDOUT
        )
        seen: set[str] = set()

        def every_server_answers() -> bool:
            answer = Browser(self.port).get("/healthz/")
            if answer.status == 200:
                seen.add(answer.headers.get("X-Served-By", ""))
            return seen >= set(self.servers)

        wait_for("HAProxy", every_server_answers, log=self.root / "haproxy.log")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class Worker:
    """One Celery worker (two processes), as `celery -A imhcf worker` runs in production."""

    name: str
    env: dict
    root: Path
    process: subprocess.Popen | None = None

    @property
    def pidfile(self) -> Path:
        return self.root / f"{self.name}.pid"

    @property
    def log(self) -> Path:
        return self.root / f"{self.name}.log"

    def start(self) -> None:
        out = open(self.log, "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "celery", "-A", "imhcf", "worker", "-l", "INFO"]
            + ["--concurrency", "2", "-n", f"{self.name}@%h", "--pidfile", str(self.pidfile)]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        wait_for("the worker", lambda: " ready." in self.log.read_text(), log=self.log)

    def kill(self) -> list[int]:
        """SIGKILL the worker and its pool processes: their tasks stay unacknowledged."""
        master = self.process.pid if self.process else int(self.pidfile.read_text())
        pids = [master, *children(master)]
        kill_all(pids)
        if self.process:
            self.process.wait(timeout=10)
        self.pidfile.unlink(missing_ok=True)
        return pids

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


# --- mail ---------------------------------------------------------------------------------


@dataclass
class MailSink:
    """A loopback SMTP server (aiosmtpd) that counts the e-mails it accepts, by
    recipient. An e-mail counts once the server answers 250, as with a real relay.

    Once `hold_after` e-mails are in, each next one is held without an answer until
    `release()`: the run kills the worker while it waits for that answer, mid-send. The
    held e-mail's connection dies with the worker, so it is not delivered (its sender
    never heard it was taken) and must be sent again by the task's next run."""

    port: int
    hold_after: int | None = None
    received: Counter = field(default_factory=Counter)
    held: int = 0
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: object = None

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self.hold_after is not None and not self.released.is_set():
            if self.total() >= self.hold_after:
                with self.lock:
                    self.held += 1
                try:
                    while not self.released.is_set():
                        await asyncio.sleep(0.02)  # cancelled if the sender dies
                finally:
                    with self.lock:
                        self.held -= 1
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received[recipient] += 1
        return "250 Message accepted for delivery"

    def release(self) -> None:
        self.released.set()

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=HOST, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()


def empty_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def make_root() -> Path:
    """The run's temporary folder, which the postgres user may write to."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="imhcf-cluster-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    return root
