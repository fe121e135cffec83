"""`manage.py load_catalogue`: idempotent, and all-or-nothing with errors that
name the file, the record and the field."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from catalogue.loading import FIXTURE_FILES
from catalogue.models import Competency, Course, Coverage, Fee, Wording

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (Competency, Course, Coverage, Fee, Wording))


def test_loading_twice_changes_nothing_the_second_time(capsys):
    call_command("load_catalogue")
    first = counts()
    call_command("load_catalogue")
    assert counts() == first
    assert first == (10, 4, 31, 7, 2)
    assert "Loaded" in capsys.readouterr().out


def test_reload_restores_a_value_changed_since(catalogue):
    Fee.objects.filter(course__slug="northampton-pgcert").update(standard=1)
    call_command("load_catalogue")
    assert Fee.objects.get(course__slug="northampton-pgcert").standard == 2550


def test_if_empty_loads_a_first_deploy_and_leaves_an_edited_catalogue_alone(capsys):
    call_command("load_catalogue", "--if-empty")
    assert counts() == (10, 4, 31, 7, 2)
    Fee.objects.filter(course__slug="northampton-pgcert").update(standard=1)
    call_command("load_catalogue", "--if-empty")
    assert Fee.objects.get(course__slug="northampton-pgcert").standard == 1
    assert "left as it is" in capsys.readouterr().out


@pytest.fixture
def copies(tmp_path):
    """Copies of the shipped fixtures that a test may break; returns name -> path."""
    paths = {}
    for source in FIXTURE_FILES:
        target = tmp_path / source.name
        shutil.copy(source, target)
        paths[source.name] = target
    return paths


def edit(path, change):
    records = json.loads(path.read_text())
    change(records)
    path.write_text(json.dumps(records))


def load(copies):
    call_command("load_catalogue", *copies.values())


def first(records, model, **fields):
    return next(
        r
        for r in records
        if r["model"] == model and all(r["fields"].get(k) == v for k, v in fields.items())
    )


BAD_CASES = {
    "negative_fee": (
        "courses.json",
        lambda rs: first(rs, "catalogue.fee", label="PGCert")["fields"].update(standard="-10"),
        "courses.json, record",
        "field 'standard': A fee cannot be negative",
    ),
    "unknown_code": (
        "coverage.json",
        lambda rs: rs[2]["fields"].update(competency=["7.99"]),
        "coverage.json, record 3",
        "field 'competency': no competency 7.99",
    ),
    "duplicate_code": (
        "framework.json",
        lambda rs: rs.append(
            json.loads(json.dumps(first(rs, "catalogue.competency", code="1.07")))
        ),
        "framework.json, record 54",
        "appears twice",
    ),
    "missing_field": (
        "courses.json",
        lambda rs: first(rs, "catalogue.course", slug="nes-imh-elearning")["fields"].pop("title"),
        "courses.json, record",
        "field 'title' is missing",
    ),
    "bad_level_reference": (
        "coverage.json",
        lambda rs: rs[0]["fields"].update(level=4),
        "coverage.json, record 1",
        "field 'level': level instance with number 4 is not a valid choice",
    ),
    "bad_level_record": (
        "framework.json",
        lambda rs: rs.append(
            {
                "model": "catalogue.level",
                "pk": 5,
                "fields": {"name": "x", "summary": "x", "typical_roles": "x"},
            }
        ),
        "framework.json, record 54",
        "field 'number': Ensure this value is less than or equal to 3",
    ),
    "bad_code_format": (
        "framework.json",
        lambda rs: first(rs, "catalogue.competency", code="1.10")["fields"].update(code="1.1"),
        "framework.json, record",
        "field 'code': Use the form 1.07",
    ),
    "unknown_model": (
        "courses.json",
        lambda rs: rs.append({"model": "catalogue.nothing", "fields": {}}),
        "courses.json, record 57",
        "unknown model",
    ),
    "blank_reason": (
        "coverage.json",
        lambda rs: rs[5]["fields"].update(reason="   "),
        "coverage.json, record 6",
        "field 'reason'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_fixture_leaves_the_database_unchanged_and_says_where(copies, case):
    call_command("load_catalogue")
    Fee.objects.filter(course__slug="northampton-pgcert").update(standard=1)  # a later edit
    before = counts()
    name, change, where, what = BAD_CASES[case]
    edit(copies[name], change)

    with pytest.raises(CommandError) as caught:
        load(copies)

    message = str(caught.value)
    assert where in message
    assert what in message
    assert "Nothing was loaded." in message
    assert counts() == before
    # Records before the bad one were rolled back too, not only the bad one.
    assert Fee.objects.get(course__slug="northampton-pgcert").standard == 1


def test_malformed_json_names_the_file_line_and_column(copies, db):
    copies["courses.json"].write_text('[{"model": "catalogue.provider", "fields": {]')
    with pytest.raises(CommandError) as caught:
        load(copies)
    assert "courses.json: not valid JSON (line 1, column" in str(caught.value)
    assert counts() == (0, 0, 0, 0, 0)


def test_missing_file_is_reported(tmp_path, db):
    with pytest.raises(CommandError) as caught:
        call_command("load_catalogue", tmp_path / "nope.json")
    assert "nope.json: cannot read it" in str(caught.value)


def test_on_an_empty_database_a_late_error_loads_nothing(copies, db):
    edit(copies["coverage.json"], lambda rs: rs[-1]["fields"].update(grade="sometimes"))
    with pytest.raises(CommandError) as caught:
        load(copies)
    assert "coverage.json, record 31" in str(caught.value)
    assert "field 'grade'" in str(caught.value)
    assert counts() == (0, 0, 0, 0, 0)
