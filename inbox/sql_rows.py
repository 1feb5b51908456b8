"""Model instances from hand-written queries, for the few every batch of webhook deliveries
makes whatever it holds.

Django's `raw()` works out anew, for every query, which column is which field: ~0.15 ms a
query on the README's 2.6 GHz Xeon, more than most of these queries take to run. The ORM compiled
the frame's three-table `select_related` join anew each time too. Here the columns are listed in
each model's field order, so only the values' conversions (JSON, and SQLite's dates and booleans)
are left to do per query. For models whose columns are all in one table (no multi-table
inheritance)."""

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import Field, Model
from django.db.models.sql import Query


@cache
def _fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(model._meta.concrete_fields)


def columns(model: type[Model], alias: str) -> str:
    """The columns of `model` under the table alias `alias`, in the order `rows` reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{quote(alias)}.{quote(field.column)}" for field in _fields(model))


def fetch(model: type[Model], sql_after_from: str, params: Sequence) -> list:
    """Instances of `model` from `SELECT <its columns> FROM <its table> <sql_after_from>`."""
    table = model._meta.db_table
    quote = connection.ops.quote_name
    sql = f"SELECT {columns(model, table)} FROM {quote(table)} {sql_after_from}"
    return [instances[0] for instances in rows(sql, params, model)]


def rows(sql: str, params: Sequence, *models: type[Model]) -> list[tuple]:
    """Each row of `sql` as one instance of each of `models` (None where its primary key is
    NULL, as an outer join that found nothing gives). `sql` selects `columns()` of each model,
    one model after the other."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        found = cursor.fetchall()
    if not found:
        return []
    fields = [field for model in models for field in _fields(model)]
    compiler = connection.ops.compiler("SQLCompiler")(Query(models[0]), connection, connection.alias)
    converters = compiler.get_converters([field.get_col(field.model._meta.db_table) for field in fields])
    values = compiler.apply_converters(found, converters) if converters else found
    spans = []
    start = 0
    for model in models:
        names = [field.attname for field in _fields(model)]
        spans.append((model, names, start, start + len(names), start + names.index(model._meta.pk.attname)))
        start += len(names)
    return [
        tuple(
            None if row[pk] is None else model.from_db(connection.alias, names, row[first:end])
            for model, names, first, end, pk in spans
        )
        for row in values
    ]
