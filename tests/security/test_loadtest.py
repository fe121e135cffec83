"""`make loadtest` keeps working: a few users for a few seconds against gunicorn and
PostgreSQL, every page answered and every confirmed save found afterwards. (The real
run, 50 users for 60 s, and the fault runs are `make loadtest` and `make faults`.)"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_a_short_load_run_passes_with_no_errors():
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "loadtest/run.py",
            "--users=4",
            "--managers=1",
            "--team-size=5",
            "--seconds=3",
            "--baseline-seconds=1",
            "--database=imhcf_load_check",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert "loadtest: PASS" in out and "missing_after_run=0" in out
    assert "loadtest: http_500=0 http_503=0 dropped=0 other_errors=0" in out
    assert "loadtest: bare requests=" in out and "page=team_report" in out
