"""URLs of the manager's pages; appended to `reports/urls.py`, so the names are `reports:<name>`."""

from django.urls import path

from . import views

urlpatterns = [
    path("manager/", views.dashboard_view, name="dashboard"),
    path("manager/list/", views.drilldown_view, name="dashboard-drilldown"),
    path("manager/charts/", views.charts_view, name="charts"),
    path("manager/report/", views.semiannual_view, name="semiannual"),
    path("manager/report/list/", views.semiannual_drilldown_view, name="semiannual-drilldown"),
    path("manager/report/csv/", views.semiannual_csv_view, name="semiannual-csv"),
    path("manager/report/xlsx/", views.semiannual_xlsx_view, name="semiannual-xlsx"),
    path("manager/report/pdf/", views.semiannual_pdf_view, name="semiannual-pdf"),
    path("manager/report/send/", views.semiannual_send_view, name="semiannual-send"),
    path("manager/annual/", views.annual_view, name="annual"),
    path("manager/annual/pdf/", views.annual_pdf_view, name="annual-pdf"),
    path("manager/points/list/", views.help_point_drilldown_view, name="help-point-drilldown"),
]
