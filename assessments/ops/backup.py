"""Backup and restore of the whole database, whichever engine it is.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction`,
so a restore applies whole or not at all. SQLite: the SQLite online backup API, which
copies a consistent snapshot while the site runs, and restores in one step. Before a
restore the file is checked (pg_restore --list, or SQLite's integrity check and a
migrations table), so a wrong or damaged file is refused and the database left as it
was."""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
import zipfile
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def _pg_env_and_args() -> tuple[dict, list[str]]:
    conf = connection.settings_dict
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    args = ["--host", str(conf.get("HOST") or "localhost"), "--port", str(conf.get("PORT") or 5432)]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    # A fixed program and arguments, no shell; only file and database names vary.
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def backup(path: Path) -> None:
    """Write the whole database to `path`."""
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        database = connection.settings_dict["NAME"]
        _run(["pg_dump", *args, "--format=custom", "--file", str(path), database], env)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"No backup method for {connection.vendor}")


def restore(path: Path) -> None:
    """Replace the whole database with the backup in `path`, or change nothing."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    connection.close()  # the restore replaces what open connections might hold
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        try:  # a readable archive, or stop here
            _run(["pg_restore", "--list", str(path)], env)
        except BackupError as error:
            raise BackupError(f"{path} is not a PostgreSQL backup ({error})") from error
        database = connection.settings_dict["NAME"]
        _run(
            [
                "pg_restore",
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                database,
                str(path),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            _check_sqlite(source, path)
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        raise BackupError(f"No restore method for {connection.vendor}")


def _check_sqlite(source: sqlite3.Connection, path: Path) -> None:
    try:
        ok = source.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite database ({error})") from error
    if ok != "ok":
        raise BackupError(f"{path} is damaged: {ok}")
    if "django_migrations" not in tables:
        raise BackupError(f"{path} is not a backup of this site (no django_migrations table)")


# Evidence files ----------------------------------------------------------------------
# Kept beside the database backup as FILE.files.zip, read and written through Django's
# storage API, so local disk and an S3-compatible bucket are backed up the same way.


def files_path(path: Path) -> Path:
    return path.with_name(path.name + ".files.zip")


def backup_files(path: Path) -> int:
    """Copy every stored evidence file into FILE.files.zip; how many."""
    from django.core.files.storage import default_storage

    from ..portfolio.files import stored_names

    names = sorted(stored_names())
    with zipfile.ZipFile(files_path(path), "w", zipfile.ZIP_STORED) as archive:
        for name in names:
            with default_storage.open(name, "rb") as handle:
                archive.writestr(name, handle.read())
    return len(names)


def check_files_archive(path: Path) -> list[str] | None:
    """The names in FILE.files.zip, or None when there is none; BackupError when it is
    damaged or holds anything outside evidence/."""
    archive_path = files_path(path)
    if not archive_path.exists():
        return None
    try:
        with zipfile.ZipFile(archive_path) as archive:
            broken = archive.testzip()
            names = archive.namelist()
    except zipfile.BadZipFile as error:
        raise BackupError(f"{archive_path} is not a files archive ({error})") from error
    if broken:
        raise BackupError(f"{archive_path} is damaged at {broken}")
    unsafe = [n for n in names if not n.startswith("evidence/") or ".." in n.split("/")]
    if unsafe:
        raise BackupError(f"{archive_path} holds files outside evidence/: {unsafe[0]}")
    return names


def restore_files(path: Path) -> int:
    """Make storage hold exactly the files in FILE.files.zip (checked beforehand)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from ..portfolio.files import delete_stored, stored_names

    with zipfile.ZipFile(files_path(path)) as archive:
        names = archive.namelist()
        delete_stored(sorted(stored_names() - set(names)))
        for name in names:
            default_storage.delete(name)
            default_storage.save(name, ContentFile(archive.read(name)))
    return len(names)
