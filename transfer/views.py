"""The import page (upload, dry run, confirmation) and the export page of the centre's data.

Managers import families and their cases, administrators users; both export the centre. Anyone
else gets 403; an import or export of another person answers 404."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from asystent.errors import InvalidTransition
from asystent.files import private_attachment, private_file_response
from asystent.http import AuthenticatedHttpRequest

from .forms import KIND_PERMISSIONS, ImportForm, kinds_for
from .models import CentreExport, ImportBatch, ImportKind
from .services import exporting, importing

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _importer(request: AuthenticatedHttpRequest) -> None:
    if not kinds_for(request.user):
        raise PermissionDenied


def _exporter(request: AuthenticatedHttpRequest) -> None:
    if not request.user.has_perm("transfer.export_centre"):
        raise PermissionDenied


def _own_batch(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    _importer(request)
    batch = get_object_or_404(ImportBatch, pk=pk, uploaded_by=request.user)
    if not request.user.has_perm(KIND_PERMISSIONS[ImportKind(batch.kind)]):
        raise Http404
    return batch


@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _importer(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        batch = importing.check_upload(
            upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"], by=request.user
        )
        return redirect("transfer:import-batch", batch.pk)
    return render(
        request,
        "transfer/import.html",
        {
            "form": form,
            "kinds": kinds_for(request.user),
            "batches": ImportBatch.objects.filter(uploaded_by=request.user)[:10],
        },
    )


@require_GET
def import_template(request: AuthenticatedHttpRequest, kind: str, file_format: str) -> HttpResponse:
    if kind not in ImportKind.values or file_format not in ("csv", "xlsx"):
        raise Http404
    if not request.user.has_perm(KIND_PERMISSIONS[ImportKind(kind)]):
        raise PermissionDenied
    columns, examples = importing.template_rows(kind)
    filename = f"szablon-{kind}.{file_format}"
    if file_format == "csv":
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";")
        writer.writerow(columns)
        writer.writerows(examples)
        response = HttpResponse(("\ufeff" + text.getvalue()).encode(), content_type="text/csv; charset=utf-8")
        return private_attachment(response, filename)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in examples:
        sheet.append(row)
    # Text columns: a PESEL or a postal code typed into them keeps its leading zeros.
    for index, column in enumerate(columns, start=1):
        if column in ("pesel", "kod_pocztowy", "telefon", "rodzina"):
            for row_cells in sheet.iter_rows(min_col=index, max_col=index, min_row=1, max_row=1000):
                for cell in row_cells:
                    cell.number_format = "@"
    data = io.BytesIO()
    workbook.save(data)
    return private_attachment(HttpResponse(data.getvalue(), content_type=XLSX_TYPE), filename)


@require_GET
def import_batch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    return render(
        request,
        "transfer/import_batch.html",
        {
            "batch": batch,
            "rows": batch.problems_by_row(),
            "columns": importing.COLUMNS[ImportKind(batch.kind)],
        },
    )


@require_POST
def import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    try:
        batch = importing.confirm_import(batch=batch, by=request.user, request=request)
    except InvalidTransition as error:
        messages.error(request, str(error))
    else:
        if batch.summary:
            messages.success(request, _("The file was imported."))
        else:
            messages.error(request, _("Nothing was imported: correct the file and check it again."))
    return redirect("transfer:import-batch", batch.pk)


@require_POST
def import_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    importing.discard_import(batch=batch, by=request.user)
    messages.success(request, _("The import was discarded; nothing was written."))
    return redirect("transfer:import")


@require_http_methods(["GET", "POST"])
def export_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _exporter(request)
    if request.method == "POST":
        exporting.request_export(by=request.user, request=request)
        messages.success(request, _("The export is being prepared; this page shows its progress."))
        return redirect("transfer:export")
    return render(
        request,
        "transfer/export.html",
        {"exports": CentreExport.objects.filter(requested_by=request.user)[:10]},
    )


def _own_export(request: AuthenticatedHttpRequest, pk: int) -> CentreExport:
    _exporter(request)
    return get_object_or_404(CentreExport, pk=pk, requested_by=request.user)


@require_GET
def export_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "transfer/_export_status.html", {"export": _own_export(request, pk)})


@require_GET
def export_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    export = _own_export(request, pk)
    if not export.is_ready:
        raise Http404
    name = (
        f"eksport-osrodka-{export.finished_at:%Y-%m-%d}.zip" if export.finished_at else "eksport-osrodka.zip"
    )
    return private_file_response(
        request, export.file, family_id=None, obj=export, filename=name, content_type="application/zip"
    )
