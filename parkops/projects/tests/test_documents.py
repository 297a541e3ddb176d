"""Signing records and project documents: the signing event, uploads kept
outside the web root under random names, their type read from their content,
the size limit, and downloads only within scope, audited."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkops.core.models import AuditEntry
from parkops.core.permissions import SYSTEM, Role
from parkops.core.testing import audit_entries, make_park, make_token, make_user, sign_in
from parkops.projects import documents, services
from parkops.projects.models import ProjectDocument
from parkops.projects.testing import EXE_BYTES, PDF_BYTES, PNG_BYTES, make_document
from parkops.promotion.testing import make_event

from .conftest import D, move


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def office(part: str, *, macro=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<document/>")
        if macro:
            package.writestr("word/vbaProject.bin", b"\x00")
    return buffer.getvalue()


def stored_files() -> list[Path]:
    return [p for p in documents.documents_dir().rglob("*") if p.is_file()]


# ------------------------------------------------------------------ uploads
def test_an_upload_is_kept_outside_the_web_root_under_a_random_name(lead, officer):
    document = services.document_add(
        project=lead, upload=upload("投资协议（签字版）.pdf", PDF_BYTES), actor=officer
    )
    path = Path(documents.document_storage().path(document.file))
    assert path.read_bytes() == PDF_BYTES
    assert "投资协议" not in path.name and path.suffix == ""
    assert path.parent.name == str(lead.park_id)
    static_roots = [
        Path(settings.STATIC_ROOT),
        *map(Path, getattr(settings, "STATICFILES_DIRS", [])),
    ]
    for root in static_roots:
        assert not path.resolve().is_relative_to(root.resolve())
    assert not path.resolve().is_relative_to(Path(settings.BASE_DIR, "parkops").resolve())
    assert (document.original_name, document.size, document.content_type) == (
        "投资协议（签字版）.pdf",
        len(PDF_BYTES),
        "application/pdf",
    )
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert document.uploaded_by == officer
    assert audit_entries(document, action=AuditEntry.Action.CREATE).get().actor == officer


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("合同.pdf", EXE_BYTES),  # a program named .pdf
        ("合同.exe", EXE_BYTES),
        ("说明.docx", office("word/document.xml", macro=True)),  # macros
        ("数据.xlsx", b"PK\x03\x04 not really a zip"),
        ("备注.txt", b"plain text"),
    ],
)
def test_a_file_that_is_not_an_allowed_type_by_its_content_is_refused(lead, officer, name, data):
    before = stored_files()
    with pytest.raises(ValidationError) as refused:
        services.document_add(project=lead, upload=upload(name, data), actor=officer)
    message = refused.value.message_dict["file"][0]
    assert f"“{name}”已被拒收" in message
    assert stored_files() == before
    assert not ProjectDocument.objects.unscoped().exists()


def test_a_file_whose_name_says_another_type_is_refused(lead, officer):
    with pytest.raises(ValidationError) as refused:
        services.document_add(project=lead, upload=upload("协议.docx", PDF_BYTES), actor=officer)
    assert "“协议.docx”按内容是 PDF 文件" in refused.value.message_dict["file"][0]


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("协议.docx", office("word/document.xml"), documents.DOCX.content_type),
        ("台账.xlsx", office("xl/workbook.xml"), documents.XLSX.content_type),
        ("现场.PNG", PNG_BYTES, "image/png"),
        ("签约.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
    ],
)
def test_allowed_types_are_read_from_their_content(lead, officer, name, data, content_type):
    document = services.document_add(project=lead, upload=upload(name, data), actor=officer)
    assert document.content_type == content_type


def test_a_file_above_the_limit_is_refused_naming_it(lead, officer, settings):
    settings.PARKOPS_DOCUMENT_MAX_BYTES = 40
    with pytest.raises(ValidationError) as refused:
        services.document_add(project=lead, upload=upload("大文件.pdf", PDF_BYTES), actor=officer)
    assert "“大文件.pdf”大小为" in refused.value.message_dict["file"][0]
    assert "附件不能超过" in refused.value.message_dict["file"][0]


def test_a_path_in_the_uploaded_name_is_dropped():
    assert documents.clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert documents.clean_name("C:\\合同\\协议\x00.pdf") == "协议.pdf"


def test_only_those_who_may_change_the_project_attach(lead, other_officer, leader):
    for actor in (other_officer, leader):
        with pytest.raises(PermissionDenied):
            services.document_add(project=lead, upload=upload("协议.pdf", PDF_BYTES), actor=actor)


# ------------------------------------------------------------------ signing
def test_a_signing_records_its_event_and_the_agreement_is_attached(park, lead, officer):
    event = make_event(park, start_date=D(2023, 5, 7), end_date=D(2023, 5, 9))
    lead = move(lead, ("negotiating", D(2023, 4, 1)), actor=officer)
    signed = services.project_advance(
        project=lead,
        to_stage="signed",
        on_date=D(2023, 5, 8),
        signing_amount=300_000_000,
        signing_event=event,
        actor=officer,
    )
    assert (signed.stage_on, signed.signed_amount, signed.signing_event) == (
        D(2023, 5, 8),
        300_000_000,
        event,
    )
    # At signing the unit's officers still attach the agreement they brought in.
    document = services.document_add(
        project=signed, upload=upload("投资协议.pdf", PDF_BYTES), actor=officer
    )
    assert document.project == signed


def test_a_signing_event_of_another_park_is_refused(lead, officer):
    lead = move(lead, ("negotiating", D(2023, 4, 1)), actor=officer)
    with pytest.raises(ValidationError) as refused:
        services.project_advance(
            project=lead,
            to_stage="signed",
            on_date=D(2023, 5, 8),
            signing_amount=1,
            signing_event=make_event(make_park()),
            actor=officer,
        )
    assert "signing_event" in refused.value.message_dict


def test_a_signing_at_an_event_falls_within_its_dates(park, lead, officer):
    event = make_event(park, start_date=D(2023, 5, 14), end_date=D(2023, 5, 16))
    lead = move(lead, ("negotiating", D(2023, 4, 1)), actor=officer)
    for day in (D(2023, 5, 13), D(2023, 5, 17)):
        with pytest.raises(ValidationError) as refused:
            services.project_advance(
                project=lead,
                to_stage="signed",
                on_date=day,
                signing_amount=1,
                signing_event=event,
                actor=officer,
            )
        assert refused.value.message_dict["signing_event"] == [
            f"签约日期{day.isoformat()}不在该活动的日期（2023-05-14至2023-05-16）内："
            "在活动上签约的项目须在活动举办期间签约。"
        ]
    signed = services.project_advance(
        project=lead,
        to_stage="signed",
        on_date=D(2023, 5, 16),
        signing_amount=1,
        signing_event=event,
        actor=officer,
    )
    assert signed.signing_event == event


# ----------------------------------------------------------------- downloads
def test_a_download_is_within_scope_and_audited(client, park, lead, leader):
    document = make_document(park, project=lead)
    sign_in(client, leader)
    response = client.get(reverse("projects:projectdocument_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = audit_entries(document, action=AuditEntry.Action.EXPORT).get()
    assert entry.actor == leader
    outsider = make_user(Role.PARK_LEADER, park=make_park())
    sign_in(client, outsider)
    response = client.get(reverse("projects:projectdocument_download", args=[document.pk]))
    assert response.status_code == 404
    assert audit_entries(document, action=AuditEntry.Action.DENIED).get().actor == outsider


def test_an_officer_of_another_unit_may_not_download_the_agreement(
    client, park, lead, other_officer
):
    document = make_document(park, project=lead)
    sign_in(client, other_officer)
    url = reverse("projects:projectdocument_download", args=[document.pk])
    assert client.get(url).status_code == 403
    assert "投资协议" not in client.get(lead.get_absolute_url()).content.decode()


def test_the_page_uploads_lists_and_removes_a_document(
    client, lead, officer, django_capture_on_commit_callbacks
):
    sign_in(client, officer)
    response = client.post(
        reverse("projects:projectdocument_add", args=[lead.pk]),
        {"kind": "mou", "file": upload("合作意向书.pdf", PDF_BYTES)},
    )
    assert response.status_code == 302
    document = ProjectDocument.objects.unscoped().get()
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "合作意向书.pdf" in page and "合作意向书" in page
    refused = client.post(
        reverse("projects:projectdocument_add", args=[lead.pk]),
        {"kind": "other", "file": upload("病毒.pdf", EXE_BYTES)},
    )
    assert refused.status_code == 200
    assert "“病毒.pdf”已被拒收" in refused.content.decode()
    path = Path(documents.document_storage().path(document.file))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:projectdocument_delete", args=[document.pk]))
    assert response.status_code == 302
    assert not path.exists()
    assert audit_entries(document, action=AuditEntry.Action.DELETE).get().actor == officer


def test_the_api_uploads_lists_and_downloads(client, park, lead, officer):
    token = make_token(officer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post(
        reverse("api:projectdocument_add", args=[lead.pk]),
        {"file": upload("协议.pdf", PDF_BYTES), "kind": "agreement"},
        **auth,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["original_name"], created["size"]) == ("协议.pdf", len(PDF_BYTES))
    detail = client.get(reverse("api:project_detail", args=[lead.pk]), **auth).json()
    assert [d["id"] for d in detail["documents"]] == [created["id"]]
    assert detail["next_deadline"]["step"] == "assess"
    refused = client.post(
        reverse("api:projectdocument_add", args=[lead.pk]),
        {"file": upload("协议.pdf", EXE_BYTES)},
        **auth,
    )
    assert refused.status_code == 422
    assert "file" in refused.json()["errors"]
    download = client.get(reverse("api:projectdocument_download", args=[created["id"]]), **auth)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    outsider = make_token(make_user(Role.PARK_LEADER, park=make_park()))
    foreign = client.get(
        reverse("api:projectdocument_download", args=[created["id"]]),
        HTTP_AUTHORIZATION=f"Bearer {outsider}",
    )
    assert foreign.status_code == 404


def test_the_system_actor_may_attach(lead):
    document = services.document_add(
        project=lead, upload=upload("协议.pdf", PDF_BYTES), actor=SYSTEM
    )
    assert document.uploaded_by is None


# ------------------------------------------------------- the upload's size cap
@pytest.fixture
def received(monkeypatch):
    """How many bytes of the upload Django's own handlers (memory, disk) got."""
    from django.core.files import uploadhandler

    counted = {"bytes": 0}
    for cls in (uploadhandler.MemoryFileUploadHandler, uploadhandler.TemporaryFileUploadHandler):
        original = cls.receive_data_chunk

        def spy(self, raw_data, start, original=original):
            counted["bytes"] += len(raw_data)
            return original(self, raw_data, start)

        monkeypatch.setattr(cls, "receive_data_chunk", spy)
    return counted


BIG = PDF_BYTES + b"\x00" * (1024 * 1024)  # a megabyte: far above the test limit


def test_the_page_stops_reading_an_upload_past_the_limit(client, lead, officer, settings, received):
    settings.PARKOPS_DOCUMENT_MAX_BYTES = 1000
    sign_in(client, officer)
    response = client.post(
        reverse("projects:projectdocument_add", args=[lead.pk]),
        {"kind": "mou", "file": upload("超大协议.pdf", BIG)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "“超大协议.pdf”大小为" in html and "附件不能超过" in html
    assert received["bytes"] <= 1000 + documents.UPLOAD_MARGIN
    assert not ProjectDocument.objects.unscoped().exists()


def test_the_api_stops_reading_an_upload_past_the_limit(client, lead, officer, settings, received):
    settings.PARKOPS_DOCUMENT_MAX_BYTES = 1000
    response = client.post(
        reverse("api:projectdocument_add", args=[lead.pk]),
        {"file": upload("超大协议.pdf", BIG), "kind": "agreement"},
        HTTP_AUTHORIZATION=f"Bearer {make_token(officer)}",
    )
    assert response.status_code == 422, response.content
    assert "“超大协议.pdf”大小为" in str(response.json()["errors"]["file"])
    assert received["bytes"] <= 1000 + documents.UPLOAD_MARGIN
    assert not ProjectDocument.objects.unscoped().exists()


def test_other_uploads_are_not_capped(client, park, settings, received):
    """An Excel import is not a document: the cap does not apply to it."""
    settings.PARKOPS_DOCUMENT_MAX_BYTES = 1000
    sign_in(client, make_user(Role.PARK_ADMIN, park=park))
    client.post(reverse("exchange:import", args=["industries"]), {"file": upload("x.xlsx", BIG)})
    assert received["bytes"] >= len(BIG)


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_both_downloads_send_the_same_safety_headers(client, park, leader, api):
    document = make_document(park, original_name="投资协议 2023.pdf")
    if api:
        url = reverse("api:projectdocument_download", args=[document.pk])
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {make_token(leader)}")
    else:
        sign_in(client, leader)
        response = client.get(reverse("projects:projectdocument_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
