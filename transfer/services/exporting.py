"""The export for leaving: every table the centre's people filled in, and every file they
uploaded or the application printed, as one ZIP of CSV and JSON with a README describing each file.

Made by the worker (`transfer.tasks.build_centre_export`), idempotent: a finished export is left
as it is, an interrupted one is made again from the start. Available for 24 hours, then deleted by
the daily sweep (`purge_expired`). Secrets (password hashes, the digests of access tokens and
calendar addresses and saved drafts) never leave: their columns are left out, and the README says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asystent.audit import AccessAction, log_access
from asystent.models import User
from asystent.outbox import send_after_commit

from ..models import KEPT_FOR, CentreExport, ExportStatus, ImportBatch, ImportStatus

# Columns that hold secrets, never exported.
SECRET_FIELDS = frozenset({"password", "digest", "token_hash"})
# This app's own tables describe the moving, not the centre's work.
SKIPPED_APPS = frozenset({"transfer"})
CHUNK = 2_000


def exported_models() -> list[type[models.Model]]:
    """The project's own models (not those of installed libraries), in app and model order."""
    root = Path(settings.BASE_DIR).resolve()
    found: list[type[models.Model]] = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if root not in path.parents or ".venv" in path.parts or config.label in SKIPPED_APPS:
            continue
        found.extend(config.get_models())
    return sorted(found, key=lambda m: (m._meta.app_label, m._meta.model_name or ""))


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.name not in SECRET_FIELDS]


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    if isinstance(field, models.FileField):
        return str(value or "")
    if isinstance(value, dt.tzinfo):  # a time-zone field (the scheduler's crontab): its name
        return str(value)
    return value


def _rows(model: type[models.Model], columns: list[models.Field[Any, Any]]) -> Iterator[list[Any]]:
    names = [f.attname for f in columns]
    queryset = model._base_manager.order_by("pk").values_list(*names)
    for values in queryset.iterator(chunk_size=CHUNK):
        yield [_value(f, v) for f, v in zip(columns, values, strict=True)]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    return str(value)


def table_name(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _describe(model: type[models.Model], columns: list[models.Field[Any, Any]], count: int) -> list[str]:
    name = table_name(model)
    lines = [
        f"## tables/{name}.csv, tables/{name}.json",
        "",
        f"{str(model._meta.verbose_name_plural).capitalize()} ({count}).",
        "",
    ]
    for column in columns:
        kind = column.get_internal_type()
        target = ""
        if column.is_relation and column.related_model is not None:
            target = " → " + table_name(column.related_model)
        lines.append(f"- `{column.attname}` ({kind}{target}): {column.verbose_name}")
    lines.append("")
    return lines


def _readme(by: User, made_at: dt.datetime, sections: list[str], files: int) -> str:
    header = [
        _("# Export of the centre's data"),
        "",
        _("Made on %(when)s by %(who)s.")
        % {"when": timezone.localtime(made_at).strftime("%Y-%m-%d %H:%M"), "who": by},
        "",
        _(
            "Each table is given twice: as CSV (UTF-8 with BOM, separated by semicolons, a header row) and "
            "as JSON (a list of objects). Columns ending in _id refer to the id column of the table named "
            "after the arrow. Dates are ISO 8601, times with their UTC offset. Password hashes and the "
            "digests of access tokens and calendar addresses are left out."
        ),
        "",
        _(
            "The folder files/ holds %(count)d files (scans, printed documents) under the names that the "
            "columns of type FileField give."
        )
        % {"count": files},
        "",
    ]
    return "\n".join(header + sections) + "\n"


def build_export(export_id: int) -> str:
    """Make the export's ZIP (a no-op when it is ready); the progress is saved as it goes."""
    export = CentreExport.objects.select_related("requested_by").get(pk=export_id)
    if export.status in (ExportStatus.READY, ExportStatus.EXPIRED):
        return export.status
    CentreExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=0)
    made_at = timezone.now()
    chosen = exported_models()
    sections: list[str] = []
    file_names: set[str] = set()
    handle, path = tempfile.mkstemp(suffix=".zip")
    os.close(handle)
    try:
        with (
            translation.override(settings.LANGUAGE_CODE),
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for index, model in enumerate(chosen, start=1):
                columns = _columns(model)
                count = _write_table(archive, model, columns, file_names)
                sections.extend(_describe(model, columns, count))
                CentreExport.objects.filter(pk=export.pk).update(progress=min(90, 90 * index // len(chosen)))
            written = _write_files(archive, file_names)
            archive.writestr("README.md", _readme(export.requested_by, made_at, sections, written))
        name = f"centre-export-{export.pk}.zip"
        storage = CentreExport._meta.get_field("file").storage
        if export.file.name:
            storage.delete(export.file.name)
        with open(path, "rb") as data:
            export.file.save(name, File(data), save=False)
        now = timezone.now()
        CentreExport.objects.filter(pk=export.pk).update(
            file=export.file.name,
            size=os.path.getsize(path),
            status=ExportStatus.READY,
            progress=100,
            finished_at=now,
            expires_at=now + KEPT_FOR,
            error="",
        )
    except Exception:
        CentreExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=_("The export could not be made. Try again.")
        )
        raise
    finally:
        os.unlink(path)
    return ExportStatus.READY


def _write_table(
    archive: zipfile.ZipFile,
    model: type[models.Model],
    columns: list[models.Field[Any, Any]],
    file_names: set[str],
) -> int:
    """The table as CSV, written into the archive as it is read; its JSON is spooled to a
    temporary file meanwhile (a ZIP takes one writer at a time) and added after."""
    name = table_name(model)
    file_columns = [i for i, f in enumerate(columns) if isinstance(f, models.FileField)]
    count = 0
    with tempfile.TemporaryFile() as spool:
        text_json = io.TextIOWrapper(spool, encoding="utf-8")
        with archive.open(f"tables/{name}.csv", "w") as raw_csv:
            text_csv = io.TextIOWrapper(raw_csv, encoding="utf-8-sig", newline="")
            writer = csv.writer(text_csv, delimiter=";")
            writer.writerow([f.attname for f in columns])
            text_json.write("[")
            for values in _rows(model, columns):
                writer.writerow([_csv_text(v) for v in values])
                record = {f.attname: v for f, v in zip(columns, values, strict=True)}
                text_json.write(",\n" if count else "\n")
                text_json.write(json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder))
                for i in file_columns:
                    if values[i]:
                        file_names.add(str(values[i]))
                count += 1
            text_json.write("\n]\n")
            text_csv.flush()
            text_csv.detach()
        text_json.flush()
        spool.seek(0)
        with archive.open(f"tables/{name}.json", "w") as raw_json:
            for chunk in iter(lambda: spool.read(1 << 20), b""):
                raw_json.write(chunk)
        text_json.detach()
    return count


def _write_files(archive: zipfile.ZipFile, names: set[str]) -> int:
    """The stored files the tables name (private storage under MEDIA_ROOT/private)."""
    from asystent.files import private_storage

    written = 0
    for name in sorted(names):
        if name.startswith(("exports/", "imports/")):
            continue
        try:
            with private_storage.open(name, "rb") as source, archive.open(f"files/{name}", "w") as target:
                for chunk in iter(lambda: source.read(1 << 20), b""):  # noqa: B023
                    target.write(chunk)
        except FileNotFoundError:
            continue
        written += 1
    return written


def request_export(*, by: User, request: HttpRequest) -> CentreExport:
    """Queue an export of the centre (one at a time: one in progress is returned instead)."""
    from ..tasks import build_centre_export

    with transaction.atomic():
        User.objects.select_for_update().get(pk=by.pk)
        running = CentreExport.objects.filter(
            status__in=(ExportStatus.PENDING, ExportStatus.RUNNING), requested_by=by
        ).first()
        if running is not None:
            return running
        export = CentreExport.objects.create(requested_by=by)
        log_access(request, family_id=None, obj=export, action=AccessAction.EXPORT)
        send_after_commit(build_centre_export, export.pk)  # sent after the commit (asystent.outbox)
    return export


def purge_expired(now: dt.datetime | None = None) -> dict[str, int]:
    """The daily sweep: delete exports past their 24 hours, and the files of imports neither
    confirmed nor discarded within 24 hours."""
    now = now or timezone.now()
    exports = 0
    for export in CentreExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now):
        if export.file.name:
            export.file.storage.delete(export.file.name)
        CentreExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="", size=0)
        exports += 1
    imports = 0
    for batch in ImportBatch.objects.filter(uploaded_at__lte=now - KEPT_FOR).exclude(file=""):
        if batch.file.name:
            batch.file.storage.delete(batch.file.name)
        ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.DISCARDED, finished_at=now
        )
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
        imports += 1
    return {"exports": exports, "imports": imports}
