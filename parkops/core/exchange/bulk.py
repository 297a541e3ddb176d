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
- a commit writes ``BATCH_ROWS`` rows per short transaction (``bulk_create`` /
  ``bulk_update``, the batch's items, and one audit entry per row appended to
  the chain in one step), so other users' writes wait for one batch at most,
  never for the whole file.

All or nothing: if a batch fails (a concurrent write took a credit code, a
record to update changed since it was read), the batches already written are
reversed in one transaction, exactly as an undo of the import reverses them,
each reversal audited, and the batch is marked undone; the outcome reports that
nothing was imported. Between the first batch and the last, other users may see
the file's first rows (for the seconds the commit takes).
"""

from __future__ import annotations

import copy
import hashlib
import time
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkops.core import audit, permissions
from parkops.core.inserts import insert_many
from parkops.core.models import AuditEntry, ImportBatch, ImportItem

BATCH_ROWS = 500  # about half a second of writing on this 2-core machine
CREATE, UPDATE = "create", "update"


@dataclass
class Write:
    row: int
    action: str
    obj: models.Model
    before: dict | None  # the record's snapshot when it was read, for an update
    after: dict | None = None


class CommitFailed(Exception):
    """A batch failed while writing; what was written is reversed already."""


def relation_names(model) -> list[str]:
    """Foreign keys: their values are resolved records, not to be looked up again."""
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


def build(spec, park, current, fields: dict) -> models.Model:
    """The unsaved object a row makes: a new one in ``park``, or a copy of ``current``."""
    if current is None:
        return spec.model(park=park, **fields)
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
        model.objects.bulk_create([w.obj for w in creates], batch_size=250)
    # The scope re-check of the services, once per batch: every row lies where
    # the actor may write it.
    for action, writes in ((permissions.ADD, creates), (permissions.CHANGE, updates)):
        ids = [w.obj.pk for w in writes]
        if ids and model.objects.restrict(actor, action).filter(pk__in=ids).count() != len(ids):
            permissions.deny()
    for write in chunk:
        write.after = audit.snapshot(write.obj)
    insert_many(
        ImportItem,
        [
            ImportItem(
                park=park,
                batch=batch,
                row=w.row,
                action=w.action,
                object_id=str(w.obj.pk),
                before=w.before,
                after=w.after,
            )
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


def commit(
    *, spec, actor, park, writes: list[Write], counts: dict, file_name, data, started, progress
):
    """Write ``writes`` in short batches; the import's ``ImportBatch``.

    Raises ``CommitFailed`` (nothing imported, what was written reversed).
    """
    batch = None
    written: list[Write] = []
    chunks = [writes[i : i + BATCH_ROWS] for i in range(0, len(writes), BATCH_ROWS)] or [[]]
    try:
        for number, chunk in enumerate(chunks, start=1):
            with transaction.atomic():
                if batch is None:
                    batch = ImportBatch.objects.create(
                        park=park,
                        register=spec.key,
                        actor=actor,
                        file_name=file_name[:255],
                        sha256=hashlib.sha256(data).hexdigest(),
                        created_count=counts["create"],
                        updated_count=counts["update"],
                        unchanged_count=counts["unchanged"],
                    )
                _write_chunk(spec, actor, park, batch, chunk)
                if number == len(chunks):
                    batch.duration_ms = int((time.monotonic() - started) * 1000)
                    batch.save(update_fields=["duration_ms"])
                    audit.record(
                        actor=actor,
                        action=AuditEntry.Action.IMPORT,
                        obj=batch,
                        after={
                            "register": spec.key,
                            "file": file_name,
                            "sha256": batch.sha256,
                            "counts": counts,
                        },
                    )
            written.extend(chunk)
            if progress is not None:
                progress(len(written), len(writes))
    except (DatabaseError, ValidationError, PermissionDenied) as error:
        if batch is not None and written:
            # What this commit wrote is reversed whatever happened to it since.
            reverse(spec=spec, actor=actor, batch=batch, writes=written, verify=False)
        elif batch is not None:
            with transaction.atomic():
                ImportBatch.objects.unscoped().filter(pk=batch.pk).update(
                    status=ImportBatch.Status.UNDONE, undone_at=timezone.now()
                )
        raise CommitFailed(error) from error
    return batch


def _restorable(before: dict, model) -> dict:
    many = {f.name for f in model._meta.many_to_many}
    return {k: v for k, v in before.items() if k not in ("id", "park_id") and k not in many}


def reverse(*, spec, actor, batch, writes: list[Write], progress=None, verify=True) -> None:
    """Undo ``writes`` in one transaction: delete what they created, put back what
    they changed, one audit entry per row, and mark ``batch`` undone.

    One transaction, unlike a commit: an undo half done could be neither
    finished nor redone. Everything that can be is prepared before it (the
    audit entries included); inside it, the batch and its records are locked
    and, if ``verify``, checked to be still as the import left them (else
    nothing is undone), then reversed with a few large statements; the audit
    chain's head is locked only for the last step. On SQLite other writers
    wait for this transaction (scripts/import_speed.py times it)."""
    model = spec.model
    if progress is not None:
        progress(0, len(writes))
    created = [w for w in writes if w.action == CREATE]
    updated = [w for w in writes if w.action == UPDATE]
    entries = [
        audit.build_entry(
            actor=actor,
            action=AuditEntry.Action.DELETE,
            obj=w.obj,
            park=batch.park,
            before=w.after,
        )
        for w in created
    ]
    restored = []
    for w in updated:
        obj = copy.copy(w.obj)
        for attname, value in _restorable(w.before, model).items():
            setattr(obj, attname, value)
        restored.append(obj)
        entries.append(
            audit.build_entry(
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                obj=obj,
                park=batch.park,
                before=w.after,
                after=audit.snapshot(obj),
            )
        )
    with transaction.atomic():
        if verify:
            still = ImportBatch.objects.unscoped().select_for_update().filter(pk=batch.pk)
            if not still.filter(status=ImportBatch.Status.COMMITTED).exists():
                raise ValidationError(_("This import was already undone."))
            now = {
                obj.pk: obj
                for obj in model.objects.unscoped()
                .select_for_update()
                .filter(pk__in=[w.obj.pk for w in writes])
            }
            changed = sorted(
                w.row
                for w in writes
                if w.obj.pk not in now or audit.snapshot(now[w.obj.pk]) != w.after
            )
            if changed:
                raise ValidationError(
                    _("Cannot undo: the records of rows %(rows)s changed after the import.")
                    % {"rows": "、".join(map(str, changed))}
                )
        # Deleted without Django's collector, which would load every record again
        # to look for dependants: the check before found none, and one added since
        # makes the database refuse the delete (foreign keys), undoing nothing.
        ids = [w.obj.pk for w in created]
        for start in range(0, len(ids), BATCH_ROWS):
            doomed = model.objects.unscoped().filter(pk__in=ids[start : start + BATCH_ROWS])
            doomed._raw_delete(doomed.db)
        if updated:
            names = {name for w in updated for name in _restorable(w.before, model)}
            fields = [f.name for f in model._meta.concrete_fields if f.attname in names]
            model.objects.unscoped().bulk_update(restored, fields, batch_size=250)
        audit.append_many(entries)
        ImportBatch.objects.unscoped().filter(pk=batch.pk).update(
            status=ImportBatch.Status.UNDONE, undone_at=timezone.now()
        )
        batch.status = ImportBatch.Status.UNDONE
        audit.record(
            actor=actor,
            action=AuditEntry.Action.DELETE,
            obj=batch,
            after={"undone": True, "items": len(writes)},
        )
    if progress is not None:
        progress(len(writes), len(writes))
