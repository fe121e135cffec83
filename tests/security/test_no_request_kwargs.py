"""No request data is ever spread into keyword arguments (`filter(**request.GET)` and
the like): the shape behind Django's recent SQL-injection advisories, where a
visitor's parameter names become ORM lookups (CVE-2025-64459 and its kin)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("imhcf", "catalogue", "assessments")
# Where request data is found: request.GET / .POST / .COOKIES / .headers / .META, a
# bound form's raw .data, a QueryDict copy.
RAW = {"GET", "POST", "COOKIES", "FILES", "headers", "META", "data", "body", "query_params"}


def spreads_request_data(source: str) -> list[int]:
    """Line numbers of calls that spread request data into keyword arguments, directly
    (`**request.GET`), through a dict of it (`**dict(request.POST)`) or with keys taken
    from it (`**{request.GET["f"]: v}`)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg is not None:
                continue  # an ordinary name=value argument
            for inner in ast.walk(keyword.value):
                named = isinstance(inner, ast.Name) and inner.id == "request"
                raw = isinstance(inner, ast.Attribute) and inner.attr in RAW
                if named or raw:
                    lines.append(node.lineno)
                    break
    return lines


def test_the_check_finds_each_shape_it_is_for():
    bad = """
Rating.objects.filter(**request.GET)
Rating.objects.filter(**request.GET.dict())
Rating.objects.filter(**dict(request.POST.items()))
Rating.objects.filter(**{request.GET["field"]: 1})
Rating.objects.filter(**form.data)
"""
    assert spreads_request_data(bad) == [2, 3, 4, 5, 6]
    fine = """
Rating.objects.filter(level=form.cleaned_data["level"])
Rating.objects.filter(**{"level": 1})
render(request, "x.html", {**context})
"""
    assert spreads_request_data(fine) == []


def test_no_module_spreads_request_data_into_keyword_arguments():
    found = {
        str(path.relative_to(ROOT)): lines
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        if (lines := spreads_request_data(path.read_text()))
    }
    assert found == {}
