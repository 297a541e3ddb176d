"""Many rows stored at once, faster than ``bulk_create`` where no ids come back."""

from __future__ import annotations

from django.db import connections, router


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
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
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
    rows = [
        [f.get_db_prep_save(f.value_from_object(obj), connection) for f in fields] for obj in objs
    ]
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
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
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
    prepared = [
        [
            f.get_db_prep_save(row.get(f.attname, defaults.get(f.attname)), connection)
            for f in fields
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)
