"""Settings for `make bench`: the real settings on a throwaway SQLite file, plus a
bare view to measure against."""

import os
import tempfile

from imhcf.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
DATABASES["default"]["NAME"] = os.path.join(tempfile.mkdtemp(prefix="imhcf-bench-"), "bench.db")  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver"]
# The bench calls each API endpoint thousands of times a minute: no rate limits here.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "organisation_key": None},
}
