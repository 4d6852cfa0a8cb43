"""Rows read and written with statements built once, for the hottest paths.

The ORM compiles every query and every ``save()`` afresh, and on the hottest paths (the audit
log, which every write appends to; the tickets the kiosks take and the windows call) compiling
costs more than the database does.

* ``insert`` fills the same values the ORM would (``pre_save`` with ``add=True``, then
  ``get_db_prep_save``), so defaults, ``auto_now_add`` and JSON fields come out the same.
* ``update`` writes the named fields of a saved instance, as ``save(update_fields=...)`` would
  (without its signals: use it only for models nothing listens to).
* ``Prepared`` is a QuerySet compiled once per database vendor and run again with other
  parameters; the rows come back as the ORM's own instances, ``select_related`` included.
"""

import datetime as dt
from functools import cache

from django.db import connection, models
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError


@cache
def _statement(model: type[models.Model], vendor: str) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) RETURNING {quote(meta.pk.column)}"  # noqa: S608
    return sql, fields


def insert_sql(model: type[models.Model]) -> str:
    """The INSERT that ``insert`` sends (``... RETURNING`` the key), to be part of a larger
    statement; ``insert_values`` gives its values."""
    return _statement(model, connection.vendor)[0]


# Fields whose value goes to the database as it is when it is already of its plain Python type:
# no ``pre_save`` of their own, and a prep that only converts other types (``to_python``).
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
_TEXT, _NUMBER = frozenset({str, type(None)}), frozenset({int, bool, type(None)})


def _kept_types(field: models.Field) -> frozenset:
    """The value types that go to the database unchanged for this field (none: convert always)."""
    if not isinstance(field, _PLAIN) or type(field).pre_save is not models.Field.pre_save:
        return frozenset()
    if isinstance(field, models.ForeignKey):  # the target's key decides: an integer one
        integer = isinstance(field.target_field, models.AutoField | models.BigAutoField | models.IntegerField)
        return _NUMBER if integer else frozenset()
    return _TEXT if isinstance(field, models.CharField | models.TextField) else _NUMBER


@cache
def _preparers(model: type[models.Model], vendor: str) -> tuple:
    """(field, attname, types kept as they are) per inserted field, in the statement's order."""
    return tuple((f, f.attname, _kept_types(f)) for f in _statement(model, vendor)[1])


def insert_values(obj: models.Model) -> list:
    """The values the ORM would insert: a plain field's value of its own type as it is (what
    ``get_db_prep_save`` returns for it), every other through the field's own conversion."""
    values = []
    state = obj.__dict__
    for field, attname, as_is in _preparers(type(obj), connection.vendor):
        if attname in state and type(state[attname]) in as_is:
            values.append(state[attname])
        else:
            values.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
    return values


def insert(obj: models.Model) -> models.Model:
    """INSERT ``obj`` (a new instance with an automatic primary key) and set its pk."""
    with connection.cursor() as cursor:
        cursor.execute(insert_sql(type(obj)), insert_values(obj))
        obj.pk = cursor.fetchone()[0]
    return inserted(obj)


def inserted(obj: models.Model) -> models.Model:
    """Mark ``obj`` as saved (its pk set), as the ORM does after an insert."""
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


@cache
def _update_statement(model: type[models.Model], names: tuple[str, ...], vendor: str) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(meta.get_field(name) for name in names)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    return sql, fields


def update(obj: models.Model, *names: str) -> None:
    """UPDATE the fields ``names`` of the saved instance ``obj`` to its current values."""
    sql, fields = _update_statement(type(obj), names, connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, obj.pk])


SAMPLE_ID = 987_654_321  # a key no row has, unlike any constant of a query


def _adapter(sample):
    """How the database receives a value of the sample's type."""
    if isinstance(sample, dt.datetime):
        return connection.ops.adapt_datetimefield_value
    if isinstance(sample, dt.date):
        return connection.ops.adapt_datefield_value
    return _as_is


def _as_is(value):
    return value


class Prepared:
    """A read compiled once: ``build(*args)`` returns the QuerySet for ``args``.

    The first run compiles ``build(*samples)``; each statement parameter equal to a sample (or
    to a sample as the database receives a date or time) takes the caller's argument at that
    place, every other parameter is a constant of the query. Samples must be distinct and unlike
    any constant: the compiled statement is checked to use each of them. Without samples, the
    query takes one argument, a primary key.
    """

    def __init__(self, build, *samples):
        self.build, self.samples = build, samples or (SAMPLE_ID,)
        self._plans: dict[str, tuple] = {}

    def _plan(self) -> tuple:
        queryset = self.build(*self.samples)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        adapters = [_adapter(sample) for sample in self.samples]
        slots, used = [], set()
        for param in params:
            index = next(
                (i for i, s in enumerate(self.samples) if _same(adapters[i](s), param)),
                None,
            )
            # the argument's place and how to pass it, or a constant of the query
            slots.append((None, param) if index is None else (index, adapters[index]))
            used.add(index)
        if set(range(len(self.samples))) - used:
            raise ValueError("Prepared: a sample does not appear among the statement's parameters")
        info = compiler.klass_info
        fields = info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [f[0].target.attname for f in compiler.select[start:end]]
        populators = get_related_populators(info, compiler.select, queryset.db)
        locks = bool(queryset.query.select_for_update) and connection.features.has_select_for_update
        columns = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("Prepared: composite fields are not supported")
        # what the ORM would work out again for every row set: each column's conversions
        converters = compiler.get_converters(columns)
        return sql, slots, compiler, converters, info["model"], (start, end), init_list, populators, locks

    def all(self, *args) -> list[models.Model]:
        plan = self._plans.get(connection.vendor)
        if plan is None:
            plan = self._plans[connection.vendor] = self._plan()
        sql, slots, compiler, converters, model, (start, end), init_list, populators, locks = plan
        if locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = [value if index is None else value(args[index]) for index, value in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        out = []
        for row in compiler.apply_converters(fetched, converters) if converters else fetched:
            obj = model.from_db(connection.alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            out.append(obj)
        return out

    def first(self, *args) -> models.Model | None:
        found = self.all(*args)
        return found[0] if found else None


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b and not isinstance(a, bool)
