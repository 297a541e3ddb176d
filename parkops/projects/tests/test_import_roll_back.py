"""An import's roll back that meets a row another record now uses: a
colleague's project whose investor (PROTECT) is an enterprise the import wrote.
Here rather than beside the other background-import tests
(parkops/enterprises/tests/test_exchange_jobs.py), since enterprises may not
import projects."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parkops.core import audit
from parkops.core.exchange import jobs, services
from parkops.core.models import ImportBatch, ImportJob
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_user, running_job, sign_in, xlsx_bytes
from parkops.enterprises.models import Enterprise
from parkops.enterprises.tests.test_exchange_jobs import half_committed, imported, rows
from parkops.projects.testing import make_project


@pytest.fixture
def officer(client):
    user = make_user(Role.STATISTICS_OFFICER, park=make_park())
    sign_in(client, user)
    return user


def used_by_a_project(enterprise):
    """A colleague's project whose investor (PROTECT) is ``enterprise``."""
    return make_project(enterprise.park, investor=enterprise)


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_whose_rows_are_used_meanwhile_is_left_to_undo(
    client, officer, monkeypatch
):
    from django.db import DatabaseError
    from django.utils import translation

    from parkops.core.exchange import bulk
    from parkops.core.exchange.importer import run_import
    from parkops.core.exchange.spec import get_spec

    monkeypatch.setattr(bulk, "BATCH_ROWS", 20)
    real = bulk._write_chunk
    calls = []

    def write_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # the third transaction fails: the disk is full
            raise DatabaseError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_write_chunk", write_chunk)
    used = []

    def progress(done, total):
        # Between two transactions of the commit, a colleague links a project
        # to the first enterprise it wrote.
        first = Enterprise.objects.unscoped().filter(name="后台导入0有限公司").first()
        if first is not None and not used:
            used.append(used_by_a_project(first))

    park = officer.memberships.get().park
    with translation.override("zh-hans"):
        outcome = run_import(
            spec=get_spec("enterprises"),
            actor=officer,
            park=park,
            data=xlsx_bytes(rows(60)),
            file_name="大文件.xlsx",
            commit=True,
            progress=progress,
        )
    batch = ImportBatch.objects.unscoped().get()
    assert outcome.batch is None and outcome.left == batch
    assert batch.status == ImportBatch.Status.UNDOING
    # Rows 40 to 21 were withdrawn; the chunk holding the used enterprise was not.
    assert batch.undone_items == 20
    assert imported() == 20
    assert Enterprise.objects.unscoped().filter(pk=used[0].investor_id).exists()
    assert outcome.file_errors == [
        "导入失败；已写入的部分行因已被其他记录引用或已被修改而无法撤回，请打开该导入批次撤销或处理。"
    ]
    assert audit.audit_verify().ok
    # A background commit's page says the same and links the batch.
    job = ImportJob.objects.unscoped().create(
        park=park,
        register=batch.register,
        actor=officer,
        token="t",
        file_name=batch.file_name,
        mode=ImportJob.Mode.COMMIT,
        status=ImportJob.Status.DONE,
        result=jobs.outcome_summary(outcome),
    )
    job_page = client.get(reverse("exchange:importjob_detail", args=[job.pk])).content.decode()
    assert "无法撤回，请打开该导入批次撤销或处理。" in job_page
    assert batch.get_absolute_url() in job_page
    # The importer's undo names the row in the way.
    with pytest.raises(ValidationError, match="第 2 行的记录已被其他记录引用"):
        services.import_undo(batch=batch, actor=officer)


@pytest.mark.django_db(transaction=True)
def test_a_dead_commit_whose_rows_are_used_meanwhile_is_left_to_undo(client, officer, monkeypatch):
    batch = half_committed(officer, monkeypatch)
    job = running_job(batch)  # the commit's job, left running too
    used_by_a_project(Enterprise.objects.unscoped().get(name="后台导入0有限公司"))
    left = []
    assert services.recover_interrupted(left) == [] and left == [batch.pk]
    jobs.resume_interrupted()  # as the next worker does when it starts
    batch.refresh_from_db()
    job.refresh_from_db()
    # Rows 40 to 21 were withdrawn (transactions of 20); row 1's chunk was not.
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.UNDOING, 20)
    assert imported() == 20
    assert job.status == ImportJob.Status.FAILED
    assert (job.result["left"], job.batch) == (batch.pk, batch)
    assert audit.audit_verify().ok
    job_page = client.get(reverse("exchange:importjob_detail", args=[job.pk])).content.decode()
    assert "后台处理进程中途停止，已写入的部分行因已被其他记录引用或已被修改而无法撤回" in job_page
    assert "已写入的行已撤回" not in job_page
    assert batch.get_absolute_url() in job_page
    with pytest.raises(ValidationError, match="第 2 行的记录已被其他记录引用"):
        services.import_undo(batch=batch, actor=officer)
