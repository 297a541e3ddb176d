"""Large imports run in the background with visible progress, all or nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from parkops.core import audit
from parkops.core.exchange import jobs, services
from parkops.core.models import AuditEntry, ImportBatch, ImportJob
from parkops.core.permissions import Role
from parkops.core.testing import (
    make_park,
    make_token,
    make_user,
    queued_job,
    running_job,
    sign_in,
    xlsx_bytes,
)
from parkops.enterprises.models import Enterprise
from parkops.enterprises.uscc import make_uscc

pytestmark = pytest.mark.django_db
HEADER = ["企业名称", "统一社会信用代码", "状态"]


def rows(n, bad_row=None, first=0):
    # Distinct credit codes by construction (random ones collide among 50,000).
    data = [HEADER] + [
        [f"后台导入{i}有限公司", make_uscc(f"91321300{i:09d}"), "在园企业"]
        for i in range(first, first + n)
    ]
    if bad_row is not None:
        data[bad_row][1] = "123"
    return data


def upload(client, data):
    handle = io.BytesIO(xlsx_bytes(data))
    handle.name = "大文件.xlsx"
    return client.post(reverse("exchange:import", args=["enterprises"]), {"file": handle})


def work():
    """What `manage.py db_worker` does in production, run to completion here.

    The worker closes its database connection when it is done, as a separate
    process would; tests that call it therefore run with real transactions
    (`django_db(transaction=True)`), not inside the test's own atomic block.
    """
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def officer(client):
    park = make_park()
    user = make_user(Role.STATISTICS_OFFICER, park=park)
    sign_in(client, user)
    return user


@pytest.mark.django_db(transaction=True)
@override_settings(PARKOPS_IMPORT_BACKGROUND_ROWS=20)
def test_large_file_is_previewed_then_committed_in_the_background(client, officer):
    response = upload(client, rows(60))
    job = ImportJob.objects.unscoped().get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == ImportJob.Status.QUEUED and job.total_rows == 60
    assert AuditEntry.objects.filter(object_type="core.importjob", object_id=str(job.pk)).exists()
    page = client.get(job.get_absolute_url())  # a reload shows the same job
    assert page.status_code == 200 and 'hx-trigger="every 2s"' in page.content.decode()
    work()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["counts"]["create"] == 60
    assert not Enterprise.objects.unscoped().exists()  # a preview saves nothing
    # The preview kept its validated rows for the commit (sealed beside the file).
    assert services.validated_load(job.token) is not None
    response = client.post(reverse("exchange:importjob_commit", args=[job.pk]))
    again = client.post(reverse("exchange:importjob_commit", args=[job.pk]))  # a double click
    commit_job = ImportJob.objects.unscoped().get(mode=ImportJob.Mode.COMMIT)
    assert again["Location"] == response["Location"] == commit_job.get_absolute_url()
    work()
    commit_job.refresh_from_db()
    assert commit_job.batch is not None and commit_job.batch.created_count == 60
    assert Enterprise.objects.unscoped().count() == 60
    assert services.validated_load(job.token) is None  # deleted with the held file
    assert "every 2s" not in client.get(commit_job.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
@override_settings(PARKOPS_IMPORT_BACKGROUND_ROWS=20)
def test_a_bad_row_in_a_large_file_saves_nothing(client, officer):
    upload(client, rows(60, bad_row=45))
    work()
    job = ImportJob.objects.unscoped().get()
    assert not job.result["ok"]
    assert job.result["problems"][0]["row"] == 46
    assert client.post(reverse("exchange:importjob_commit", args=[job.pk])).status_code == 403
    assert not Enterprise.objects.unscoped().exists()


def test_progress_is_written_while_the_import_runs(monkeypatch, officer):
    seen = []
    monkeypatch.setattr(jobs, "write_progress", lambda job_id, done, total: seen.append(done))
    park = officer.memberships.get().park
    data = xlsx_bytes(rows(600))
    job = queued_job(officer, park, "enterprises", data, 600, mode=ImportJob.Mode.COMMIT)
    jobs.run_job.call(job.pk)
    assert seen[0] == 0 and seen[-1] == 600 and len(seen) >= 3
    assert ImportBatch.objects.unscoped().get().created_count == 600


def test_someone_elses_job_is_not_found(client, officer):
    park = officer.memberships.get().park
    job = ImportJob.objects.create(
        park=park,
        register="enterprises",
        actor=officer,
        token="t",
        file_name="x.xlsx",
        mode=ImportJob.Mode.PREVIEW,
    )
    sign_in(client, make_user(Role.STATISTICS_OFFICER, park=park))
    assert client.get(job.get_absolute_url()).status_code == 404


@pytest.mark.django_db(transaction=True)
@override_settings(PARKOPS_IMPORT_BACKGROUND_ROWS=20)
def test_a_large_file_sent_to_the_api_goes_to_the_background_like_the_page(client, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(officer)}"}
    file = SimpleUploadedFile("大文件.xlsx", xlsx_bytes(rows(60)))
    answer = client.post(
        reverse("api:import_preview", args=["enterprises"]), {"file": file}, **auth
    )
    assert answer.status_code == 202
    job = ImportJob.objects.unscoped().get()
    assert answer.json()["id"] == job.pk and answer.json()["status"] == "queued"
    work()
    polled = client.get(reverse("api:importjob_detail", args=[job.pk]), **auth).json()
    assert polled["status"] == "done" and polled["result"]["counts"]["create"] == 60
    assert not Enterprise.objects.unscoped().exists()  # a preview saves nothing
    commit = client.post(reverse("api:importjob_commit", args=[job.pk]), **auth)
    assert commit.status_code == 202 and commit.json()["mode"] == "commit"
    work()
    done = client.get(reverse("api:importjob_detail", args=[commit.json()["id"]]), **auth).json()
    assert done["batch_id"] == ImportBatch.objects.unscoped().get().pk
    assert Enterprise.objects.unscoped().count() == 60


def test_someone_elses_job_is_not_found_through_the_api(client, officer):
    park = officer.memberships.get().park
    job = ImportJob.objects.create(
        park=park,
        register="enterprises",
        actor=officer,
        token="t",
        file_name="x.xlsx",
        mode=ImportJob.Mode.PREVIEW,
        result={"ok": True},
    )
    colleague = make_user(Role.STATISTICS_OFFICER, park=park)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(colleague)}"}
    assert client.get(reverse("api:importjob_detail", args=[job.pk]), **auth).status_code == 404
    assert client.post(reverse("api:importjob_commit", args=[job.pk]), **auth).status_code == 404
    assert not ImportJob.objects.unscoped().filter(mode=ImportJob.Mode.COMMIT).exists()


def committed(officer, n):
    from parkops.core.exchange.importer import run_import
    from parkops.core.exchange.spec import get_spec

    park = officer.memberships.get().park
    outcome = run_import(
        spec=get_spec("enterprises"),
        actor=officer,
        park=park,
        data=xlsx_bytes(rows(n)),
        file_name="大文件.xlsx",
        commit=True,
    )
    return outcome.batch


@pytest.mark.django_db(transaction=True)
@override_settings(PARKOPS_IMPORT_BACKGROUND_ROWS=20)
def test_a_large_import_is_undone_in_the_background_with_progress(client, officer, monkeypatch):
    batch = committed(officer, 60)
    seen = []
    monkeypatch.setattr(jobs, "write_progress", lambda job_id, done, total: seen.append(done))
    response = client.post(reverse("exchange:importbatch_undo", args=[batch.pk]))
    job = ImportJob.objects.unscoped().get(mode=ImportJob.Mode.UNDO)
    assert response["Location"] == job.get_absolute_url() and job.batch == batch
    assert Enterprise.objects.unscoped().count() == 60  # nothing undone inside the request
    again = client.post(reverse("exchange:importbatch_undo", args=[batch.pk]))  # a double click
    assert again["Location"] == job.get_absolute_url()
    work()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["ok"]
    assert seen[0] == 0 and seen[-1] == 60
    assert not Enterprise.objects.unscoped().exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="undone"' in page and "every 2s" not in page
    deletions = AuditEntry.objects.filter(
        action=AuditEntry.Action.DELETE, object_type="enterprises.enterprise"
    )
    assert deletions.count() == 60  # one audit entry per row undone
    assert audit.audit_verify().ok


@pytest.mark.django_db(transaction=True)
@override_settings(PARKOPS_IMPORT_BACKGROUND_ROWS=20)
def test_a_large_undo_through_the_api_answers_with_its_job(client, officer):
    batch = committed(officer, 60)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(officer)}"}
    answer = client.post(reverse("api:importbatch_undo", args=[batch.pk]), **auth)
    assert answer.status_code == 202 and answer.json()["mode"] == "undo"
    work()
    polled = client.get(reverse("api:importjob_detail", args=[answer.json()["id"]]), **auth)
    assert polled.json()["status"] == "done" and polled.json()["result"]["ok"]
    assert not Enterprise.objects.unscoped().exists()


@pytest.mark.slow_import
@pytest.mark.django_db(transaction=True)
@override_settings(PARKOPS_IMPORT_BACKGROUND_ROWS=5000)
def test_fifty_thousand_rows_in_the_background(client, officer):
    upload(client, rows(50_000))
    job = ImportJob.objects.unscoped().get()
    assert job.total_rows == 50_000
    job.mode = ImportJob.Mode.COMMIT  # straight to the commit: the preview is the same run
    job.save(update_fields=["mode"])
    work()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.result
    assert job.result["ok"], job.result["problems"][:3]
    assert job.batch.created_count == 50_000
    assert Enterprise.objects.unscoped().count() == 50_000
    assert audit.audit_verify().ok  # 50,001 entries, still one unbroken chain


@pytest.mark.django_db(transaction=True)
@override_settings(PARKOPS_IMPORT_BACKGROUND_ROWS=20)
def test_an_undo_whose_worker_died_is_resumed_by_the_next_worker(client, officer, monkeypatch):
    from parkops.core.exchange import bulk

    batch = committed(officer, 60)
    client.post(reverse("exchange:importbatch_undo", args=[batch.pk]))
    job = ImportJob.objects.unscoped().get(mode=ImportJob.Mode.UNDO)
    monkeypatch.setattr(bulk, "BATCH_ROWS", 20)
    real = bulk._reverse_chunk
    calls = []

    def dies_after_the_first_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_reverse_chunk", dies_after_the_first_batch)
    work()
    monkeypatch.setattr(bulk, "_reverse_chunk", real)
    # A worker killed mid-job records nothing more: its job stays running.
    ImportJob.objects.unscoped().filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    batch.refresh_from_db()
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.UNDOING, 20)
    assert jobs.resume_interrupted() == [job.pk]
    work()
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["ok"]
    assert batch.status == ImportBatch.Status.UNDONE and not Enterprise.objects.unscoped().exists()
    deletions = AuditEntry.objects.filter(
        action=AuditEntry.Action.DELETE, object_type="enterprises.enterprise"
    )
    assert deletions.count() == 60
    assert deletions.values("object_id").distinct().count() == 60  # each row once
    assert audit.audit_verify().ok


def test_a_running_undo_is_not_taken_for_an_interrupted_one(officer):
    batch = committed(officer, 3)
    job = running_job(batch, mode=ImportJob.Mode.UNDO)
    with services.undo_claim(batch):  # as the worker running it holds it
        assert not jobs.undo_interrupted(job) and jobs.resume_interrupted() == []
    assert jobs.undo_interrupted(job)


def dies_on_call(monkeypatch, module, name, call):
    """``module.name``, patched to raise on its ``call``-th call, as if the
    worker's process were killed there: nothing after it runs, and the claims
    it held are let go (as the system lets a dead process's locks go)."""
    real = getattr(module, name)
    calls = []

    def patched(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, patched)
    return real


def half_committed(officer, monkeypatch):
    """A commit of 60 rows whose worker died after two transactions of 20."""
    from parkops.core.exchange import bulk

    monkeypatch.setattr(bulk, "BATCH_ROWS", 20)
    real = dies_on_call(monkeypatch, bulk, "_write_chunk", 3)
    with pytest.raises(RuntimeError):
        committed(officer, 60)
    monkeypatch.setattr(bulk, "_write_chunk", real)
    batch = ImportBatch.objects.unscoped().get()
    assert batch.status == ImportBatch.Status.COMMITTING
    assert Enterprise.objects.unscoped().count() == 40  # the two short transactions
    return batch


@pytest.mark.django_db(transaction=True)
def test_a_commit_whose_worker_died_is_rolled_back_by_the_next_worker(client, officer, monkeypatch):
    batch = half_committed(officer, monkeypatch)
    # The commit's job was left running by the dead worker too.
    job = running_job(batch)
    jobs.resume_interrupted()  # as the next worker does when it starts
    batch.refresh_from_db()
    job.refresh_from_db()
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.FAILED, 40)
    assert job.status == ImportJob.Status.FAILED
    assert not Enterprise.objects.unscoped().exists()
    deletions = AuditEntry.objects.filter(
        action=AuditEntry.Action.DELETE, object_type="enterprises.enterprise"
    )
    assert deletions.values("object_id").distinct().count() == deletions.count() == 40
    assert AuditEntry.objects.filter(
        object_type="core.importbatch", object_id=str(batch.pk), after__status="failed"
    ).exists()
    assert audit.audit_verify().ok
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "导入中断，已撤回已写入的 40 行，请重新导入。" in page
    assert reverse("exchange:importbatch_undo", args=[batch.pk]) not in page
    # The job's page, which the importer may be watching, says what happened in Chinese.
    job_page = client.get(reverse("exchange:importjob_detail", args=[job.pk])).content.decode()
    assert "后台处理进程中途停止，已写入的行已撤回，请重新导入该文件。" in job_page
    assert "the worker stopped" not in job_page
    # Nothing is left to undo, and the file imports again in full.
    with pytest.raises(ValidationError):
        services.import_undo(batch=batch, actor=officer)
    assert committed(officer, 60).status == ImportBatch.Status.COMMITTED
    assert Enterprise.objects.unscoped().count() == 60


@pytest.mark.django_db(transaction=True)
def test_a_commit_still_running_elsewhere_is_not_rolled_back(officer, monkeypatch):
    batch = half_committed(officer, monkeypatch)
    with services.batch_claim(batch):  # as the worker writing it holds it
        assert services.recover_interrupted() == []
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTING
    assert Enterprise.objects.unscoped().count() == 40
    with pytest.raises(ValidationError):  # nor undone under its feet
        services.import_undo(batch=batch, actor=officer)


@pytest.mark.django_db(transaction=True)
def test_a_roll_back_cut_short_goes_on_where_it_stopped(officer, monkeypatch):
    from parkops.core.exchange import bulk

    batch = half_committed(officer, monkeypatch)
    real = dies_on_call(monkeypatch, bulk, "_reverse_chunk", 2)
    with pytest.raises(RuntimeError):
        services.recover_interrupted()  # the recovering worker dies in its turn
    monkeypatch.setattr(bulk, "_reverse_chunk", real)
    batch.refresh_from_db()
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.COMMITTING, 20)
    assert Enterprise.objects.unscoped().count() == 20
    assert services.recover_interrupted() == [batch.pk]
    batch.refresh_from_db()
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.FAILED, 40)
    assert not Enterprise.objects.unscoped().exists()
    deletions = AuditEntry.objects.filter(
        action=AuditEntry.Action.DELETE, object_type="enterprises.enterprise"
    )
    assert deletions.values("object_id").distinct().count() == deletions.count() == 40
    assert audit.audit_verify().ok


@pytest.mark.django_db(transaction=True)
@override_settings(PARKOPS_IMPORT_BACKGROUND_ROWS=1)
def test_an_undo_in_one_transaction_whose_worker_died_is_run_again(monkeypatch):
    # Widgets (core's sample register) are imported and undone row by row, in
    # one transaction: a worker that dies in it leaves nothing undone, and its
    # job running. It is found by its free claims and run again.
    from parkops.core.exchange.importer import run_import
    from parkops.core.exchange.spec import get_spec
    from parkops.core.tests.sample_app.models import Widget

    park = make_park()
    admin = make_user(Role.PARK_ADMIN, park=park)
    batch = run_import(
        spec=get_spec("widgets"),
        actor=admin,
        park=park,
        data=xlsx_bytes([["名称"], ["物件甲"], ["物件乙"], ["物件丙"]]),
        file_name="物件.xlsx",
        commit=True,
    ).batch
    _batch, job = services.undo_request(batch=batch, actor=admin)
    claimed = []
    real = services._delete_created

    def deleting(obj, actor, row):
        claimed.append((services.batch_claimed(batch), services.job_claimed(job)))
        if len(claimed) == 2:
            raise RuntimeError("killed")
        return real(obj, actor, row)

    monkeypatch.setattr(services, "_delete_created", deleting)
    work()
    monkeypatch.setattr(services, "_delete_created", real)
    # Held while it ran: a running undo is not taken for a stopped one.
    assert claimed[0] == (True, True)
    ImportJob.objects.unscoped().filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    assert Widget.objects.unscoped().count() == 3  # its one transaction rolled back
    job.refresh_from_db()
    assert jobs.undo_interrupted(job)
    assert jobs.resume_interrupted() == [job.pk]
    work()
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.result["ok"]
    assert batch.status == ImportBatch.Status.UNDONE
    assert not Widget.objects.unscoped().exists()
    assert audit.audit_verify().ok


def imported() -> int:
    """The enterprises of the file still there (a project's helper adds its own)."""
    return Enterprise.objects.unscoped().filter(name__startswith="后台导入").count()


# A roll back stopped by a row another record now uses (a project's investor):
# parkops/projects/tests/test_import_roll_back.py, since enterprises may not
# import projects.


@pytest.mark.django_db(transaction=True)
def test_a_roll_back_never_writes_over_a_record_edited_since(officer, monkeypatch):
    from parkops.enterprises.services import enterprise_update

    batch = half_committed(officer, monkeypatch)
    edited = Enterprise.objects.unscoped().get(name="后台导入0有限公司")
    enterprise_update(enterprise=edited, actor=officer, name="改过名的有限公司")
    left = []
    assert services.recover_interrupted(left) == [] and left == [batch.pk]
    batch.refresh_from_db()
    assert (batch.status, batch.undone_items) == (ImportBatch.Status.UNDOING, 20)
    assert Enterprise.objects.unscoped().get(pk=edited.pk).name == "改过名的有限公司"
    assert Enterprise.objects.unscoped().count() == 20
    # Each deletion is audited with the record as it was deleted.
    for entry in AuditEntry.objects.filter(
        action=AuditEntry.Action.DELETE, object_type="enterprises.enterprise"
    ):
        assert entry.before["id"] == int(entry.object_id)
    assert audit.audit_verify().ok
    # The importer's undo refuses, naming the row.
    with pytest.raises(ValidationError) as refused:
        services.import_undo(batch=batch, actor=officer)
    # The sheet's row 2 (its header is row 1).
    assert refused.value.messages == ["无法撤销：第 2 行的记录在导入后已被修改。"]


def dead_commit_job(officer, monkeypatch, first):
    """A background commit of "大文件.xlsx" (60 rows from ``first``) whose worker
    died after two transactions of 20, and a record it wrote edited since (so
    that its roll back stops there); its job left running."""
    from parkops.core.exchange import bulk
    from parkops.enterprises.services import enterprise_update

    park = officer.memberships.get().park
    data = xlsx_bytes(rows(60, first=first))
    job = queued_job(
        officer, park, "enterprises", data, 60, mode=ImportJob.Mode.COMMIT, file_name="大文件.xlsx"
    )
    monkeypatch.setattr(bulk, "BATCH_ROWS", 20)
    real = dies_on_call(monkeypatch, bulk, "_write_chunk", 3)
    work()
    monkeypatch.setattr(bulk, "_write_chunk", real)
    # A worker killed mid-job records nothing more: its job stays running.
    ImportJob.objects.unscoped().filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, result=None
    )
    edited = Enterprise.objects.unscoped().get(name=f"后台导入{first}有限公司")
    enterprise_update(enterprise=edited, actor=officer, name=f"改过名的{first}号有限公司")
    return job


@pytest.mark.django_db(transaction=True)
def test_each_dead_commit_job_leads_to_the_batch_it_wrote(officer, monkeypatch):
    # Two commits alike in all but their rows (the same file name, importer
    # and park), each left half written by a worker that died; the second
    # job's worker rolled the first back as far as it could.
    first = dead_commit_job(officer, monkeypatch, first=0)
    second = dead_commit_job(officer, monkeypatch, first=100)
    jobs.resume_interrupted()  # as the next worker does when it starts
    for job, name in ((first, "改过名的0号有限公司"), (second, "改过名的100号有限公司")):
        job.refresh_from_db()
        written = ImportBatch.objects.unscoped().get(
            items__object_id=str(Enterprise.objects.unscoped().get(name=name).pk)
        )
        assert written.status == ImportBatch.Status.UNDOING
        assert job.status == ImportJob.Status.FAILED
        assert (job.batch, job.result["left"]) == (written, written.pk)
    assert first.batch != second.batch


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_import_is_not_said_to_be_undone(officer, monkeypatch):
    batch = half_committed(officer, monkeypatch)
    assert services.recover_interrupted() == [batch.pk]
    batch.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.import_undo(batch=batch, actor=officer)
    assert refused.value.messages == ["这次导入已中断并撤回。"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("module", "step"),
    [(services, "upload_discard"), (jobs, "outcome_summary")],
    ids=["upload_discard", "outcome_summary"],
)
def test_a_commit_whose_worker_died_after_its_last_transaction_is_done(
    client, officer, monkeypatch, module, step
):
    # The worker is killed after the batch is committed, before it records the
    # job done (letting the held file go, or summing up the outcome): the next
    # worker finds every row there.
    park = officer.memberships.get().park
    data = xlsx_bytes(rows(30))
    job = queued_job(
        officer, park, "enterprises", data, 30, mode=ImportJob.Mode.COMMIT, file_name="大文件.xlsx"
    )
    real = dies_on_call(monkeypatch, module, step, 1)
    work()
    monkeypatch.setattr(module, step, real)
    # A worker killed mid-job records nothing more: its job stays running.
    ImportJob.objects.unscoped().filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, result=None
    )
    jobs.resume_interrupted()  # as the next worker does when it starts
    job.refresh_from_db()
    batch = ImportBatch.objects.unscoped().get()
    assert batch.status == ImportBatch.Status.COMMITTED and imported() == 30
    assert (job.status, job.batch) == (ImportJob.Status.DONE, batch)
    assert job.result["ok"] and job.result["counts"]["create"] == 30
    with pytest.raises(ValidationError):  # the held file is let go
        services.upload_load(token=job.token, user=officer, register="enterprises")
    page = client.get(reverse("exchange:importjob_detail", args=[job.pk])).content.decode()
    assert "导入失败" not in page and "已撤回" not in page
    assert '<div class="h2 mb-0" data-count="create">30</div>' in page
    assert batch.get_absolute_url() in page


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_failed_after_its_last_transaction_is_done(client, officer, monkeypatch):
    # Not killed: the clean up raised (a full disk, say), after every row was written.
    park = officer.memberships.get().park
    job = queued_job(
        officer, park, "enterprises", xlsx_bytes(rows(30)), 30, mode=ImportJob.Mode.COMMIT
    )
    dies_on_call(monkeypatch, services, "upload_discard", 1)
    work()
    job.refresh_from_db()
    batch = ImportBatch.objects.unscoped().get()
    assert batch.status == ImportBatch.Status.COMMITTED and imported() == 30
    assert (job.status, job.batch) == (ImportJob.Status.DONE, batch)
    assert job.result["counts"]["create"] == 30


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_job_leads_to_the_rows_left_to_undo(client, officer, monkeypatch):
    # The commit failed (recorded so by its worker), and the next worker's roll
    # back stopped at a row edited since: the job's page must not say nothing
    # was saved, and leads to the import to undo.
    job = dead_commit_job(officer, monkeypatch, first=0)
    ImportJob.objects.unscoped().filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, result={"error": "killed"}
    )
    jobs.resume_interrupted()
    job.refresh_from_db()
    assert job.batch.status == ImportBatch.Status.UNDOING
    page = client.get(reverse("exchange:importjob_detail", args=[job.pk])).content.decode()
    assert "后台处理进程中途停止，已写入的部分行因已被其他记录引用或已被修改而无法撤回" in page
    assert "未保存任何数据" not in page
    assert job.batch.get_absolute_url() in page


def test_a_stopped_undo_job_still_leads_to_its_import(officer):
    batch = committed(officer, 3)
    job = running_job(batch, mode=ImportJob.Mode.UNDO)
    jobs.job_interrupted(job)
    job.refresh_from_db()
    assert (job.status, job.batch) == (ImportJob.Status.FAILED, batch)
