"""URLs of the cases app, mounted under /families/: a block per feature, as in cases/views/."""

from django.urls import path

from .views import assessments, closure, families, plans, removal, retention

app_name = "cases"

urlpatterns = [
    # families, members, the case page, consent, reassignment
    path("", families.family_list, name="family-list"),
    path("new/", families.family_create, name="family-create"),
    path("pesel-check/", families.pesel_check, name="pesel-check"),
    path("<int:pk>/", families.family_detail, name="family-detail"),
    path("<int:pk>/edit/", families.family_edit, name="family-edit"),
    path("<int:pk>/members/new/", families.member_add, name="member-add"),
    path("members/<int:pk>/edit/", families.member_edit, name="member-edit"),
    path("cases/<int:pk>/", families.case_detail, name="case-detail"),
    path("cases/<int:pk>/consent/", families.consent_create, name="consent-create"),
    path("cases/<int:pk>/reassign/", families.case_reassign, name="case-reassign"),
    path("consents/<int:pk>/scan/", families.consent_scan, name="consent-scan"),
    # the work plan
    path("cases/<int:case_pk>/plan/new/", plans.plan_create, name="plan-create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/confirm/", plans.plan_confirm, name="plan-confirm"),
    # the periodic assessment
    path("cases/<int:case_pk>/assessments/new/", assessments.assessment_create, name="assessment-create"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", assessments.assessment_edit, name="assessment-edit"),
    path(
        "assessments/<int:pk>/acknowledge/",
        assessments.assessment_acknowledge,
        name="assessment-acknowledge",
    ),
    # closure and monitoring
    path("cases/<int:case_pk>/close/", closure.case_close, name="case-close"),
    path("closures/<int:pk>/", closure.proposal_detail, name="closure-proposal"),
    path("closures/<int:pk>/approve/", closure.proposal_approve, name="closure-approve"),
    path("closures/<int:pk>/return/", closure.proposal_return, name="closure-return"),
    path("cases/<int:case_pk>/monitoring/end/", closure.monitoring_end, name="monitoring-end"),
    # files past retention
    path("retention/", retention.retention_list, name="retention"),
    path("retention/protocols/new/", retention.protocol_prepare, name="retention-prepare"),
    path("retention/protocols/<int:pk>/", retention.protocol_detail, name="retention-protocol"),
    # records added by mistake
    path("members/<int:pk>/remove/", removal.member_remove, name="member-remove"),
    path("members/<int:pk>/restore/", removal.member_restore, name="member-restore"),
    path("removed/", removal.removed_records, name="removed-records"),
]
