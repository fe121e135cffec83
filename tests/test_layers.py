"""The import map: the layers below the features never import a feature package.

Below: models, items (what gets assessed), the security package (access, roles, audit,
two-factor, sessions, re-authentication), downloads, and the catalogue app. Features:
accounts, ratings, plans, teams, portfolio, ops. Read from the source with `ast`, so a
new upward import fails here before anyone has to notice it in a review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEATURES = {"accounts", "ratings", "plans", "teams", "portfolio", "ops", "management"}
LOWER = [
    ROOT / "assessments" / "security",
    ROOT / "assessments" / "models",
    ROOT / "assessments" / "items.py",
    ROOT / "assessments" / "downloads.py",
    ROOT / "catalogue",
]


def modules(path: Path):
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


def imported(path: Path, source: str | None = None) -> set[str]:
    """Every module (and name) a file imports, dotted from the project's root."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text() if source is None else source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            names.add(stem)
            names |= {f"{stem}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("where", LOWER, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_lower_layer_imports_a_feature_package(where):
    upward = sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(where)
        if "migrations" not in path.parts
        for name in imported(path)
        if name.startswith("assessments.") and name.split(".")[1] in FEATURES
    )
    assert upward == []


def test_the_check_sees_an_upward_import():
    """It can fail: relative and absolute imports of a feature are both caught."""
    access = ROOT / "assessments" / "security" / "access.py"
    assert "assessments.plans.pages" in imported(access, "from ..plans import pages\n")
    assert "assessments.teams" in imported(access, "import assessments.teams\n")
    assert "assessments.models" in imported(access, "from .. import models\n")
