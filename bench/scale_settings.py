"""Settings for `make scale`: the bench settings on a PostgreSQL database of its own
(SCALE_DATABASE_URL; kept between runs, so the build is paid once)."""

import os

import dj_database_url

from bench.settings import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("SCALE_DATABASE_URL", "postgres://imhcf:imhcf@127.0.0.1:5432/imhcf_scale")
    )
}
