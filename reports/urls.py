"""URLs of the reports app: court requests and opinions, printed documents, and the manager's
pages (`manager/urls.py`) and the data-subject access export (`subject_access/urls.py`)."""

from django.urls import path

from . import views
from .manager.urls import urlpatterns as manager_urlpatterns
from .subject_access.urls import urlpatterns as subject_urlpatterns

app_name = "reports"

urlpatterns = [
    path("court-requests/", views.court_request_list, name="court-request-list"),
    path("court-requests/new/<int:case_pk>/", views.court_request_create, name="court-request-create"),
    path("court-requests/<int:pk>/", views.court_request_detail, name="court-request-detail"),
    path("court-requests/<int:pk>/scan/", views.court_request_scan, name="court-request-scan"),
    path("court-requests/<int:pk>/opinion/", views.opinion_create, name="opinion-create"),
    path("opinions/<int:pk>/edit/", views.opinion_edit, name="opinion-edit"),
    path("opinions/<int:pk>/versions/", views.opinion_versions, name="opinion-versions"),
    path("opinions/versions/<int:pk>/", views.opinion_version, name="opinion-version"),
    path("opinions/versions/<int:pk>/submit/", views.opinion_submit, name="opinion-submit"),
    path("opinions/versions/<int:pk>/approve/", views.opinion_approve, name="opinion-approve"),
    path("opinions/versions/<int:pk>/return/", views.opinion_return, name="opinion-return"),
    path("opinions/versions/<int:pk>/sent/", views.opinion_mark_sent, name="opinion-mark-sent"),
    path("opinions/versions/<int:pk>/pdf/", views.opinion_pdf, name="opinion-pdf"),
    path("cases/<int:case_pk>/work-plan.pdf", views.work_plan_pdf, name="work-plan-pdf"),
    path("cases/<int:case_pk>/visits.pdf", views.monthly_visits_pdf, name="monthly-visits-pdf"),
    path(
        "cases/<int:case_pk>/assignment-letter.pdf", views.assignment_letter_pdf, name="assignment-letter-pdf"
    ),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("documents/<int:pk>/status/", views.document_status, name="document-status"),
    path("documents/<int:pk>/retry/", views.document_retry, name="document-retry"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
    *manager_urlpatterns,
    *subject_urlpatterns,
]
