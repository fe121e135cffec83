"""Production settings pass Django's deployment checks, and private pages are not stored."""

import os
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
