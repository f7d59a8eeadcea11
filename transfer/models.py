"""An import checked and waiting for the manager's confirmation, and an export of the centre's
data. The uploaded spreadsheet and the export's ZIP are private files (no URL), deleted once the
import is confirmed or discarded, and 24 hours after they were made (the daily sweep)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asystent import dates
from asystent.files import private_storage

# How long an unconfirmed import's file and a finished export stay on the server.
KEPT_FOR = dt.timedelta(hours=24)


class ImportKind(models.TextChoices):
    FAMILIES = "families", _("families with their members and open cases")
    USERS = "users", _("users")


class ImportStatus(models.TextChoices):
    CHECKED = "checked", _("checked, awaiting confirmation")
    IMPORTED = "imported", _("imported")
    FAILED = "failed", _("not imported")
    DISCARDED = "discarded", _("discarded")


class ImportBatch(models.Model):
    """One uploaded file: the outcome of its dry run per row (messages only, never the rows'
    contents), then what its confirmation wrote."""

    kind = models.CharField(_("what is imported"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="imports/%Y/%m/", blank=True)
    file_format = models.CharField(_("format"), max_length=4)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # [{"row": 2, "column": "pesel", "message": "..."}]: the errors of the dry run (and of the
    # confirmation, if the database refused what the dry run let through).
    problems = models.JSONField(_("problems"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [*dates.datetime_range_constraints("import_batch", "uploaded_at", "finished_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uploaded_at:%Y-%m-%d %H:%M}"

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.CHECKED and not self.problems and self.rows > 0 and bool(self.file)

    def problems_by_row(self) -> list[tuple[int, list[dict[str, Any]]]]:
        grouped: dict[int, list[dict[str, Any]]] = {}
        for problem in self.problems:
            grouped.setdefault(int(problem.get("row") or 0), []).append(problem)
        return sorted(grouped.items())


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("in progress")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("deleted after 24 hours")


class CentreExport(models.Model):
    """The whole centre's data as one ZIP, made by the worker; downloadable for 24 hours."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), storage=private_storage, upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("export of the centre's data")
        verbose_name_plural = _("exports of the centre's data")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            *dates.datetime_range_constraints("centre_export", "requested_at", "finished_at", "expires_at"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="centre_export_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

    @property
    def is_ready(self) -> bool:
        return (
            self.status == ExportStatus.READY
            and bool(self.file)
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
