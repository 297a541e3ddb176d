"""Many rows stored at once, faster than ``bulk_create`` where no ids come back."""

from __future__ import annotations

from django.db import connections, router
from django.db.models import BooleanField, CharField, Field, TextField

_PREP_METHODS = ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")


def _same_methods(kind, base) -> bool:
    return all(getattr(kind, name) is getattr(base, name) for name in _PREP_METHODS)


def _auto_id_reference(field, connection) -> bool:
    """Is ``field`` a foreign key to an auto-increment id, whose ``int`` value
    Django's ``get_db_prep_save`` returns as it is (the backend's check of an
    auto-increment value being the default one, which checks nothing)?"""
    from django.db.backends.base.operations import BaseDatabaseOperations
    from django.db.models import ForeignKey, IntegerField
    from django.db.models.fields import AutoFieldMixin

    if not (
        isinstance(field, ForeignKey)
        and type(field).get_db_prep_save is ForeignKey.get_db_prep_save
        and type(connection.ops).validate_autopk_value
        is BaseDatabaseOperations.validate_autopk_value
    ):
        return False
    target = type(field.target_field)
    return (
        issubclass(target, AutoFieldMixin)
        and target.get_db_prep_save is Field.get_db_prep_save
        and target.get_db_prep_value is AutoFieldMixin.get_db_prep_value
        and target.get_prep_value is IntegerField.get_prep_value
    )


def preparer(field, connection):
    """``value → field.get_db_prep_save(value, connection)``, with the answer of
    the common cases given at once: a text field's ``str`` or ``None``, a
    boolean field's ``bool`` or ``None`` and the ``int`` id or ``None`` of a
    foreign key to an auto-increment id are stored as they are (what Django's
    chain of four or five calls per value returns for them). Any other field or value,
    and any field class overriding one of those methods, goes through Django."""
    slow = field.get_db_prep_save
    kind = type(field)
    if _same_methods(kind, CharField) or _same_methods(kind, TextField):
        plain = str
    elif _same_methods(kind, BooleanField):
        plain = bool
    elif _auto_id_reference(field, connection):
        plain = int
    else:
        return lambda value: slow(value, connection)

    def prepare(value):
        if value is None or type(value) is plain:
            return value
        return slow(value, connection)

    return prepare


def pre_saver(field, add: bool):
    """``obj → field.pre_save(obj, add)``: the attribute itself unless the field
    computes it (``auto_now`` and the like)."""
    if type(field).pre_save is Field.pre_save:
        attname = field.attname
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.pre_save(obj, add)


def _prepared_rows(fields, objs, connection, add=True) -> list[list]:
    """Each object's values of ``fields`` as ``bulk_create`` prepares them:
    ``pre_save`` then ``get_db_prep_save``."""
    steps = [(pre_saver(f, add), preparer(f, connection)) for f in fields]
    return [[prep(pre(obj)) for pre, prep in steps] for obj in objs]


def insert_many(model, objs) -> None:
    """INSERT ``objs`` (whose ids are not wanted back) with one ``executemany``.

    Each value is prepared by its field exactly as ``bulk_create`` prepares it
    (``pre_save`` and ``get_db_prep_save``), without the per-object machinery
    around that, which took a third of an import's commit for the items and
    audit entries that only need storing. Table and column names come from the
    model, never from input.
    """
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = _prepared_rows(fields, objs, connection)
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def insert_exact(model, objs) -> None:
    """INSERT ``objs`` exactly as they are, their ids and timestamps included
    (no ``pre_save``: an ``auto_now_add`` field keeps its value). For putting
    back records that were deleted, as an undo that had to be reversed does."""
    connection = connections[router.db_for_write(model)]
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    steps = [(f.attname, preparer(f, connection)) for f in fields]
    rows = [[prep(getattr(obj, attname)) for attname, prep in steps] for obj in objs]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def insert_returning(model, objs) -> None:
    """INSERT new ``objs`` in one statement and set their ids, as ``bulk_create``
    does on PostgreSQL and SQLite (``INSERT … VALUES (…), (…) RETURNING id``,
    whose rows come back in the order given), with each value prepared by its
    field as there (``pre_save``, which stamps ``auto_now`` fields, and
    ``get_db_prep_save``) but without compiling a query per object, which took
    most of an import's insert. Keep ``objs`` to a few hundred per call."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if not connection.features.can_return_rows_from_bulk_insert:
        model._base_manager.bulk_create(objs)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    row = "({})".format(", ".join(["%s"] * len(fields)))
    sql = "INSERT INTO {} ({}) VALUES {} RETURNING {}".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join([row] * len(objs)),
        quote(model._meta.pk.column),
    )
    params = [value for row in _prepared_rows(fields, objs, connection) for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [value for (value,) in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_values(model, rows: list[dict]) -> None:
    """INSERT ``rows`` (each a dict of attribute name → value; a field left out
    gets its default) with one ``executemany``, without building a model
    instance per row: for the many small records of a bulk write (an import's
    items) whose ids are not wanted back. Values are prepared by their fields
    (``get_db_prep_save``) as a save would."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    steps = [(f.attname, defaults.get(f.attname), preparer(f, connection)) for f in fields]
    prepared = [[prep(row.get(name, default)) for name, default, prep in steps] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
