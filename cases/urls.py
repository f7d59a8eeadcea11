"""URLs of the cases app, mounted under /families/."""

from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.family_list, name="family-list"),
    path("new/", views.family_create, name="family-create"),
    path("pesel-check/", views.pesel_check, name="pesel-check"),
    path("<int:pk>/", views.family_detail, name="family-detail"),
    path("<int:pk>/edit/", views.family_edit, name="family-edit"),
    path("<int:pk>/members/new/", views.member_add, name="member-add"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/consent/", views.consent_create, name="consent-create"),
    path("cases/<int:pk>/reassign/", views.case_reassign, name="case-reassign"),
    path("consents/<int:pk>/scan/", views.consent_scan, name="consent-scan"),
]

from .work_urls import urlpatterns as work_urlpatterns  # noqa: E402

urlpatterns += work_urlpatterns

from . import retention_views  # noqa: E402

urlpatterns += [
    path("retention/", retention_views.retention_list, name="retention"),
    path("retention/protocols/new/", retention_views.protocol_prepare, name="retention-prepare"),
    path("retention/protocols/<int:pk>/", retention_views.protocol_detail, name="retention-protocol"),
]

from . import removal_views  # noqa: E402

urlpatterns += [
    path("members/<int:pk>/remove/", removal_views.member_remove, name="member-remove"),
    path("members/<int:pk>/restore/", removal_views.member_restore, name="member-restore"),
    path("removed/", removal_views.removed_records, name="removed-records"),
]
