"""Reads made on every signed-in request, without building an ORM query each time.

Every signed-in request reads its session, its user, its session record
(``UserSession``: idle timeout, ending) and the user's memberships; an API
request its token and the token's user instead of the session's. Profiled
(issue #15), building and compiling those four queries through the ORM, and
working out how to convert each column, was most of a signed-in hello-world's
own time: about ten times the SQL itself. They are fixed shapes (every column
of one table, where some columns equal given values), so ``rows`` writes the
statement and looks up the column converters once per shape and database
connection, then runs the statement and builds ordinary model instances
(``Model.from_db``, as the ORM does). The rows are those
a ``filter(**equal)`` of all the model's rows returns, in no particular order.

Not for park-scoped models (their reads go through ``restrict``) nor for
anything but these per-request reads: everywhere else the ORM's cost is small
next to the page's.
"""

from __future__ import annotations

from django.db import connections, router
from django.db.models import Model


def _field(model: type[Model], name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _shape(model: type[Model], names: tuple[str, ...], connection):
    """``_build_shape`` once per connection, kept on the connection itself so that
    a thread's connection takes its shapes with it when it goes (a module-level
    cache keyed by connection would keep every thread's connection alive)."""
    shapes = connection.__dict__.setdefault("_parkops_hotpath_shapes", {})
    key = (model, names)
    if key not in shapes:
        shapes[key] = _build_shape(model, names, connection)
    return shapes[key]


def _build_shape(model: type[Model], names: tuple[str, ...], connection):
    """The statement, the fields' attribute names and the converters of each column.

    Cached per connection (Django keeps one per thread): converters belong to it.
    """
    from parkops.core.scoping import ParkScopedModel  # scoping imports permissions, which uses this

    if issubclass(model, ParkScopedModel):
        raise TypeError(f"{model._meta.label} is park-scoped: read it through restrict()")
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = ", ".join(quote(field.column) for field in fields)
    where = " AND ".join(f"{quote(_field(model, name).column)} = %s" for name in names)
    statement = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {where}"  # noqa: S608
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return statement, [field.attname for field in fields], converters


def rows(model: type[Model], **equal) -> list:
    """The instances of ``model`` whose fields equal the given values (ids for foreign keys)."""
    names = tuple(equal)
    connection = connections[router.db_for_read(model)]
    statement, attnames, converters = _shape(model, names, connection)
    params = [_field(model, name).to_python(equal[name]) for name in names]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found = cursor.fetchall()
    instances = []
    for row in found:
        values = list(row)
        for index, functions, column in converters:
            for function in functions:
                values[index] = function(values[index], column, connection)
        instances.append(model.from_db(connection.alias, attnames, values))
    return instances
