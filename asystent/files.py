"""Uploaded scans: private storage outside public paths, and content checks of what is uploaded."""

import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

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
