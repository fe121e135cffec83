"""Load the shipped catalogue (framework, courses, coverage) from JSON fixtures.

All-or-nothing: every record is validated with `full_clean()` inside one
transaction, and the first bad record rolls everything back with a message
naming the file, the record and the field. Records use natural keys, so
loading twice updates rows in place instead of adding copies.

Plain `loaddata` is atomic too, but it skips model validation (a negative fee
would load) and silently merges duplicate records, hence this wrapper.
"""

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, transaction

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
# Referenced data first: coverage points at courses and competencies.
FIXTURE_FILES = [
    FIXTURE_DIR / name for name in ("framework.json", "courses.json", "coverage.json", "ksf.json")
]


class CatalogueError(Exception):
    """A fixture is wrong; the database was left as it was."""


def load_catalogue(paths: list[Path] | None = None) -> Counter[str]:
    """Load `paths` (default: the shipped fixtures) in one transaction and return
    how many records of each model were loaded. Raises CatalogueError."""
    loaded: Counter[str] = Counter()
    seen: set[tuple] = set()
    with transaction.atomic():
        for path in paths or FIXTURE_FILES:
            for where, record in _records(Path(path)):
                obj = _build(where, record)
                key = (obj._meta.label, _identity(obj))
                if key in seen:
                    raise CatalogueError(f"{where}: the same record appears twice in this load")
                seen.add(key)
                # The deserializer found an existing row by natural key and set its pk;
                # tell validation this is an update, or unique checks flag the row itself.
                obj._state.adding = (
                    obj.pk is None or not type(obj).objects.filter(pk=obj.pk).exists()
                )
                try:
                    obj.full_clean()
                except ValidationError as exc:
                    raise CatalogueError(f"{where}: {_first_error(exc)}") from exc
                try:
                    with transaction.atomic():
                        obj.save()
                except DatabaseError as exc:
                    raise CatalogueError(f"{where}: the database refused it ({exc})") from exc
                loaded[obj._meta.verbose_name_plural] += 1
    return loaded


def _records(path: Path) -> Iterator[tuple[str, dict]]:
    """Yield ("file, record N (model key)", record) for each record in the file."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read it ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(data, list):
        raise CatalogueError(f"{name}: expected a list of records, found {type(data).__name__}")
    for number, record in enumerate(data, 1):
        where = f"{name}, record {number}"
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise CatalogueError(f'{where}: expected {{"model": …, "fields": {{…}}}}')
        label = record.get("model", "")
        key = record.get("pk") or _natural_key_hint(record["fields"])
        yield f"{where} ({label} {key})", record


def _natural_key_hint(fields: dict) -> str:
    for name in ("code", "slug", "label", "title", "position"):
        if name in fields:
            return repr(fields[name])
    return ", ".join(f"{k}={v!r}" for k, v in fields.items() if k in ("course", "level", "domain"))


def _build(where: str, record: dict):
    """Deserialize one record; name the field when a reference or value is bad."""
    missing = _missing_fields(record)
    if missing:
        raise CatalogueError(f"{where}: field {missing!r} is missing (give every field)")
    try:
        (item,) = serializers.deserialize("python", [record], handle_forward_references=False)
    except serializers.base.DeserializationError as exc:
        raise CatalogueError(f"{where}: {_diagnose(record) or _plain(exc)}") from exc
    except (FieldDoesNotExist, LookupError) as exc:
        raise CatalogueError(f"{where}: {_plain(exc)}") from exc
    if item.m2m_data or item.deferred_fields:
        raise CatalogueError(f"{where}: unexpected many-to-many or forward references")
    return item.object


def _diagnose(record: dict) -> str | None:
    """Find which field of a record could not be resolved, for a readable message."""
    try:
        model = apps.get_model(record.get("model", ""))
    except (LookupError, ValueError):
        return f"unknown model {record.get('model')!r}"
    for name, value in record["fields"].items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return f"field {name!r}: {model._meta.label} has no such field"
        if not field.is_relation or value is None:
            continue
        target = field.remote_field.model
        try:
            if isinstance(value, list):
                target._default_manager.get_by_natural_key(*value)
            else:
                target._default_manager.get(pk=value)
        except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
            shown = "/".join(str(v) for v in value) if isinstance(value, list) else value
            return f"field {name!r}: no {target._meta.verbose_name} {shown}"
    return None


def _missing_fields(record: dict) -> str | None:
    """A record must spell out every editable field, so a forgotten field is an
    error rather than a silent default. Returns the first missing name."""
    try:
        model = apps.get_model(record.get("model", ""))
    except (LookupError, ValueError):
        return None  # reported by the deserializer
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        if field.name not in record["fields"]:
            return field.name
    return None


def _identity(obj) -> tuple:
    return obj.natural_key() if hasattr(obj, "natural_key") else (obj.pk,)


def _first_error(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        label = "record" if field == "__all__" else f"field {field!r}"
        return f"{label}: {errors[0]}"
    return exc.messages[0]


def _plain(exc: Exception) -> str:
    return str(exc).split(": (", 1)[0]
