from django.urls import path

from . import views

app_name = "timesheets"

SHEET = {"kind": "sheet"}
LOG = {"kind": "log"}

urlpatterns = [
    path("", views.index, name="index"),
    path("sheets/open/", views.sheet_open, name="sheet-open"),
    path("sheets/<int:pk>/", views.sheet, name="sheet"),
    path("sheets/<int:pk>/fill/", views.sheet_fill, name="sheet-fill"),
    path("sheets/<int:pk>/submit/", views.submit, SHEET, name="sheet-submit"),
    path("sheets/<int:pk>/approve/", views.approve, SHEET, name="sheet-approve"),
    path("sheets/<int:pk>/return/", views.return_month, SHEET, name="sheet-return"),
    path("sheets/<int:pk>/pdf/", views.pdf, SHEET, name="sheet-pdf"),
    path("mileage/open/", views.log_open, name="log-open"),
    path("mileage/<int:pk>/", views.log, name="log"),
    path("mileage/<int:pk>/fill/", views.log_fill, name="log-fill"),
    path("mileage/<int:pk>/submit/", views.submit, LOG, name="log-submit"),
    path("mileage/<int:pk>/approve/", views.approve, LOG, name="log-approve"),
    path("mileage/<int:pk>/return/", views.return_month, LOG, name="log-return"),
    path("mileage/<int:pk>/pdf/", views.pdf, LOG, name="log-pdf"),
    path("mileage/trips/<int:pk>/remove/", views.trip_remove, name="trip-remove"),
    path("allowances/<int:pk>/", views.allowance, name="allowance"),
]
