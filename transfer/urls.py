"""The import and the export of the centre's data."""

from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/template/<str:kind>.<str:file_format>", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_batch, name="import-batch"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("import/<int:pk>/discard/", views.import_discard, name="import-discard"),
    path("export/", views.export_page, name="export"),
    path("export/<int:pk>/status/", views.export_status, name="export-status"),
    path("export/<int:pk>/download/", views.export_download, name="export-download"),
]
