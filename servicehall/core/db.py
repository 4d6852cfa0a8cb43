"""Guards the database itself keeps: the audit table is append-only on SQLite and PostgreSQL."""

AUDIT_TABLE = "core_auditevent"

_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {AUDIT_TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {AUDIT_TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END;",
]
_SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]

_PG_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP; END;
    $$ LANGUAGE plpgsql;""",
    f"CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON {AUDIT_TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
    f"CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {AUDIT_TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();",
]
_PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_no_change ON {AUDIT_TABLE};",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {AUDIT_TABLE};",
]


def _run(connection, statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_audit_guards(connection) -> None:
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_INSTALL)
    elif connection.vendor == "postgresql":
        _run(connection, _PG_INSTALL)


def remove_audit_guards(connection) -> None:
    """Only for emptying a throw-away test database between transactional tests."""
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_REMOVE)
    elif connection.vendor == "postgresql":
        _run(connection, _PG_REMOVE)


_GUARDS = {
    "sqlite": ("audit_no_update", "audit_no_delete"),
    "postgresql": ("audit_no_change", "audit_no_truncate"),
}


def missing_guards(connection) -> list[str]:
    """The audit table's guard triggers that are not there (someone dropped them)."""
    names = _GUARDS.get(connection.vendor, ())
    if not names:
        return []
    if connection.vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
    with connection.cursor() as cursor:
        cursor.execute(sql, [AUDIT_TABLE])
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name not in present]
