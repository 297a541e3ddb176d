"""The imports through the API: upload for a preview, then commit; batches and undo."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, File, Router, Status
from ninja.files import UploadedFile

from parkops.core.api_base import Schema, get_scoped, resolve_park, user_of
from parkops.core.api_routes import add_read_routes
from parkops.core.exchange import jobs, services
from parkops.core.exchange.importer import Outcome
from parkops.core.exchange.spec import get_spec
from parkops.core.models import ImportBatch, ImportJob
from parkops.core.selectors import import_batch_list

router = Router(tags=["imports"])


class ProblemOut(Schema):
    row: int
    column: str
    header: str
    message: str


class ImportOut(Schema):
    token: str | None = None
    ok: bool
    counts: dict[str, int]
    file_errors: list[str]
    warnings: list[str] = []  # e.g. columns of the file that were ignored
    problems: list[ProblemOut]
    batch_id: int | None = None
    # A commit that failed and could not withdraw every row it wrote: its
    # batch, left "undoing" for the importer to undo (file_errors says so).
    left_batch_id: int | None = None


class CommitIn(Schema):
    token: str


class ImportBatchOut(Schema):
    id: int
    park_id: int
    register_key: str
    file_name: str
    sha256: str
    created_count: int
    updated_count: int
    unchanged_count: int
    duration_ms: int
    status: str  # committed, undoing (an undo cut short: rows undone so far below), undone
    undone_items: int
    created_at: datetime.datetime
    undone_at: datetime.datetime | None

    @staticmethod
    def resolve_register_key(obj) -> str:
        # "register" itself is a reserved name on pydantic models.
        return obj.register


def _out(outcome: Outcome, token=None) -> dict:
    return {
        "token": token,
        "ok": outcome.ok,
        "counts": outcome.counts,
        "file_errors": outcome.file_errors,
        "warnings": outcome.warnings,
        "problems": outcome.problems,
        "batch_id": outcome.batch.pk if outcome.batch else None,
        "left_batch_id": outcome.left.pk if outcome.left else None,
    }


def _spec(register: str):
    try:
        return get_spec(register)
    except KeyError as error:
        raise Http404 from error


class ImportJobOut(Schema):
    """A background preview, commit or undo; poll it until ``status`` is done."""

    id: int
    mode: str
    status: str
    token: str | None = None
    done: int
    total: int
    result: dict | None = None  # the preview's or commit's outcome, when done
    # Linked from the commit's first transaction on, while the commit runs.
    batch_id: int | None = Field(
        None,
        description=(
            "The import batch: of an undo, the one undone; of a commit, the one it writes, "
            'set while the commit runs (the batch\'s status is then "committing"), not only '
            "once the job is done."
        ),
    )


def _job_out(job) -> dict:
    done, total = jobs.read_progress(job)
    return {
        "id": job.pk,
        "mode": job.mode,
        "status": job.status,
        "token": job.token or None,
        "done": done,
        "total": total,
        "result": job.result,
        "batch_id": job.batch_id,
    }


@router.post(
    "/imports/{register_key}/preview",
    response={200: ImportOut, 202: ImportJobOut},
    operation_id="import_preview",
)
def import_preview(
    request, register_key: str, file: UploadedFile = File(...), park: int | None = None
):
    """Upload a spreadsheet; nothing is saved. Commit the returned token when ``ok``.

    A file above the background threshold (as on the import page) is previewed
    by a background job instead: the answer is 202 with the job, to poll at
    ``/import-jobs/{id}`` and, once its result is ``ok``, to commit there.
    """
    spec = _spec(register_key)
    target = resolve_park(request, park, spec.model)
    preview = services.import_preview(
        spec=spec, actor=user_of(request), park=target, data=file.read(), file_name=file.name
    )
    if preview.job is not None:
        return Status(202, _job_out(preview.job))
    return _out(preview.outcome, preview.token)


def _own_job(request, pk: int):
    job = get_scoped(ImportJob, request, pk)
    if job.actor_id != user_of(request).pk:
        raise Http404
    return job


@router.get(
    "/import-jobs/{pk}",
    response=ImportJobOut,
    operation_id="importjob_detail",
    url_name="importjob_detail",
)
def import_job_detail(request, pk: int):
    """A background job of the caller's: its progress, then its result."""
    return _job_out(_own_job(request, pk))


@router.post(
    "/import-jobs/{pk}/commit",
    response={202: ImportJobOut},
    operation_id="importjob_commit",
    url_name="importjob_commit",
)
def import_job_commit(request, pk: int):
    """Commit what a background preview showed, in the background too (a second
    call answers with the commit already under way)."""
    job = jobs.job_commit(preview=_own_job(request, pk), actor=user_of(request))
    return Status(202, _job_out(job))


@router.post(
    "/imports/{register_key}/commit",
    response={200: ImportOut, 422: ImportOut},
    operation_id="import_commit",
)
def import_commit(request, register_key: str, payload: CommitIn):
    """Import a previewed upload: all rows or, if any row fails now, none (422)."""
    _spec(register_key)
    outcome = services.import_commit(
        token=payload.token, actor=user_of(request), register=register_key
    )
    return Status(200 if outcome.batch else 422, _out(outcome, payload.token))


add_read_routes(
    router,
    path="/import-batches",
    selector=import_batch_list,
    schema=ImportBatchOut,
)


@router.post(
    "/import-batches/{pk}/undo",
    response={200: ImportBatchOut, 202: ImportJobOut},
    operation_id="importbatch_undo",
    url_name="importbatch_undo",
)
def import_batch_undo(request, pk: int):
    """Undo a whole batch while none of its records changed since (422 otherwise).

    A batch above the background threshold is undone by a background job: the
    answer is 202 with the job, to poll at ``/import-jobs/{id}``. A batch whose
    undo was cut short (status ``undoing``) is undone from where it stopped."""
    batch = get_scoped(ImportBatch, request, pk)
    batch, job = services.undo_request(batch=batch, actor=user_of(request))
    if job is not None:
        return Status(202, _job_out(job))
    return batch
