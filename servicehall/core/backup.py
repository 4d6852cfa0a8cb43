"""Consistent backups of the live database, and restoring one into an empty database.

SQLite: the online backup API copies a consistent snapshot while the hall keeps working.
PostgreSQL: pg_dump's custom format, restored with pg_restore.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


def _pg_env(settings_dict: dict) -> dict:
    import os

    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _pg_args(settings_dict: dict) -> list[str]:
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return args


def backup(target: Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as out:
            connection.connection.backup(out)
        return target
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            raise RuntimeError("pg_dump not found: apt-get install postgresql-client")
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "-f", str(target), *_pg_args(db), db["NAME"]],
            check=True,
            env=_pg_env(db),
        )
        return target
    raise RuntimeError(f"no backup for {connection.vendor}")


def restore_postgres(source: Path, database: str, settings_dict: dict | None = None) -> None:
    """Restore a pg_dump file into a new, empty database ``database`` on the same server."""
    db = settings_dict or connection.settings_dict
    env = _pg_env(db)
    subprocess.run(["createdb", *_pg_args(db), database], check=True, env=env)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", *_pg_args(db), "-d", database, str(source)],
        check=True,
        env=env,
    )


def query_postgres(database: str, sql: str, settings_dict: dict | None = None) -> list[tuple[str, ...]]:
    """Rows of one query in ``database`` on the same server (host, port, user and password as
    the application's), through psql: a restored copy is read as an operator would read it."""
    db = settings_dict or connection.settings_dict
    out = subprocess.run(
        ["psql", *_pg_args(db), "-d", database, "-X", "-tA", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        env=_pg_env(db),
        capture_output=True,
        text=True,
    ).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def drop_postgres(database: str, settings_dict: dict | None = None) -> None:
    """Drop ``database`` (a restored copy) on the same server."""
    db = settings_dict or connection.settings_dict
    subprocess.run(["dropdb", *_pg_args(db), "--if-exists", database], check=True, env=_pg_env(db))
