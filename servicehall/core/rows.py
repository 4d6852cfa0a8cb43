"""One new row, written with a statement built once per model.

The ORM compiles every ``save()`` afresh, and on the hottest writes (the audit log, which every
write appends to, and the tickets the kiosks take) compiling costs more than the database does.
``insert`` fills the same values the ORM would (``pre_save`` with ``add=True``, then
``get_db_prep_save``), so defaults, ``auto_now_add`` and JSON fields come out the same.
"""

from functools import cache

from django.db import connection, models


@cache
def _statement(model: type[models.Model], vendor: str) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {quote(meta.pk.column)}"  # noqa: S608
    return sql, fields


def insert(obj: models.Model) -> models.Model:
    """INSERT ``obj`` (a new instance with an automatic primary key) and set its pk."""
    sql, fields = _statement(type(obj), connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj
