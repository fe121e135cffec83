"""Production settings pass Django's deployment checks, and private pages are not stored."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def check_deploy(**settings: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` in a fresh process with only `settings` set (the test
    run's own DJANGO_* variables and DATABASE_URL left out)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **settings},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = check_deploy(
        DJANGO_SECURE="1",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="imhcf.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_default_local_settings_are_flagged_by_check_deploy():
    result = check_deploy()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.django_db
def test_private_pages_send_no_store_and_public_pages_may_be_cached(client, alice):
    assert "no-store" not in client.get(reverse("catalogue:course_list")).get("Cache-Control", "")
    client.force_login(alice)
    assert "no-store" in client.get(reverse("assessments:dashboard"))["Cache-Control"]
    assert "no-store" in client.get(reverse("catalogue:course_list"))["Cache-Control"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_serve_runs_gunicorn_with_production_settings(tmp_path):
    """`make serve` as docs/deploy.md describes it: static files collected and served by
    whitenoise under hashed names, the catalogue loaded on a first run, security
    headers on, DEBUG off (a missing page is the plain 404, not Django's debug page)."""
    import signal
    import time
    import urllib.error
    import urllib.request

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    server = subprocess.Popen(
        ["make", "serve"],  # noqa: S607 (make from PATH, as a developer runs it)
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                health = urllib.request.urlopen(base + "/healthz/", timeout=2)  # noqa: S310
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()[-3000:]
                time.sleep(0.5)
        assert health.read() == b"ok"
        home = urllib.request.urlopen(base + "/", timeout=5)  # noqa: S310
        page = home.read().decode()
        assert "Infant mental health competencies" in page
        assert "default-src 'self'" in home.headers["Content-Security-Policy"]
        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
        static = urllib.request.urlopen(base + css, timeout=5)  # noqa: S310
        assert "max-age=315360000" in static.headers["Cache-Control"]  # hashed: cached for ever
        try:
            urllib.request.urlopen(base + "/no-such-page/", timeout=5)  # noqa: S310
        except urllib.error.HTTPError as missing:
            assert missing.code == 404
            assert "Traceback" not in missing.read().decode()
        # An upgrade's graceful reload (docs/deploy.md): HUP to gunicorn's master, which
        # `make serve` runs in its own place (exec), keeps the site answering.
        master = int(
            subprocess.run(  # noqa: S603
                ["pgrep", "-P", str(server.pid)],  # noqa: S607
                capture_output=True,
                text=True,
            ).stdout.split()[0]
        )
        os.kill(master, signal.SIGHUP)
        time.sleep(3)
        assert urllib.request.urlopen(base + "/healthz/", timeout=5).read() == b"ok"  # noqa: S310
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.django_db
def test_the_first_admin_is_created_without_a_prompt_and_must_set_up_two_factor(
    client, monkeypatch
):
    """docs/deploy.md: `DJANGO_SUPERUSER_PASSWORD=… manage.py createsuperuser --noinput`."""
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-passphrase")
    call_command(
        "createsuperuser", "--noinput", "--username", "lead", "--email", "lead@example.org"
    )
    client.post(reverse("account_login"), {"login": "lead", "password": "a-long-admin-passphrase"})
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_index"))


def test_production_cookies_are_host_only_secure_and_hidden_from_scripts():
    """With DJANGO_SECURE=1 the session and CSRF cookies use the __Host- prefix (HTTPS,
    this host only), are Secure and HttpOnly, and SameSite=Lax."""
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.SESSION_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SECURE": "1", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "None",
        "/",
    ], done.stderr


def test_the_nginx_example_takes_the_largest_upload_and_its_form():
    """Security review 3, information 11: nginx allowed 6 MB bodies while evidence files
    may be 10 MB, so files of 6-10 MB met nginx's 413 page instead of the app's message.
    The example's limit must hold the largest file (and the imports' 5 MB) plus about a
    megabyte of form around it."""
    from django.conf import settings

    from catalogue.importing import MAX_BYTES

    text = (ROOT / "docs" / "deploy.md").read_text()
    limits = re.findall(r"client_max_body_size\s+(\d+)m;", text)
    assert limits, "docs/deploy.md has no client_max_body_size"
    largest = max(settings.IMHCF_UPLOAD_MAX_MB, MAX_BYTES // 1024 // 1024)
    assert all(int(limit) >= largest + 1 for limit in limits), limits
