"""URLs of the data-subject access export (GDPR art. 15); included into `reports/urls.py`, so the
names are `reports:<name>`."""

from django.urls import path

from . import views

urlpatterns = [
    path("subjects/<int:pk>/", views.subject_access, name="subject-access"),
    path("subjects/<int:pk>/export.json", views.subject_access_json, name="subject-access-json"),
    path("subjects/<int:pk>/export.pdf", views.subject_access_pdf, name="subject-access-pdf"),
]
