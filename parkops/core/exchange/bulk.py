"""Imports in bulk: rows validated as unsaved objects, written in short batches.

For a register whose create and update services add nothing to the shared
write path (``core.services.object_create`` / ``object_update``) but the
preparation of the fields (``RegisterSpec.prepare``), the importer does here
what those services would do row by row, set-based:

- permission and scope are checked once for the park: every row is written
  into it, and every reference was resolved among its records in one query
  per column;
- each row's unsaved object is ``full_clean()``-ed without the per-row queries
  (uniqueness of the natural key is settled within the file and against the
  database in one query; foreign keys are the records already resolved), and
  the fields another office owns are checked as the services check them;
- a preview writes nothing at all;
- a commit writes its rows in short transactions (``bulk_create`` /
  ``bulk_update``, the batch's items, and one audit entry per row appended to
  the chain in one step), each sized to take about ``BATCH_SECONDS`` and
  followed by a pause (``Pace``), so other users' writes wait for one short
  transaction at most, never for the whole file.

All or nothing: if a batch fails (a concurrent write took a credit code, a
record to update changed since it was read), the batches already written are
reversed exactly as an undo of the import reverses them (``reverse``: short
transactions too, each reversal audited), and the batch is marked undone; the outcome reports that
nothing was imported. Between the first batch and the last, other users may see
the file's first rows (for the seconds the commit takes). Until its last
transaction the batch is "committing" and its process holds the batch's claim
(``services.batch_claim``); a batch found committing with its claim free was
left by a worker that died, and the next worker rolls it back
(``services.recover_interrupted``).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import logging
import time
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkops.core import audit, permissions
from parkops.core.inserts import insert_exact, insert_returning, insert_values
from parkops.core.models import AuditEntry, ImportBatch, ImportItem

logger = logging.getLogger(__name__)

BATCH_ROWS = 1000  # the most rows one transaction of a commit or an undo writes
FIRST_ROWS = 200  # the first transaction's, before its pace is known
FEWEST_ROWS = 50
BATCH_SECONDS = 0.2  # how long one transaction should hold the write lock
YIELD_SECONDS = 0.1  # the pause after each one, on SQLite
CREATE, UPDATE = "create", "update"


class Pace:
    """The size of the next short transaction of a commit or an undo, and the
    pause between two of them.

    A transaction holds SQLite's write lock (the whole database's) or, on
    PostgreSQL, the audit chain's head until it ends, so each is sized from the
    last one's speed to take about ``BATCH_SECONDS`` (between ``FEWEST_ROWS``
    and ``BATCH_ROWS`` rows). On SQLite that is not enough: a writer waiting
    for the lock gets it only if its busy handler wakes while nobody holds it,
    and the handler sleeps up to 100 ms between tries, so transactions back to
    back can keep it out until its ``busy_timeout`` ends in "database is
    locked". After each transaction the import therefore pauses for
    ``YIELD_SECONDS``, one full sleep of a waiting handler: a colleague's write
    waits for one transaction, not for the file. PostgreSQL queues lock waiters
    in order; it needs no pause."""

    def __init__(self):
        self.rows = max(min(FEWEST_ROWS, BATCH_ROWS), min(FIRST_ROWS, BATCH_ROWS))
        self.began = None

    def start(self) -> None:
        """Before a transaction: let a waiting writer in first, if one wrote before."""
        if self.began is not None and connection.vendor == "sqlite":
            time.sleep(YIELD_SECONDS)
        self.began = time.monotonic()

    def done(self, rows: int) -> None:
        """After a transaction of ``rows`` rows: the size of the next one."""
        took = time.monotonic() - self.began
        if rows and took > 0:
            wanted = int(rows * BATCH_SECONDS / took)
            # Grow by half at most: one fast batch is no promise.
            wanted = min(wanted, self.rows + self.rows // 2)
            self.rows = max(min(FEWEST_ROWS, BATCH_ROWS), min(wanted, BATCH_ROWS))


@dataclass
class Write:
    row: int
    action: str
    obj: models.Model
    before: dict | None  # the record's snapshot when it was read, for an update
    after: dict | None = None


class CommitFailed(Exception):
    """A batch failed while writing; what was written is reversed already,
    unless ``left`` (the batch): some rows could not be reversed (other
    records use them now, or they were changed meanwhile), and the batch is
    left "being undone" for its importer's undo, which names them."""

    def __init__(self, error, left=None):
        super().__init__(str(error))
        self.left = left


def relation_names(model) -> list[str]:
    """Foreign keys: their values are resolved records, not to be looked up again."""
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


_PLANS: dict[type, tuple] = {}


def _plan(model) -> tuple:
    """For ``instance``: (the names it may be given; for each concrete field in
    order: the field, its name, attname, whether it is a relation, and whether
    its attribute has a setter of its own; the (name, attname) of relations)."""
    plan = _PLANS.get(model)
    if plan is None:
        steps = []
        names = set()
        for field in model._meta.concrete_fields:
            if field.column is None or field.generated:
                continue  # as Model.__init__ skips them
            names.update({field.name, field.attname})
            setter = hasattr(getattr(model, field.attname, None), "__set__")
            steps.append((field, field.name, field.attname, field.is_relation, setter))
        pairs = tuple((name, attname) for _f, name, attname, relation, _s in steps if relation)
        plan = _PLANS[model] = (frozenset(names), tuple(steps), pairs)
    return plan


def instance(model, values: dict) -> models.Model:
    """``model(**values)`` made without ``Model.__init__``'s generic walk (a bulk
    import makes one per row): each concrete field set in the same order and the
    same way — a related object through its descriptor (which caches it), a
    value through the attribute's setter if it has one, else stored, a field not
    given its default. Through ``__init__`` whenever that could differ (a name
    that is not a concrete field's, a relation given both ways, or someone
    listening to the model's init signals)."""
    from django.db.models import signals
    from django.db.models.base import ModelState

    names, steps, pairs = _plan(model)
    if (
        not names.issuperset(values)
        or signals.pre_init.has_listeners(model)
        or signals.post_init.has_listeners(model)
        or any(name in values and attname in values for name, attname in pairs)
    ):
        return model(**values)
    obj = model.__new__(model)
    obj._state = ModelState()
    stored = obj.__dict__
    for field, name, attname, relation, setter in steps:
        if relation and name in values:
            setattr(obj, name, values[name])
            continue
        value = values[attname] if attname in values else field.get_default()
        if setter:
            setattr(obj, attname, value)
        else:
            stored[attname] = value
    return obj


def build(spec, park, current, fields: dict) -> models.Model:
    """The unsaved object a row makes: a new one in ``park``, or a copy of ``current``."""
    if current is None:
        return instance(spec.model, {"park": park, **fields})
    obj = copy.copy(current)
    for name, value in fields.items():
        setattr(obj, name, value)
    return obj


def validate(actor, obj, current, exclude, rule=None) -> ValidationError | None:
    """What ``object_create`` / ``object_update`` would refuse in ``obj``, all at
    once, without the queries of unique and foreign-key checks (``rule``: the
    register's ``check``, as the services pass it)."""
    from parkops.core.services import _check_owned_fields

    errors: dict[str, list] = {}
    for check in (
        lambda: _check_owned_fields(actor, obj, current),
        lambda: rule(obj, current) if rule is not None else None,
        lambda: obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False),
    ):
        try:
            check()
        except ValidationError as error:
            for name, messages in error.update_error_dict({}).items():
                errors.setdefault(name, []).extend(messages)
    return ValidationError(errors) if errors else None


def _auto_now_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def _write_chunk(spec, actor, park, batch, chunk: list[Write]) -> None:
    model = spec.model
    creates = [w for w in chunk if w.action == CREATE]
    updates = [w for w in chunk if w.action == UPDATE]
    if updates:
        # The rows to update, locked, must still be what the import read.
        locked = {
            obj.pk: obj
            for obj in model.objects.restrict(actor, permissions.CHANGE)
            .select_for_update()
            .filter(park=park, pk__in=[w.obj.pk for w in updates])
        }
        for write in updates:
            now = locked.get(write.obj.pk)
            if now is None or audit.snapshot(now) != write.before:
                raise ValidationError(
                    _("Row %(row)d's record was changed by someone else meanwhile.")
                    % {"row": write.row}
                )
        stamped = _auto_now_fields(model)
        moment = timezone.now()
        names = set(stamped)
        for write in updates:
            for attname in stamped:
                setattr(write.obj, attname, moment)
            names |= {
                f.attname
                for f in model._meta.concrete_fields
                if not f.primary_key
                and write.before.get(f.attname) != f.value_from_object(write.obj)
            }
        fields = [f.name for f in model._meta.concrete_fields if f.attname in names]
        model.objects.restrict(actor, permissions.CHANGE).bulk_update(
            [w.obj for w in updates], fields, batch_size=250
        )
    if creates:
        for start in range(0, len(creates), 250):
            insert_returning(model, [w.obj for w in creates[start : start + 250]])
    # The scope re-check of the services, once per batch: every row lies where
    # the actor may write it.
    for action, writes in ((permissions.ADD, creates), (permissions.CHANGE, updates)):
        ids = [w.obj.pk for w in writes]
        if ids and model.objects.restrict(actor, action).filter(pk__in=ids).count() != len(ids):
            permissions.deny()
    for write in chunk:
        write.after = audit.snapshot(write.obj)
    insert_values(
        ImportItem,
        [
            {
                "park_id": park.pk,
                "batch_id": batch.pk,
                "row": w.row,
                "action": w.action,
                "object_id": str(w.obj.pk),
                "before": w.before,
                "after": w.after,
            }
            for w in chunk
        ],
    )
    audit.append_many(
        [
            audit.build_entry(
                actor=actor,
                action=AuditEntry.Action.CREATE if w.action == CREATE else AuditEntry.Action.UPDATE,
                obj=w.obj,
                park=park,
                before=w.before,
                after=w.after,
            )
            for w in chunk
        ]
    )


def new_batch(
    *, spec, actor, park, file_name: str, data: bytes, counts: dict, on_batch=None, **state
) -> ImportBatch:
    """The import's ``ImportBatch`` (bulk or row by row alike): the register,
    park, importer and file (its name and SHA-256) and the rows created,
    updated and unchanged (``counts``); ``state``: its status or duration.
    ``on_batch(batch)``, if given, runs in the same transaction: a background
    job links the batch as it is created, so a worker that dies while writing
    it leaves the job pointing at what it wrote."""
    batch = ImportBatch.objects.create(
        park=park,
        register=spec.key,
        actor=actor,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_count=counts["create"],
        updated_count=counts["update"],
        unchanged_count=counts["unchanged"],
        **state,
    )
    if on_batch is not None:
        on_batch(batch)
    return batch


def record_imported(actor, batch, register: str, file_name: str, counts: dict) -> None:
    """The batch's own audit entry: which register, file and counts, written
    when the last of its rows is (bulk or row by row alike)."""
    audit.record(
        actor=actor,
        action=AuditEntry.Action.IMPORT,
        obj=batch,
        after={"register": register, "file": file_name, "sha256": batch.sha256, "counts": counts},
    )


def commit(
    *,
    spec,
    actor,
    park,
    writes: list[Write],
    counts: dict,
    file_name,
    data,
    started,
    progress,
    on_batch=None,
):
    """Write ``writes`` in short transactions (``Pace``); the import's ``ImportBatch``.

    The batch is "committing" from the first transaction to the last, which
    marks it committed; all the while this process holds its claim
    (``services.batch_claim``), taken in the first transaction, before anyone
    can see the batch. ``on_batch``: see ``new_batch``. Raises
    ``CommitFailed`` (nothing imported, what was written reversed).
    """
    from parkops.core.exchange import services

    batch = None
    done = 0
    pace = Pace()
    with contextlib.ExitStack() as claim:
        try:
            while batch is None or done < len(writes):
                chunk = writes[done : done + pace.rows]
                last = done + len(chunk) == len(writes)
                pace.start()
                with transaction.atomic():
                    if batch is None:
                        batch = new_batch(
                            spec=spec,
                            actor=actor,
                            park=park,
                            file_name=file_name,
                            data=data,
                            counts=counts,
                            on_batch=on_batch,
                            status=ImportBatch.Status.COMMITTING,
                        )
                        if not last:
                            claim.enter_context(services.batch_claim(batch))
                    _write_chunk(spec, actor, park, batch, chunk)
                    if last:
                        batch.duration_ms = int((time.monotonic() - started) * 1000)
                        batch.status = ImportBatch.Status.COMMITTED
                        batch.save(update_fields=["duration_ms", "status"])
                        record_imported(actor, batch, spec.key, file_name, counts)
                pace.done(len(chunk))
                done += len(chunk)
                if progress is not None:
                    progress(done, len(writes))
        except (DatabaseError, ValidationError, PermissionDenied) as error:
            if batch is not None and batch.pk is not None and done:
                # What this commit wrote is reversed, unless a row is in the way.
                if not roll_back(
                    spec=spec, actor=actor, batch=batch, final=ImportBatch.Status.UNDONE
                ):
                    raise CommitFailed(error, left=batch) from error
            elif batch is not None and batch.pk is not None:
                with transaction.atomic():
                    ImportBatch.objects.unscoped().filter(pk=batch.pk).update(
                        status=ImportBatch.Status.UNDONE, undone_at=timezone.now()
                    )
            raise CommitFailed(error) from error
    return batch


def _restorable(before: dict, model) -> dict:
    many = {f.name for f in model._meta.many_to_many}
    return {k: v for k, v in before.items() if k not in ("id", "park_id") and k not in many}


class UndoFailed(Exception):
    """A batch of an undo failed; the batches undone before it were put back."""


class UndoIncomplete(Exception):
    """A batch of an undo failed and the batches undone before it could not all
    be put back (someone wrote in between): ``rows`` stay undone."""

    def __init__(self, error, rows):
        super().__init__(str(error))
        self.rows = rows


@dataclass
class _Undone:
    """One batch of an undo as it was done: the records as they were before it
    (model instances, loaded under lock) and the values it put back."""

    rows: list[int]
    created: list  # records deleted
    updated: list  # (record as it was, record as restored)
    count: int  # the items it took (the batch's ``undone_items`` went up by this)


def _lock_batch(batch) -> None:
    """Lock ``batch``'s row and read its undo state as committed (what this
    process last set may have been rolled back since)."""
    batch.status, batch.undone_items = (
        ImportBatch.objects.unscoped()
        .select_for_update()
        .filter(pk=batch.pk)
        .values_list("status", "undone_items")
        .get()
    )


def _batch_status(actor, batch, status: str, undone_items: int, **fields) -> None:
    """Set ``batch``'s undo state (its row locked by the caller), audited when
    the status changes (the progress in between is each row's own entry)."""
    before = {"status": batch.status, "undone_items": batch.undone_items}
    ImportBatch.objects.unscoped().filter(pk=batch.pk).update(
        status=status, undone_items=undone_items, **fields
    )
    batch.status, batch.undone_items = status, undone_items
    if status != before["status"] and status != ImportBatch.Status.UNDONE:
        audit.record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            obj=batch,
            before=before,
            after={"status": status, "undone_items": undone_items},
        )


def _reverse_chunk(
    spec, actor, batch, chunk: list[Write], verify: bool, last: bool, total, final, during
):
    """Reverse one batch of rows in its own short transaction: lock its records,
    check them to be still as the import left them (if ``verify``, to be there
    at all), delete what
    the import created, put back what it changed, one audit entry per row, and
    count them in the batch's ``undone_items`` (status ``during``: "being
    undone", or "committing" for a commit rolled back), so that an undo cut
    short (a worker that died) resumes after them, never undoing a row twice.
    ``last``: give ``batch`` the status ``final`` instead (undone, or failed),
    audited. Returns what was done."""
    model = spec.model
    with transaction.atomic():
        known = batch.undone_items
        _lock_batch(batch)
        if verify and (batch.status == ImportBatch.Status.UNDONE or batch.undone_items != known):
            # Undone meanwhile, or further along than this undo knows: another
            # undo of the batch ran.
            raise ValidationError(_("This import was already undone."))
        now = {
            obj.pk: obj
            for obj in model.objects.unscoped()
            .select_for_update()
            .filter(pk__in=[w.obj.pk for w in chunk])
        }
        # A record changed since the import (by a colleague) is never written
        # over, not even by a roll back: its undo names the row and refuses.
        changed = sorted(
            w.row
            for w in chunk
            if (w.obj.pk not in now and verify)
            or (w.obj.pk in now and audit.snapshot(now[w.obj.pk]) != w.after)
        )
        if changed:
            raise ValidationError(
                _("Cannot undo: the records of rows %(rows)s changed after the import.")
                % {"rows": "、".join(map(str, changed))}
            )
        done = _Undone(
            rows=[w.row for w in chunk if w.obj.pk in now], created=[], updated=[], count=len(chunk)
        )
        entries = []
        for w in chunk:
            current = now.get(w.obj.pk)
            if current is None:  # gone already (only when not verifying)
                continue
            if w.action == CREATE:
                done.created.append(current)
                entries.append(
                    audit.build_entry(
                        actor=actor,
                        action=AuditEntry.Action.DELETE,
                        obj=current,
                        park=batch.park,
                        before=audit.snapshot(current),
                    )
                )
            else:
                restored = copy.copy(current)
                fields = {f.attname: f for f in model._meta.concrete_fields}
                for attname, value in _restorable(w.before, model).items():
                    # A snapshot holds JSON (a date as text): the field's value again.
                    field = fields.get(attname)
                    setattr(restored, attname, field.to_python(value) if field else value)
                done.updated.append((current, restored))
                entries.append(
                    audit.build_entry(
                        actor=actor,
                        action=AuditEntry.Action.UPDATE,
                        obj=restored,
                        park=batch.park,
                        before=audit.snapshot(current),
                        after=audit.snapshot(restored),
                    )
                )
        # Deleted without Django's collector, which would load every record again
        # to look for dependants: the check before found none, and one added since
        # makes the database refuse the delete (foreign keys), failing the batch.
        if done.created:
            doomed = model.objects.unscoped().filter(pk__in=[obj.pk for obj in done.created])
            doomed._raw_delete(doomed.db)
        if done.updated:
            names = {
                name for w in chunk if w.action == UPDATE for name in _restorable(w.before, model)
            }
            fields = [f.name for f in model._meta.concrete_fields if f.attname in names]
            model.objects.unscoped().bulk_update(
                [restored for _current, restored in done.updated], fields, batch_size=250
            )
        audit.append_many(entries)
        undone_items = batch.undone_items + len(chunk)
        if not last:
            _batch_status(actor, batch, during, undone_items)
        else:
            _batch_status(actor, batch, final, undone_items, undone_at=timezone.now())
            if final == ImportBatch.Status.UNDONE:
                audit.record(
                    actor=actor,
                    action=AuditEntry.Action.DELETE,
                    obj=batch,
                    after={"undone": True, "items": total},
                )
    return done


def _put_back(spec, actor, batch, done: _Undone) -> None:
    """Re-apply one batch of an undo that had to be reversed, in one short
    transaction: the deleted records come back as they were (same ids, same
    values), the restored ones get the import's values again, if nobody changed
    them meanwhile; one audit entry per row."""
    model = spec.model
    with transaction.atomic():
        _lock_batch(batch)
        if done.updated:
            locked = {
                obj.pk: obj
                for obj in model.objects.unscoped()
                .select_for_update()
                .filter(pk__in=[current.pk for current, _restored in done.updated])
            }
            for _current, restored in done.updated:
                now = locked.get(restored.pk)
                if now is None or audit.snapshot(now) != audit.snapshot(restored):
                    raise ValidationError(_("A record was changed by someone else meanwhile."))
        insert_exact(model, done.created)
        if done.updated:
            fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
            model.objects.unscoped().bulk_update(
                [current for current, _restored in done.updated], fields, batch_size=250
            )
        audit.append_many(
            [
                audit.build_entry(
                    actor=actor,
                    action=AuditEntry.Action.CREATE,
                    obj=obj,
                    park=batch.park,
                    after=audit.snapshot(obj),
                )
                for obj in done.created
            ]
            + [
                audit.build_entry(
                    actor=actor,
                    action=AuditEntry.Action.UPDATE,
                    obj=current,
                    park=batch.park,
                    before=audit.snapshot(restored),
                    after=audit.snapshot(current),
                )
                for current, restored in done.updated
            ]
        )
        undone_items = batch.undone_items - done.count
        _batch_status(
            actor,
            batch,
            ImportBatch.Status.UNDOING if undone_items else ImportBatch.Status.COMMITTED,
            undone_items,
        )


def reverse(
    *,
    spec,
    actor,
    batch,
    chunks,
    total: int,
    progress=None,
    verify=True,
    pace: Pace | None = None,
    final=ImportBatch.Status.UNDONE,
    during=ImportBatch.Status.UNDOING,
) -> None:
    """Undo an import's rows, given as ``chunks`` (lists of ``Write``, read one
    at a time: the whole batch is never in memory), in short transactions like
    the commit's: other users' writes wait for one batch at most. ``chunks``
    are the rows not undone yet: after the batch's ``undone_items`` first ones,
    when an undo cut short is resumed.

    Each batch locks its records and, if ``verify``, checks them to be still as
    the import left them; then deletes what the import created and puts back
    what it changed, one audit entry per row; the last batch marks ``batch``
    undone. All or nothing: if a batch fails (a record changed or gained a
    dependant meanwhile), the batches this call undid before it are put back,
    newest first, each row audited again, and ``UndoFailed`` is raised: the
    import stands as it was (or as the resumed undo found it). If even that
    cannot be done (someone wrote over a row in between), the put-back stops
    there, so that the rows still undone are the first ones the batch counts
    (it stays "being undone", to be resumed), and ``UndoIncomplete`` names
    them. Without ``verify`` (a commit rolled back, ``roll_back``) nothing is
    put back: the error is raised as it came.

    ``pace``: the one that sizes ``chunks`` (``item_chunks``); each transaction
    is timed and followed by its pause."""
    pace = pace or Pace()
    count = batch.undone_items
    if progress is not None:
        progress(count, total)
    undone: list[_Undone] = []
    try:
        iterator = iter(chunks)
        pending = next(iterator, None)
        while pending is not None:
            pace.start()
            # Read the next chunk (sized by the pace so far) only to know
            # whether this one is the last.
            following = next(iterator, None)
            undone.append(
                _reverse_chunk(
                    spec,
                    actor,
                    batch,
                    pending,
                    verify,
                    last=following is None,
                    total=total,
                    final=final,
                    during=during,
                )
            )
            pace.done(len(pending))
            count += len(pending)
            pending = following
            if progress is not None:
                progress(count, total)
        if not undone:  # an import that wrote no rows
            _reverse_chunk(
                spec, actor, batch, [], verify, last=True, total=total, final=final, during=during
            )
    except (DatabaseError, ValidationError) as error:
        if not verify:
            raise
        left = []
        for done in reversed(undone):
            if not left:
                try:
                    _put_back(spec, actor, batch, done)
                    continue
                except (DatabaseError, ValidationError):
                    pass
            left.extend(done.rows)
        if left:
            raise UndoIncomplete(error, sorted(left)) from error
        raise UndoFailed(error) from error


def item_chunks(spec, batch, ids: list[int], pace: Pace | None = None):
    """The import's items with the ids ``ids``, as the ``Write``s to reverse, a
    chunk at a time (``pace.rows`` each, or ``BATCH_ROWS``); their records
    stand in by id: each chunk's transaction locks and reads its own. Items
    are read as values, not model instances."""
    pk = spec.model._meta.pk
    start = 0
    while start < len(ids):
        size = pace.rows if pace is not None else BATCH_ROWS
        items = ImportItem.objects.unscoped().filter(pk__in=ids[start : start + size])
        start += size
        yield [
            Write(
                row=row,
                action=action,
                obj=SimpleNamespace(pk=pk.to_python(object_id)),
                before=before,
                after=after,
            )
            for row, action, object_id, before, after in sorted(
                items.values_list("row", "action", "object_id", "before", "after"),
                key=lambda item: -item[0],
            )
        ]


def undo_order(batch) -> list[int]:
    """The ids of ``batch``'s items in the order an undo takes them: the last
    row first. The first ``batch.undone_items`` of them are undone already."""
    return list(
        ImportItem.objects.unscoped()
        .filter(park_id=batch.park_id, batch=batch)
        .order_by("-row", "-pk")
        .values_list("pk", flat=True)
    )


def roll_back(*, spec, actor, batch, final) -> bool:
    """Reverse every row a commit of ``batch`` wrote (its items), after those
    an earlier roll back of it reversed already (a record deleted since is
    passed over), each row audited; ``batch`` ends ``final`` (undone: the
    commit itself failed; failed: its worker died). Returns False if a row
    could not be reversed (a record another one now depends on, or one changed
    since the import, which is not written over): ``batch`` is then left
    "being undone" at the rows reversed so far, for its importer to finish as
    an undo (which names the rows in the way)."""
    ids = undo_order(batch)
    pace = Pace()
    try:
        reverse(
            spec=spec,
            actor=actor,
            batch=batch,
            chunks=item_chunks(spec, batch, ids[batch.undone_items :], pace),
            total=len(ids),
            verify=False,
            pace=pace,
            final=final,
            during=ImportBatch.Status.COMMITTING,
        )
    except (IntegrityError, ValidationError) as error:
        logger.warning("Import batch %s could not be rolled back in full: %s", batch.pk, error)
        with transaction.atomic():
            _lock_batch(batch)
            _batch_status(actor, batch, ImportBatch.Status.UNDOING, batch.undone_items)
        return False
    # Any other error (a database busy beyond its timeout) leaves the batch
    # committing, its claim free when this process lets go: tried again later.
    return True
