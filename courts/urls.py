"""URLs of the court requests and opinions, included at /courts/."""

from django.urls import path

from . import views

app_name = "courts"

urlpatterns = [
    path("requests/", views.court_request_list, name="court-request-list"),
    path("requests/new/<int:case_pk>/", views.court_request_create, name="court-request-create"),
    path("requests/<int:pk>/", views.court_request_detail, name="court-request-detail"),
    path("requests/<int:pk>/scan/", views.court_request_scan, name="court-request-scan"),
    path("requests/<int:pk>/opinion/", views.opinion_create, name="opinion-create"),
    path("opinions/<int:pk>/edit/", views.opinion_edit, name="opinion-edit"),
    path("opinions/<int:pk>/versions/", views.opinion_versions, name="opinion-versions"),
    path("opinions/versions/<int:pk>/", views.opinion_version, name="opinion-version"),
    path("opinions/versions/<int:pk>/submit/", views.opinion_submit, name="opinion-submit"),
    path("opinions/versions/<int:pk>/approve/", views.opinion_approve, name="opinion-approve"),
    path("opinions/versions/<int:pk>/return/", views.opinion_return, name="opinion-return"),
    path("opinions/versions/<int:pk>/sent/", views.opinion_mark_sent, name="opinion-mark-sent"),
    path("opinions/versions/<int:pk>/pdf/", views.opinion_pdf, name="opinion-pdf"),
    path(
        "cases/<int:case_pk>/non-cooperation/",
        views.non_cooperation_create,
        name="non-cooperation-create",
    ),
    path("cases/<int:case_pk>/notice/", views.court_notice_create, name="court-notice-create"),
    path("notices/<int:pk>/", views.court_notice_detail, name="court-notice-detail"),
    path("notices/<int:pk>/sent/", views.court_notice_mark_sent, name="court-notice-mark-sent"),
]
