"""A real Celery worker, as a separate process, on a real Redis on loopback: the tests of
background work run the app's tasks the way production does. The worker reads the test
database (PostgreSQL: another process cannot see SQLite's in-memory test database) and
sends mail to a loopback SMTP server the test starts."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS = "redis://127.0.0.1:6379/11"  # a database of its own, emptied by each test


def redis_or_skip():
    """The test's Redis client, its database emptied; skips, saying why, without Redis."""
    import redis

    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis on 127.0.0.1:6379 ({error})")
    client.flushdb()
    return client


@contextmanager
def broker(celery_app, url: str = REDIS):
    """Queue tasks on the broker at `url` (the test's Redis) rather than running them
    in-process, for one test."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url=url)
    _forget_connections(celery_app)
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _forget_connections(celery_app)


def _forget_connections(celery_app) -> None:
    """The app keeps its broker connections; the next send opens them to the broker
    the configuration names now."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def queued(client, queue: str = "celery") -> int:
    """Tasks waiting on the queue (not yet taken by a worker)."""
    return client.llen(queue)


def start_worker(smtp_port: int, redeliver_seconds: int = 900) -> subprocess.Popen:
    """A worker process (its own process group, one task at a time) on the test database
    and the loopback mail server; returns once it is ready to take tasks."""
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IMHCF_"))},
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "IMHCF_BROKER_URL": REDIS,
        "IMHCF_TASK_REDELIVER_SECONDS": str(redeliver_seconds),
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "DJANGO_EMAIL_USE_TLS": "0",
        "DJANGO_DEBUG": "0",
    }
    log = tempfile.NamedTemporaryFile("w+", prefix="imhcf-worker-", suffix=".log", delete=False)
    worker = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
        [sys.executable, "-m", "celery", "-A", "imhcf", "worker", "--concurrency", "1"]
        + ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker.log = Path(log.name)  # type: ignore[attr-defined]
    try:
        wait_for(lambda: "ready." in worker.log.read_text() or worker.poll() is not None, 60)
    except AssertionError:
        kill(worker)
        raise
    if worker.poll() is not None:
        raise AssertionError(f"the worker did not start:\n{worker.log.read_text()}")
    return worker


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL: the worker and its pool process die at once, mid-task, as on a crash."""
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.wait(timeout=30)


def stop(worker: subprocess.Popen) -> None:
    """A warm shutdown (SIGTERM): the task under way finishes first."""
    try:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        kill(worker)


def wait_for(check, seconds: float = 120, every: float = 0.2):
    """Poll `check()` until it returns something true; that value, or an AssertionError."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every)
    raise AssertionError(f"still waiting after {seconds} s")
