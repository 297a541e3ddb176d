"""Other systems feed ParkOps through the same imports: preview, commit, undo."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkops.core.models import ImportBatch
from parkops.core.permissions import Role
from parkops.core.testing import make_park, make_token, make_user, xlsx_bytes
from parkops.enterprises.models import Enterprise
from parkops.enterprises.testing import random_uscc

pytestmark = pytest.mark.django_db
HEADER = ["企业名称", "统一社会信用代码", "状态"]


@pytest.fixture
def park():
    return make_park()


@pytest.fixture
def auth(park):
    user = make_user(Role.STATISTICS_OFFICER, park=park)
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)}"}


def upload(rows, name="企业.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def test_preview_then_commit_then_undo(client, auth):
    rows = [HEADER, ["接口导入有限公司", random_uscc(), "在园企业"]]
    preview = client.post(
        reverse("api:import_preview", args=["enterprises"]), {"file": upload(rows)}, **auth
    ).json()
    assert preview["ok"] and preview["counts"]["create"] == 1
    assert not Enterprise.objects.unscoped().exists()
    commit = client.post(
        reverse("api:import_commit", args=["enterprises"]),
        {"token": preview["token"]},
        content_type="application/json",
        **auth,
    )
    assert commit.status_code == 200
    batch_id = commit.json()["batch_id"]
    assert Enterprise.objects.unscoped().count() == 1
    listed = client.get(reverse("api:importbatch_list"), **auth).json()["items"]
    assert [b["id"] for b in listed] == [batch_id]
    undo = client.post(reverse("api:importbatch_undo", args=[batch_id]), **auth)
    assert undo.status_code == 200 and undo.json()["status"] == "undone"
    assert not Enterprise.objects.unscoped().exists()


def test_errors_are_reported_by_row_and_column_as_json(client, park):
    user = make_user(Role.STATISTICS_OFFICER, park=park, language="en")
    rows = [HEADER, ["坏代码有限公司", "123", "在园企业"]]
    body = client.post(
        reverse("api:import_preview", args=["enterprises"]),
        {"file": upload(rows)},
        HTTP_AUTHORIZATION=f"Bearer {make_token(user)}",
    ).json()
    assert not body["ok"]
    assert body["problems"][0]["row"] == 2 and body["problems"][0]["column"] == "B"
    assert "18 characters" in body["problems"][0]["message"]


def test_bad_file_is_a_file_error(client, auth):
    body = client.post(
        reverse("api:import_preview", args=["enterprises"]),
        {"file": SimpleUploadedFile("x.xlsx", b"")},
        **auth,
    ).json()
    assert body["file_errors"] and body["token"] is None


def test_import_into_a_park_outside_scope_is_refused(client, auth):
    other = make_park()
    response = client.post(
        reverse("api:import_preview", args=["enterprises"]) + f"?park={other.pk}",
        {"file": upload([HEADER, ["越界有限公司", random_uscc(), "在园企业"]])},
        **auth,
    )
    assert response.status_code == 403


def test_another_users_token_cannot_be_committed(client, park, auth):
    preview = client.post(
        reverse("api:import_preview", args=["enterprises"]),
        {"file": upload([HEADER, ["他人有限公司", random_uscc(), "在园企业"]])},
        **auth,
    ).json()
    intruder = make_user(Role.STATISTICS_OFFICER, park=park)
    response = client.post(
        reverse("api:import_commit", args=["enterprises"]),
        {"token": preview["token"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {make_token(intruder)}",
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.unscoped().exists()


def test_a_jobs_batch_is_described_as_set_while_the_commit_runs(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["ImportJobOut"]
    description = schema["properties"]["batch_id"]["description"]
    assert "while the commit runs" in description and '"committing"' in description
