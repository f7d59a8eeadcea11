"""URLs of the printed documents, included at /documents/."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:case_pk>/work-plan.pdf", views.work_plan_pdf, name="work-plan-pdf"),
    path("cases/<int:case_pk>/visits.pdf", views.monthly_visits_pdf, name="monthly-visits-pdf"),
    path(
        "cases/<int:case_pk>/assignment-letter.pdf", views.assignment_letter_pdf, name="assignment-letter-pdf"
    ),
    path("catalogues/<int:handover_pk>.pdf", views.support_catalogue_pdf, name="support-catalogue-pdf"),
    path(
        "cases/<int:case_pk>/za-zyciem-authorisation.pdf",
        views.za_zyciem_authorisation_pdf,
        name="za-zyciem-authorisation-pdf",
    ),
    path("report-answers/<int:report_pk>.pdf", views.report_answer_pdf, name="report-answer-pdf"),
    path("cases/<int:case_pk>/consent-form.pdf", views.consent_form_pdf, name="consent-form-pdf"),
    path("cases/<int:case_pk>/work-card/", views.work_card, name="work-card"),
    path("cases/<int:case_pk>/monitoring-note.pdf", views.monitoring_note_pdf, name="monitoring-note-pdf"),
    path("assessments/<int:assessment_pk>.pdf", views.assessment_pdf, name="assessment-pdf"),
    path("closures/<int:proposal_pk>.pdf", views.closure_report_pdf, name="closure-report-pdf"),
    path("referrals/<int:referral_pk>.pdf", views.referral_pdf, name="referral-pdf"),
    path("monthly-reports/", views.monthly_reports, name="monthly-reports"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/status/", views.document_status, name="status"),
    path("<int:pk>/retry/", views.document_retry, name="retry"),
    path("<int:pk>/download/", views.document_download, name="download"),
]
