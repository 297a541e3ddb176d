"""The imports through the API: upload for a preview, then commit; batches and undo."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from parkops.core.api_base import get_scoped, resolve_park, user_of
from parkops.core.api_routes import add_read_routes
from parkops.core.exchange import services
from parkops.core.exchange.importer import Outcome, run_import
from parkops.core.exchange.spec import get_spec
from parkops.core.models import ImportBatch
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
    status: str
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
    }


def _spec(register: str):
    try:
        return get_spec(register)
    except KeyError as error:
        raise Http404 from error


@router.post("/imports/{register_key}/preview", response=ImportOut, operation_id="import_preview")
def import_preview(
    request, register_key: str, file: UploadedFile = File(...), park: int | None = None
):
    """Upload a spreadsheet; nothing is saved. Commit the returned token when ``ok``."""
    register = register_key
    spec = _spec(register)
    target = resolve_park(request, park, spec.model)
    data = file.read()
    outcome = run_import(
        spec=spec,
        actor=user_of(request),
        park=target,
        data=data,
        file_name=file.name,
        commit=False,
    )
    token = None
    if not outcome.file_errors:
        token = services.upload_hold(
            data=data, file_name=file.name, user=user_of(request), park=target, register=register
        )
    return _out(outcome, token)


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
    response=ImportBatchOut,
    operation_id="importbatch_undo",
    url_name="importbatch_undo",
)
def import_batch_undo(request, pk: int):
    """Undo a whole batch while none of its records changed since (422 otherwise)."""
    batch = get_scoped(ImportBatch, request, pk)
    return services.import_undo(batch=batch, actor=user_of(request))
