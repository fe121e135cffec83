"""docs/security.md names the test behind each requirement: every test it names
exists, so the document cannot drift from the suite."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"S": "security", "A": "assessments", "C": "catalogue", "B": "browser", "O": "oidc"}


def test_every_test_named_in_the_security_document_exists():
    doc = (ROOT / "docs" / "security.md").read_text()
    tests = {
        match.group(1)
        for path in (ROOT / "tests").rglob("test_*.py")
        for match in re.finditer(r"^def (test_\w+)", path.read_text(), re.M)
    }
    named = set(re.findall(r"::(test_\w+)", doc))
    assert named and named <= tests, sorted(named - tests)
    for short, folder in re.findall(r"`([SACBO])/(test_\w+\.py)", doc):
        assert (ROOT / "tests" / FOLDERS[short] / folder).is_file(), folder
