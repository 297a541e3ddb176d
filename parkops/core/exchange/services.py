"""Writes of the exchange framework: held uploads, committed imports, undo."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from parkops.core import audit, audit_seal, permissions
from parkops.core.exchange import bulk
from parkops.core.exchange.importer import (
    NotKeepable,
    Outcome,
    Validated,
    bulk_capable,
    run_import,
)
from parkops.core.exchange.readers import FileError, read_table
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry, ImportBatch, ImportItem, ImportJob
from parkops.core.services import object_update

UPLOAD_TTL_SECONDS = 24 * 3600
logger = logging.getLogger("parkops.exchange")


def upload_dir():
    # PARKOPS_IMPORTS_DIR is the test suite's: one folder per test process, so
    # parallel workers never share a held upload or an undo claim.
    path = Path(getattr(settings, "PARKOPS_IMPORTS_DIR", settings.VAR_DIR / "imports"))
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def upload_hold(*, data: bytes, file_name: str, user, park, register: str, validated=None) -> str:
    """Keep an uploaded file between preview and commit; returns its token.

    Held files live under var/imports (mode 0700), belong to one user, park and
    register, and are deleted after commit or cancel, or after a day. With them,
    ``validated``: what a clean preview kept for the commit (``validated_keep``).
    """
    purge_stale_uploads()
    token = secrets.token_urlsafe(16)
    folder = upload_dir()
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"file": file_name, "user": user.pk, "park": park.pk, "register": register}
    (folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False))
    validated_keep(token, validated)
    return token


# The seal's purpose, MAC'd with the rows: no other seal of ours (an audit
# entry's, an anchor's) can pass for this one, nor this one for them.
_VALIDATED_PURPOSE = "exchange.validated"


def validated_keep(token: str, validated: Validated | None) -> None:
    """Keep a preview's validated rows beside its held file: the commit of the
    same file reuses them (``importer.run_import(validated=…)``).

    The file is one line, the seal, then the rows as JSON (``Validated.dumps``):
    plain data, so a file someone forged, even with the key, can at worst be
    refused, never run. The seal is the server's keyed, versioned one
    (``core.audit_seal``: ``v2:hmac-sha256:…`` or 国密 ``v2:hmac-sm3:…`` as
    ``PARKOPS_AUDIT_MAC`` says). Rows JSON cannot hold exactly are not kept.
    """
    if validated is None:
        return
    try:
        payload = validated.dumps()
    except NotKeepable:
        return
    seal = audit_seal.seal(_VALIDATED_PURPOSE, payload).encode("ascii")
    path = upload_dir() / f"{token}.checked"
    temporary = path.with_suffix(".checking")
    temporary.write_bytes(seal + b"\n" + payload)
    os.replace(temporary, path)


def validated_load(token: str) -> Validated | None:
    """What the preview of a held upload kept, or ``None`` (none kept, not
    sealed by this server under an algorithm it knows, or not what ``dumps``
    writes): the commit then validates the file in full."""
    try:
        blob = (upload_dir() / f"{token}.checked").read_bytes()
    except OSError:
        return None
    seal, newline, payload = blob.partition(b"\n")
    if not newline or not audit_seal.check(
        _VALIDATED_PURPOSE, payload, seal.decode("ascii", "replace")
    ):
        return None
    return Validated.loads(payload)


def upload_load(*, token: str, user, register: str) -> tuple[bytes, dict]:
    """The held file and its details, only for the user who uploaded it."""
    if not token.replace("-", "").replace("_", "").isalnum():
        permissions.deny()
    folder = upload_dir()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        data = (folder / f"{token}.bin").read_bytes()
    except FileNotFoundError as error:
        raise ValidationError(_("The uploaded file has expired; upload it again.")) from error
    if meta["user"] != user.pk or meta["register"] != register:
        permissions.deny()
    return data, meta


def upload_discard(token: str) -> None:
    for suffix in (".bin", ".json", ".checked", ".checking"):
        (upload_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def purge_stale_uploads() -> None:
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for path in upload_dir().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


@dataclass
class Preview:
    """What an upload gave: the preview itself (``outcome``, with the ``token``
    that commits it), or the background ``job`` that is making it."""

    outcome: Outcome | None = None
    token: str | None = None
    job: ImportJob | None = None


def import_preview(*, spec, actor, park, data: bytes, file_name: str) -> Preview:
    """Preview an upload for pages and the API alike: now, or, above
    PARKOPS_IMPORT_BACKGROUND_ROWS rows, as a background job (the file is read
    once either way); a file that can be committed is held for the commit."""
    from parkops.core.exchange import jobs

    # Read once: the rows decide between a preview now and one in the
    # background, and the same rows (or the refusal) make this preview.
    try:
        table = read_table(data, file_name)
        rows = len(table.rows)
    except FileError as error:
        table, rows = error, 0
    if rows > settings.PARKOPS_IMPORT_BACKGROUND_ROWS:
        token = upload_hold(
            data=data, file_name=file_name, user=actor, park=park, register=spec.key
        )
        job = jobs.job_start(
            token=token,
            actor=actor,
            park=park,
            register=spec.key,
            file_name=file_name,
            mode=ImportJob.Mode.PREVIEW,
            rows=rows,
        )
        return Preview(job=job, token=token)
    outcome = run_import(
        spec=spec,
        actor=actor,
        park=park,
        data=data,
        file_name=file_name,
        commit=False,
        table=table,
    )
    token = None
    if not outcome.file_errors:
        token = upload_hold(
            data=data,
            file_name=file_name,
            user=actor,
            park=park,
            register=spec.key,
            validated=outcome.validated,
        )
    return Preview(outcome=outcome, token=token)


def import_commit(*, token: str, actor, register: str) -> Outcome:
    """Commit a held upload (all rows or none); the held file is deleted on success."""
    from parkops.core.models import Park

    held, claimed = upload_dir() / f"{token}.bin", upload_dir() / f"{token}.committing"
    try:
        data, meta = upload_load(token=token, user=actor, register=register)
    except ValidationError:
        if claimed.exists():  # the token's form was checked by upload_load
            raise ValidationError(_("This file is being imported already.")) from None
        raise
    park = Park.objects.get(pk=meta["park"])
    # The commit claims the held file: a second commit of it (a double click)
    # is refused instead of running beside the first, which no lock serialises
    # now that a commit writes in short batches.
    try:
        held.rename(claimed)
    except FileNotFoundError as error:
        raise ValidationError(_("This file is being imported already.")) from error
    try:
        outcome = run_import(
            spec=get_spec(register),
            actor=actor,
            park=park,
            data=data,
            file_name=meta["file"],
            commit=True,
            validated=validated_load(token),
        )
    finally:
        claimed.rename(held)
    if outcome.batch is not None:
        upload_discard(token)
    return outcome


def _restorable(before: dict, model) -> dict:
    many = {f.name for f in model._meta.many_to_many}
    return {k: v for k, v in before.items() if k not in ("id", "park_id") and k not in many}


def _refuse_undo(batch: ImportBatch, actor) -> None:
    # Undo deletes what the import created: only the person who imported may do
    # it (no role deletes register rows otherwise).
    if actor is not permissions.SYSTEM and batch.actor_id != actor.pk:
        permissions.deny(_("Only the person who imported a file may undo it."))
    _refuse_state(batch)
    if not undoable(batch):
        raise ValidationError(_("An import of this register cannot be undone."))


def _refuse_state(batch: ImportBatch) -> None:
    """Only a committed batch (or one being undone) may be undone: one undone
    already, or rolled back after its worker died, has nothing left to undo;
    one still being written is not an import yet."""
    if batch.status == ImportBatch.Status.UNDONE:
        raise ValidationError(_("This import was already undone."))
    if batch.status == ImportBatch.Status.FAILED:
        raise ValidationError(_("This import was interrupted and withdrawn."))
    if batch.status == ImportBatch.Status.COMMITTING:
        raise ValidationError(_("This file is being imported already."))


def undoable(batch: ImportBatch) -> bool:
    """May an import of ``batch``'s register be undone at all? Not a history (a
    project's stage changes): what the import recorded moved other records on,
    and is corrected where it is kept, not deleted."""
    return get_spec(batch.register).extra.get("undo", True)


def undo_request(*, batch: ImportBatch, actor) -> tuple[ImportBatch, ImportJob | None]:
    """Undo ``batch`` now, or, above PARKOPS_IMPORT_BACKGROUND_ROWS rows, as a
    background job with progress like an import's (pages and API alike).
    Returns the batch and the job, if one was started (or is already running)."""
    from parkops.core.exchange import jobs

    _refuse_undo(batch, actor)
    rows = batch.created_count + batch.updated_count
    if rows - batch.undone_items <= settings.PARKOPS_IMPORT_BACKGROUND_ROWS:
        return import_undo(batch=batch, actor=actor), None
    running = (
        ImportJob.objects.restrict(actor)
        .filter(park=batch.park, batch=batch, mode=ImportJob.Mode.UNDO)
        .exclude(status__in=[ImportJob.Status.FAILED, ImportJob.Status.DONE])
        .first()
    )
    if running is not None and not jobs.undo_interrupted(running):
        return batch, running
    if running is not None:  # its worker died: the undo resumes in a new job
        jobs.job_interrupted(running)
    job = jobs.job_start(
        token="",
        actor=actor,
        park=batch.park,
        register=batch.register,
        file_name=batch.file_name,
        mode=ImportJob.Mode.UNDO,
        rows=rows,
        batch=batch,
    )
    return batch, job


def import_undo(*, batch: ImportBatch, actor, progress=None) -> ImportBatch:
    """Undo a whole batch, if none of its objects changed since; otherwise refuse,
    naming the rows whose objects changed. ``progress(done, total)`` as for an import."""
    spec = get_spec(batch.register)
    model = spec.model
    _refuse_undo(batch, actor)
    if bulk_capable(spec):
        return _undo_in_bulk(spec, actor, batch, progress)
    # One transaction: a worker that dies in it leaves nothing undone, and its
    # free claim tells the next worker to run the undo again (``jobs``).
    with batch_claim(batch), transaction.atomic():
        batch = ImportBatch.objects.restrict(actor).select_for_update().get(pk=batch.pk)
        _refuse_state(batch)
        items = list(ImportItem.objects.unscoped().filter(park=batch.park, batch=batch))
        objects = {
            str(obj.pk): obj
            for obj in model.objects.restrict(actor, permissions.VIEW).filter(
                park=batch.park, pk__in=[item.object_id for item in items]
            )
        }
        changed = sorted(
            item.row
            for item in items
            if item.object_id not in objects
            or audit.snapshot(objects[item.object_id]) != item.after
        )
        if changed:
            raise ValidationError(
                _("Cannot undo: the records of rows %(rows)s changed after the import.")
                % {"rows": "、".join(map(str, changed))}
            )
        with audit.chain_held():
            for item in reversed(items):
                obj = objects[item.object_id]
                if item.action == "update":
                    object_update(obj=obj, actor=actor, fields=_restorable(item.before, model))
                else:
                    _delete_created(obj, actor, item.row)
            batch.status = ImportBatch.Status.UNDONE
            batch.undone_at = timezone.now()
            batch.save(update_fields=["status", "undone_at"])
            audit.record(
                actor=actor,
                action=AuditEntry.Action.DELETE,
                obj=batch,
                after={"undone": True, "items": len(items)},
            )
    return batch


def _claim_path(name: str):
    # Named after the database too: two databases served from one folder (a
    # test run beside the server) number their batches alike.
    from django.db import connection

    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:8]
    return upload_dir() / f"{name}-{database}.claim"


@contextlib.contextmanager
def _claim(name: str, message: str):
    """Held by the one process doing ``name``'s work: a lock on a claim file,
    which the system lets go when the process ends, however it ends. Refused
    (``ValidationError(message)``) while another process holds it."""
    path = _claim_path(name)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise ValidationError(message) from error
        os.utime(path)  # not a stale upload to purge while held
        yield


def batch_claim(batch):
    """Held by the one process writing ``batch``: its commit while the batch is
    "committing", or an undo of it. So two undos of a batch never run at once,
    nor an undo beside its commit; and a commit or an undo cut short by a
    worker that died is free to be rolled back or resumed (``recover_interrupted``)."""
    return _claim(f"undo-{batch.pk}", _("This import is being undone already."))


undo_claim = batch_claim


def batch_claimed(batch) -> bool:
    """Is a commit or an undo of ``batch`` running now (in any process on this server)?"""
    try:
        with batch_claim(batch):
            return False
    except ValidationError:
        return True


undo_claimed = batch_claimed


def job_claim(job):
    """Held by the worker running ``job`` (``jobs.run_job``)."""
    return _claim(f"job-{job.pk}", _("This file is being imported already."))


def job_claimed(job) -> bool:
    try:
        with job_claim(job):
            return False
    except ValidationError:
        return True


def recover_interrupted(left: list[int] | None = None) -> list[int]:
    """Roll back each commit a worker that died left half written: a batch
    still "committing" whose claim nobody holds. Every row its short
    transactions wrote is reversed as an undo reverses it (deleted, or put
    back as it was; each audited, by the system), after those a roll back cut
    short reversed already, and the batch is marked failed: the page says the
    import was interrupted, how many rows were withdrawn, and to import the
    file again. A batch whose roll back stopped at a row in the way (a record
    others use now, or one changed since) is left "being undone" for its
    importer's undo, and appended to ``left`` (if given). Run by a worker as it
    starts and before each job. Returns the batches rolled back."""
    recovered = []
    committing = ImportBatch.objects.unscoped().filter(status=ImportBatch.Status.COMMITTING)
    for pk in committing.values_list("pk", flat=True):
        batch = ImportBatch.objects.unscoped().select_related("park").get(pk=pk)
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(batch_claim(batch))
            except ValidationError:  # its commit (or a roll back of it) is running
                continue
            batch.refresh_from_db()
            if batch.status != ImportBatch.Status.COMMITTING:
                continue  # its commit finished between the two reads
            try:
                rolled_back = bulk.roll_back(
                    spec=get_spec(batch.register),
                    actor=permissions.SYSTEM,
                    batch=batch,
                    final=ImportBatch.Status.FAILED,
                )
            except DatabaseError:
                # Busy beyond the timeout: the batch stays committing, tried
                # again by the next worker or job; the work in hand goes on.
                logger.exception("Import batch %s could not be rolled back yet.", batch.pk)
                continue
            if rolled_back:
                recovered.append(batch.pk)
            elif left is not None:
                left.append(batch.pk)
    return recovered


def _undo_in_bulk(spec, actor, batch, progress) -> ImportBatch:
    """The undo of a bulk-capable register, in short transactions like the
    commit (``bulk.reverse``). Every check is read first, outside any
    transaction, a batch of rows at a time: a record changed since the import
    or used by other records now refuses the undo before anything is written.
    One undo of a batch at a time (``undo_claim``). An undo cut short (the
    batch is "being undone") goes on after the rows it undid. Returns the
    batch as undone."""
    with undo_claim(batch):
        batch = ImportBatch.objects.unscoped().select_related("park").get(pk=batch.pk)
        _refuse_state(batch)
        _undo_rows_in_bulk(spec, actor, batch, progress)
    return batch


def _undo_rows_in_bulk(spec, actor, batch, progress) -> None:
    model = spec.model
    ids = bulk.undo_order(batch)
    total = len(ids)
    # The undo takes the rows last first; those an earlier undo of this batch
    # took before it was cut short are undone already.
    ids = ids[batch.undone_items :]
    creates = ImportItem.objects.unscoped().filter(park=batch.park, batch=batch, action="create")
    if not permissions.can(actor, model, permissions.ADD, batch.park_id) and creates.exists():
        permissions.deny()
    changed: list[int] = []
    for chunk in bulk.item_chunks(spec, batch, ids):
        objects = {
            obj.pk: obj
            for obj in model.objects.restrict(actor, permissions.VIEW).filter(
                park=batch.park, pk__in=[w.obj.pk for w in chunk]
            )
        }
        changed.extend(
            w.row
            for w in chunk
            if w.obj.pk not in objects or audit.snapshot(objects[w.obj.pk]) != w.after
        )
        if changed:
            continue
        created = [objects[w.obj.pk] for w in chunk if w.action == "create"]
        if created and _blocked(created):
            # Rare: find the rows to name, one record at a time.
            for w in chunk:
                if w.action == "create":
                    _check_deletable(objects[w.obj.pk], w.row)
    if changed:
        raise ValidationError(
            _("Cannot undo: the records of rows %(rows)s changed after the import.")
            % {"rows": "、".join(map(str, sorted(changed)))}
        )
    pace = bulk.Pace()
    try:
        bulk.reverse(
            spec=spec,
            actor=actor,
            batch=batch,
            chunks=bulk.item_chunks(spec, batch, ids, pace),
            total=total,
            progress=progress,
            pace=pace,
        )
    except bulk.UndoFailed as failure:
        error = failure.__cause__
        detail = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        raise ValidationError(
            _("The undo failed while writing and was reversed; nothing was undone. %(detail)s")
            % {"detail": detail}
        ) from failure
    except bulk.UndoIncomplete as failure:
        raise ValidationError(
            _(
                "The undo failed while writing, and the rows %(rows)s could not be put "
                "back because they were changed meanwhile: they stay undone."
            )
            % {"rows": "、".join(map(str, failure.rows))}
        ) from failure


def _blocked(created) -> bool:
    """Do other records depend on any of ``created`` now?"""
    collector = Collector(using="default")
    try:
        collector.collect(created)
    except ProtectedError:
        return True
    dependants = sum(len(objs) for objs in collector.data.values()) - len(created)
    return bool(dependants) or any(qs.exists() for qs in collector.fast_deletes)


def _check_deletable(obj, row: int) -> None:
    collector = Collector(using="default")
    try:
        collector.collect([obj])
    except ProtectedError as error:
        raise ValidationError(
            _("Cannot undo: row %(row)d's record is used by other records now.") % {"row": row}
        ) from error
    dependants = sum(len(objs) for objs in collector.data.values()) - 1
    if dependants or any(qs.exists() for qs in collector.fast_deletes):
        raise ValidationError(
            _("Cannot undo: row %(row)d's record is used by other records now.") % {"row": row}
        )


def _delete_created(obj, actor, row: int) -> None:
    """Delete what an import created, unless other records depend on it by now."""
    if not permissions.can(actor, type(obj), permissions.ADD, obj.park_id):
        permissions.deny(_("You do not have permission to do this."))
    collector = Collector(using="default")
    try:
        collector.collect([obj])
    except ProtectedError as error:
        raise ValidationError(
            _("Cannot undo: row %(row)d's record is used by other records now.") % {"row": row}
        ) from error
    # Cascaded rows sit in ``data`` or, when Django can delete them in one query
    # (no signals, no further relations), as querysets in ``fast_deletes``.
    dependants = sum(len(objs) for objs in collector.data.values()) - 1
    if dependants or any(qs.exists() for qs in collector.fast_deletes):
        raise ValidationError(
            _("Cannot undo: row %(row)d's record is used by other records now.") % {"row": row}
        )
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, obj=obj, before=audit.snapshot(obj))
    type(obj).objects.unscoped().filter(pk=obj.pk).delete()
