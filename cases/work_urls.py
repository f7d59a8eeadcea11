"""URLs of the assistant's case work (plans, assessments, closure, monitoring): appended to
`cases/urls.py`, so the names are `cases:<name>`."""

from django.urls import path

from . import work_views

urlpatterns = [
    path("cases/<int:case_pk>/plan/new/", work_views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", work_views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/confirm/", work_views.plan_confirm, name="plan-confirm"),
    path("cases/<int:case_pk>/assessments/new/", work_views.assessment_create, name="assessment-create"),
    path("assessments/<int:pk>/", work_views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", work_views.assessment_edit, name="assessment-edit"),
    path(
        "assessments/<int:pk>/acknowledge/",
        work_views.assessment_acknowledge,
        name="assessment-acknowledge",
    ),
    path("cases/<int:case_pk>/close/", work_views.case_close, name="case-close"),
    path("cases/<int:case_pk>/monitoring/end/", work_views.monitoring_end, name="monitoring-end"),
]
