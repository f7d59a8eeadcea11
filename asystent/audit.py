"""The read audit: every view of a family file, download and export writes one AccessLog row."""

from collections.abc import Callable

from django.db import DatabaseError, models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from .models import AccessLog


class AccessAction(models.TextChoices):
    VIEW = "view", gettext_lazy("view")
    DOWNLOAD = "download", gettext_lazy("download")
    EXPORT = "export", gettext_lazy("export")
    IMPORT = "import", gettext_lazy("import")
    ROLE_REQUEST = "role_request", gettext_lazy("role change requested")
    ROLE_CONFIRM = "role_confirm", gettext_lazy("role change confirmed")
    ROLE_REJECT = "role_reject", gettext_lazy("role change rejected")
    PESEL_CHECK = "pesel_check", gettext_lazy("PESEL check")


def log_access(request: HttpRequest, *, family_id: int | None, obj: models.Model, action: str) -> AccessLog:
    """Record the access; if it cannot be written, AuditUnavailable stops the content from being
    served (AuditMiddleware answers 503 instead)."""
    user = request.user
    try:
        if not transaction.get_connection().in_atomic_block:
            return _write(request, user, family_id, obj, action)  # autocommit: one statement
        with transaction.atomic():  # a savepoint, so that a failure leaves the caller's work usable
            return _write(request, user, family_id, obj, action)
    except DatabaseError as error:
        raise AuditUnavailable from error


def log_accesses(
    request: HttpRequest, objects: "list[tuple[int | None, models.Model]]", *, action: str
) -> None:
    """Record the access to each (family id, object) a list page shows, in one statement; as with
    `log_access`, AuditUnavailable stops the page from being served if the rows cannot be written."""
    rows = [_row(request, request.user, family_id, obj, action) for family_id, obj in objects]
    if not rows:
        return
    try:
        with transaction.atomic():
            AccessLog.objects.bulk_create(rows)
    except DatabaseError as error:
        raise AuditUnavailable from error


class AuditUnavailable(Exception):
    """The access record could not be written."""


def _write(request: HttpRequest, user, family_id: int | None, obj: models.Model, action: str) -> AccessLog:  # noqa: ANN001
    row = _row(request, user, family_id, obj, action)
    row.save(force_insert=True)
    return row


def _row(request: HttpRequest, user, family_id: int | None, obj: models.Model, action: str) -> AccessLog:  # noqa: ANN001
    return AccessLog(
        user=user,
        roles=",".join(user.roles),
        family_id=family_id,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        action=action,
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )


class AuditMiddleware:
    """Content whose access could not be recorded is not served: a 503 page instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, AuditUnavailable):
            return render(request, "audit_unavailable.html", status=503)
        return None
