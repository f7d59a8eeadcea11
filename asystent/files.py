"""Uploaded scans: private storage outside public paths, content checks of what is uploaded, and
the one way a private file is served (with its access record)."""

import os
import re
from typing import TypeVar

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from .audit import AccessAction, log_access

ALLOWED_SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}


@deconstructible(path="asystent.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private with no URL: served only by views that check access."""

    @cached_property
    def base_location(self) -> str:
        # Follows MEDIA_ROOT (Django resets this cache when the setting changes in tests).
        return os.path.join(settings.MEDIA_ROOT, "private")

    @cached_property
    def base_url(self) -> None:  # type: ignore[override]  # None: Django then builds no URL
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


private_storage = PrivateStorage()


def scan_mime_type(upload) -> str | None:  # noqa: ANN001 - any Django File
    upload.seek(0)
    kind = filetype.guess(upload.read(261))
    upload.seek(0)
    return kind.mime if kind else None


@deconstructible
class ScanValidator:
    """PDF, JPEG or PNG only, judged by the content rather than the name, and not too large."""

    def __call__(self, upload) -> None:  # noqa: ANN001
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("The file is too large (at most %(mb)d MB)."),
                params={"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
                code="file_too_large",
            )
        if scan_mime_type(upload) not in ALLOWED_SCAN_TYPES:
            raise ValidationError(_("Only PDF, JPEG or PNG scans can be uploaded."), code="file_type")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScanValidator)


validate_scan = ScanValidator()


R = TypeVar("R", bound=HttpResponseBase)

# The file extension a download gets for each type the content check lets in.
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# What a download may keep of its stored name: letters (any script), digits, dot, dash, underscore.
UNSAFE_IN_FILENAME = re.compile(r"[^\w.-]+")


def safe_filename(name: str, content_type: str) -> str:
    """The stored name without folders or odd characters, its extension that of the content (a
    PDF uploaded as x.html downloads as x.pdf)."""
    base = os.path.basename(name)
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = UNSAFE_IN_FILENAME.sub("_", stem).strip("._") or "plik"
    extension = EXTENSIONS.get(content_type) or UNSAFE_IN_FILENAME.sub("", extension)[:10] or "bin"
    return f"{stem[:100]}.{extension}"


def private_attachment(response: R, filename: str) -> R:
    """The headers every private download carries: saved, never shown inline nor sniffed, nor kept
    by a cache."""
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def private_file_response(
    request: HttpRequest,
    field_file: FieldFile | None,
    *,
    family_id: int | None,
    obj: models.Model,
    filename: str | None = None,
    content_type: str | None = None,
) -> HttpResponseBase:
    """Serve a stored private file with its access record, or a 404 page saying it is missing.

    The content type is the one the content check established, read again from the bytes
    (never from the file's name) unless the caller knows it; `filename` defaults to the stored
    name."""
    if not field_file:
        return _file_missing(request)
    try:
        handle = field_file.open("rb")
    except OSError:  # gone, or not a readable file any more (a folder, no permission)
        return _file_missing(request)
    content_type = content_type or scan_mime_type(handle) or "application/octet-stream"
    log_access(request, family_id=family_id, obj=obj, action=AccessAction.DOWNLOAD)
    response = FileResponse(handle, content_type=content_type)
    return private_attachment(response, safe_filename(filename or field_file.name or "", content_type))


def _file_missing(request: HttpRequest) -> HttpResponse:
    return render(request, "file_missing.html", status=404)
