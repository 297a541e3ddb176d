"""Where project documents live and what they may be.

Uploaded agreements are kept outside the static files and the web server's
reach, under ``PARKOPS_DOCUMENTS_DIR`` (default ``VAR_DIR/documents``), each
under a random name with no extension: nothing uploaded is ever served by its
own path or run. They go out only through the download view, which checks the
user's scope and audits the download.

A file's type is read from its first bytes (and, for Word and Excel files, from
the parts inside the package), not believed from its name: a ``.pdf`` that is
really a program is refused, naming the file.
"""

from __future__ import annotations

import io
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def documents_dir() -> Path:
    return Path(getattr(settings, "PARKOPS_DOCUMENTS_DIR", settings.VAR_DIR / "documents"))


def max_bytes() -> int:
    return int(getattr(settings, "PARKOPS_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


class DocumentStorage(FileSystemStorage):
    """The documents directory, read from the settings at each use (tests move
    it); files are created mode 0600 and have no URL."""

    def __init__(self):
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self):
        return str(documents_dir())

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("project documents are served only by the download view")


_STORAGE = DocumentStorage()


def document_storage() -> DocumentStorage:
    return _STORAGE


def document_path(instance, filename) -> str:
    """``<park id>/<random hex>``: the uploaded name is kept in the row only."""
    return f"{instance.park_id}/{uuid.uuid4().hex}"


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("pdf", "application/pdf", (".pdf",))
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
JPEG = FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"))
PNG = FileType("png", "image/png", (".png",))
ALLOWED = (PDF, DOCX, XLSX, JPEG, PNG)
EXTENSIONS = tuple(ext for kind in ALLOWED for ext in kind.extensions)


def sniff(data: bytes) -> FileType | None:
    """The allowed type ``data`` is, by its content, or None (anything else,
    including a macro-enabled Office file)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def clean_name(name: str) -> str:
    """The uploaded file's own name, without any path or control characters."""
    base = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = f"{stem[:190]}.{ext[:9]}" if dot and len(ext) < 10 else base[:200]
    return base or "document"


def extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


# ------------------------------------------------------- the upload's size cap
# Read past the limit by this much at most: the multipart headers around a file
# of exactly the limit are not counted against it.
UPLOAD_MARGIN = 64 * 1024
UPLOAD_URL_NAMES = frozenset({"projectdocument_add"})  # the page's and the API's


class DocumentUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: on the document upload page and API
    operation, stops reading a file past ``PARKOPS_DOCUMENT_MAX_BYTES`` (and a
    margin), so that a multi-gigabyte upload is not spooled to disk; the file is
    then skipped and ``request.document_too_big`` says its name and size, for
    the same message as a file found too big afterwards. Elsewhere it does
    nothing."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        from django.urls import Resolver404, resolve

        try:
            match = resolve(self.request.path_info)
        except Resolver404:
            match = None
        self.active = match is not None and match.url_name in UPLOAD_URL_NAMES
        self.request_length = content_length or 0
        self.limit = max_bytes() + UPLOAD_MARGIN

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.seen = 0

    def receive_data_chunk(self, raw_data, start):
        if getattr(self, "active", False):
            self.seen += len(raw_data)
            if self.seen > self.limit:
                self.request.document_too_big = {
                    "name": clean_name(self.file_name or ""),
                    "size": max(self.seen, self.request_length),
                }
                raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def too_big(request) -> dict | None:
    """The name and size of a file the upload handler stopped reading, if any."""
    request.FILES  # noqa: B018 (the body is parsed, the handler run, by now)
    return getattr(request, "document_too_big", None)


def file_response(document, handle):
    """``document``'s file as an attachment with the safety headers (the page's
    and the API's download alike): never rendered by the browser, never cached,
    its UTF-8 name in the disposition."""
    from django.http import FileResponse

    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
