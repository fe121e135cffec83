"""Shared test set-up: fast hashing, plain static files, the real catalogue, and
Debian's Chromium for the browser tests (Playwright never downloads a browser here)."""

import os

import pytest

from catalogue.loading import load_catalogue
from tests.factories import with_authenticator

# Playwright's sync API runs an event loop in the test thread; Django would
# otherwise refuse database access from it. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest storage needs `collectstatic`; tests serve files from static/ directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def catalogue(db):
    """The shipped fixtures, loaded exactly as `manage.py load_catalogue` does."""
    return load_catalogue()


@pytest.fixture
def admin_user(db, django_user_model):
    """A superuser: the training lead who keeps the catalogue right. Signs in with an
    authenticator app, as admins must."""
    return with_authenticator(
        django_user_model.objects.create_superuser("lead", "lead@example.org", "x-pass-12345")
    )


@pytest.fixture
def practitioner(db, django_user_model):
    """Signed in, but not staff: must not reach the admin."""
    return django_user_model.objects.create_user("alice", "alice@example.org", "x-pass-12345")


@pytest.fixture
def alice(catalogue, django_user_model):
    """A health visitor (target Level 2) assessing herself; the owner in access tests."""
    return django_user_model.objects.create_user(
        "alice", "alice@example.org", "x-pass-12345", job_role="health_visitor"
    )


@pytest.fixture
def bob(catalogue, django_user_model):
    """Another practitioner: must never see or change anything of Alice's."""
    return django_user_model.objects.create_user(
        "bob", "bob@example.org", "x-pass-12345", job_role="early_years"
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
