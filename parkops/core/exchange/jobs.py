"""Large imports in the background (django-tasks, database backend).

Above PARKOPS_IMPORT_BACKGROUND_ROWS rows, the preview, the commit and the
undo run as tasks picked up by `manage.py run_worker`; the page (or an API
client) follows the job's progress, which survives a reload. The commit is
still all rows or none (``exchange.bulk``).
"""

from __future__ import annotations

import contextlib
import json
import os

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from parkops.core import audit, permissions
from parkops.core.exchange import services
from parkops.core.exchange.importer import Outcome, run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import AuditEntry, ImportBatch, ImportJob

MAX_PROBLEMS_KEPT = 500


def _progress_path(job_id: int):
    return services.upload_dir() / f"job-{job_id}.progress"


def write_progress(job_id: int, done: int, total: int) -> None:
    """Progress lives in a file: the import's transaction hides its own writes."""
    path = _progress_path(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": done, "total": total}))
    os.replace(temporary, path)


def read_progress(job: ImportJob) -> tuple[int, int]:
    if job.status == ImportJob.Status.DONE:
        return job.total_rows, job.total_rows
    try:
        data = json.loads(_progress_path(job.pk).read_text())
    except (FileNotFoundError, ValueError):
        return 0, job.total_rows
    return data["done"], data["total"]


def outcome_summary(outcome: Outcome) -> dict:
    return {
        "ok": outcome.ok,
        "counts": outcome.counts,
        "file_errors": outcome.file_errors,
        "warnings": outcome.warnings,
        "problems": [vars(problem) for problem in outcome.problems[:MAX_PROBLEMS_KEPT]],
        "problem_count": len(outcome.problems),
        # A failed commit that left rows behind: the batch to open.
        "left": outcome.left.pk if outcome.left is not None else None,
    }


def job_start(
    *, token: str, actor, park, register: str, file_name: str, mode: str, rows: int, batch=None
):
    """Queue a background preview or commit of a held upload, or the undo of ``batch``."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            park=park,
            register=register,
            actor=actor,
            token=token,
            file_name=file_name[:255],
            mode=mode,
            total_rows=rows,
            batch=batch,
        )
        audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=job, after={"mode": mode})
        # The database backend stores the task in this same transaction: the job
        # and its task exist together or not at all.
        run_job.enqueue(job.pk)
    return job


def job_commit(*, preview: ImportJob, actor) -> ImportJob:
    """Queue the commit of what a background preview showed; a second request
    (a double click, a reload) gets the commit already under way."""
    if preview.actor_id != actor.pk or preview.mode != ImportJob.Mode.PREVIEW:
        permissions.deny()
    if not (preview.result or {}).get("ok"):
        permissions.deny()
    started = (
        ImportJob.objects.restrict(actor)
        .filter(park=preview.park, token=preview.token, mode=ImportJob.Mode.COMMIT)
        .exclude(status=ImportJob.Status.FAILED)
        .first()
    )
    if started is not None:
        return started
    return job_start(
        token=preview.token,
        actor=actor,
        park=preview.park,
        register=preview.register,
        file_name=preview.file_name,
        mode=ImportJob.Mode.COMMIT,
        rows=preview.total_rows,
    )


def undo_interrupted(job: ImportJob) -> bool:
    """Was the worker running this undo stopped (it died, or was restarted)?
    A running undo holds its job's claim and, while it writes, its batch's
    (in bulk or in one transaction alike); a queued one is still to come."""
    return (
        job.mode == ImportJob.Mode.UNDO
        and job.status == ImportJob.Status.RUNNING
        and job.batch is not None
        and not services.job_claimed(job)
        and not services.undo_claimed(job.batch)
    )


# A batch in these states still has rows of its file in the registers: a job
# that stops keeps its link, so that its page leads to what is there.
_HOLDING_ROWS = (
    ImportBatch.Status.COMMITTING,
    ImportBatch.Status.COMMITTED,
    ImportBatch.Status.UNDOING,
)


def job_interrupted(job: ImportJob, left: ImportBatch | None = None) -> None:
    """Record that ``job``'s worker stopped before it finished; ``left``: the
    batch its commit wrote, which could not be rolled back in full (left
    "being undone" for the importer's undo), linked from the job. The job
    keeps its link to any batch that still has rows (an undo's batch, a
    commit's not rolled back yet); only one rolled back in full is let go."""
    result = {"error": "interrupted: the worker stopped", "interrupted": True}
    if left is not None:
        result = {
            "error": "interrupted: the worker stopped; rows it wrote are left to undo",
            "interrupted": True,
            "left": left.pk,
        }
    batch = left
    if batch is None and job.batch_id is not None:
        batch = ImportBatch.objects.unscoped().filter(pk=job.batch_id, status__in=_HOLDING_ROWS)
        batch = batch.first()
    ImportJob.objects.unscoped().filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED,
        # The page shows its own translated sentence for "interrupted"; the
        # English error stays for the API's clients and the logs.
        result=result,
        batch=batch,
        finished_at=timezone.now(),
    )


def _committed_summary(batch: ImportBatch) -> dict:
    """A finished commit's result (``outcome_summary``) read from its batch: for
    a job whose worker stopped after the batch's last transaction, before it
    recorded the job done."""
    counts = {
        "create": batch.created_count,
        "update": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "error": 0,
    }
    return {
        "ok": True,
        "counts": counts,
        "file_errors": [],
        "warnings": [],
        "problems": [],
        "problem_count": 0,
        "left": None,
    }


def _job_committed(job: ImportJob, batch: ImportBatch) -> None:
    """Record ``job`` done with the batch its commit finished (the worker
    stopped after the last transaction, in the clean up before the job's own
    update): the file is imported, and its held upload let go."""
    if job.token:
        with contextlib.suppress(OSError):  # left to expire (``purge_stale_uploads``)
            services.upload_discard(job.token)
    ImportJob.objects.unscoped().filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.DONE,
        result=_committed_summary(batch),
        batch=batch,
        finished_at=timezone.now(),
    )
    _progress_path(job.pk).unlink(missing_ok=True)


def _left_by(job: ImportJob) -> ImportBatch | None:
    """The batch ``job``'s commit wrote if its roll back stopped at a row in
    the way (``services.recover_interrupted``, run by this worker or before
    another's job), left "being undone": the job's own batch, linked in the
    transaction that created it (``_link_batch``)."""
    batch = job.batch if job.mode == ImportJob.Mode.COMMIT else None
    return batch if batch is not None and batch.status == ImportBatch.Status.UNDOING else None


def resume_interrupted() -> list[int]:
    """Queue again each undo a stopped worker left unfinished (its batch
    "being undone", or not started yet): it goes on after the rows it undid,
    in the same job, whose page the user may be watching. Run by a worker as
    it starts. Before that, a commit a stopped worker left half written is
    rolled back (``services.recover_interrupted``) and its job, like a
    preview's, marked interrupted; a commit whose batch was written in full
    (the worker stopped in the clean up after it) is marked done. Returns the
    undo jobs queued again."""
    services.recover_interrupted()
    stopped = ImportJob.objects.unscoped().filter(
        mode__in=[ImportJob.Mode.PREVIEW, ImportJob.Mode.COMMIT], status=ImportJob.Status.RUNNING
    )
    for job in stopped.select_related("batch"):
        if services.job_claimed(job):
            continue
        if (
            job.mode == ImportJob.Mode.COMMIT
            and job.batch is not None
            and job.batch.status == ImportBatch.Status.COMMITTED
        ):
            _job_committed(job, job.batch)
        else:
            job_interrupted(job, _left_by(job))
    resumed = []
    running = ImportJob.objects.unscoped().filter(
        mode=ImportJob.Mode.UNDO, status=ImportJob.Status.RUNNING
    )
    for job in running.select_related("batch"):
        if not undo_interrupted(job):
            continue
        with transaction.atomic():
            if (
                ImportJob.objects.unscoped()
                .filter(pk=job.pk, status=ImportJob.Status.RUNNING)
                .update(status=ImportJob.Status.QUEUED)
            ):
                run_job.enqueue(job.pk)
                resumed.append(job.pk)
    return resumed


def _link_batch(job: ImportJob, batch: ImportBatch) -> None:
    """Record on a commit's job the batch it is writing, in the transaction that
    creates the batch: if the worker dies before the last one, the next worker
    finds what it wrote by this link (``_left_by``), not by the file's name."""
    ImportJob.objects.unscoped().filter(pk=job.pk).update(batch=batch)


@task()
def run_job(job_id: int) -> None:
    job = ImportJob.objects.unscoped().select_related("park", "actor").get(pk=job_id)
    # A commit another worker left half written is rolled back before any
    # new work (a worker that dies is restarted, and this one may have been
    # running beside it).
    services.recover_interrupted()
    # Held while the job runs: a job left running without it was stopped.
    with services.job_claim(job):
        _run_job(job)


def _run_job(job: ImportJob) -> None:
    ImportJob.objects.unscoped().filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    if job.mode == ImportJob.Mode.UNDO:
        _run_undo(job)
        return
    try:
        data, meta = services.upload_load(token=job.token, user=job.actor, register=job.register)
        outcome = run_import(
            spec=get_spec(job.register),
            actor=job.actor,
            park=job.park,
            data=data,
            file_name=meta["file"],
            commit=job.mode == ImportJob.Mode.COMMIT,
            progress=lambda done, total: write_progress(job.pk, done, total),
            validated=(
                services.validated_load(job.token) if job.mode == ImportJob.Mode.COMMIT else None
            ),
            on_batch=lambda batch: _link_batch(job, batch),
        )
        if job.mode == ImportJob.Mode.PREVIEW:
            services.validated_keep(job.token, outcome.validated)
        if outcome.batch is not None:
            services.upload_discard(job.token)
        ImportJob.objects.unscoped().filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            result=outcome_summary(outcome),
            batch=outcome.batch,
            finished_at=timezone.now(),
        )
    except Exception as error:
        # A commit whose batch is written in full is done, whatever failed in
        # the clean up after it (letting the held file go).
        committed = ImportBatch.objects.unscoped().filter(
            importjob=job.pk, status=ImportBatch.Status.COMMITTED
        )
        if job.mode == ImportJob.Mode.COMMIT and (batch := committed.first()) is not None:
            _job_committed(job, batch)
        else:
            ImportJob.objects.unscoped().filter(pk=job.pk).update(
                status=ImportJob.Status.FAILED,
                result={"error": str(error)[:500]},
                finished_at=timezone.now(),
            )
        raise
    finally:
        _progress_path(job.pk).unlink(missing_ok=True)


def _run_undo(job: ImportJob) -> None:
    from django.core.exceptions import ValidationError

    try:
        try:
            services.import_undo(
                batch=job.batch,
                actor=job.actor,
                progress=lambda done, total: write_progress(job.pk, done, total),
            )
            result = {"ok": True, "file_errors": []}
        except ValidationError as error:  # a record changed since: refused, nothing undone
            result = {"ok": False, "file_errors": error.messages}
        ImportJob.objects.unscoped().filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, result=result, finished_at=timezone.now()
        )
    except Exception as error:
        ImportJob.objects.unscoped().filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            result={"error": str(error)[:500]},
            finished_at=timezone.now(),
        )
        raise
    finally:
        _progress_path(job.pk).unlink(missing_ok=True)
