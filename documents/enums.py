"""Choices of the printed documents: their kinds and the state of their rendering."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    OPINION = "opinion", _("court opinion")
    WORK_PLAN = "work_plan", _("work plan for signing")
    MONTHLY_VISITS = "monthly_visits", _("monthly visit log")
    ASSIGNMENT_LETTER = "assignment_letter", _("assignment letter")
    SUBJECT_ACCESS = "subject_access", _("copy of personal data")
    COURT_NOTICE = "court_notice", _("notice to the court")
    SUPPORT_CATALOGUE = "support_catalogue", _("catalogue of available support (“Za życiem”)")
    REPORT_ANSWER = "report_answer", _("answer to the reporter")
    TIMESHEET = "timesheet", _("time sheet")
    MILEAGE_LOG = "mileage_log", _("mileage log")
    CONSENT_FORM = "consent_form", _("consent to work with an assistant")
    ASSESSMENT = "assessment", _("periodic assessment")
    MONTHLY_REPORT = "monthly_report", _("assistant's monthly report")
    WORK_CARD = "work_card", _("family work card")
    CLOSURE_REPORT = "closure_report", _("closure report")
    MONITORING_NOTE = "monitoring_note", _("monitoring note")
    REFERRAL = "referral", _("referral for an assistant")
    SEMIANNUAL_REPORT = "semiannual_report", _("semi-annual report")
    ANNUAL_REPORT = "annual_report", _("annual report to the gmina council")
    ZA_ZYCIEM_AUTHORISATION = "za_zyciem_authorisation", _("written authorisation (“Za życiem”)")


class Owner(models.TextChoices):
    """Whom a printed document belongs to, which decides who sees it: a case's document whoever
    sees the case; a family's (without a case) whoever sees the family; a worker's (a time sheet,
    a monthly report) the worker and the managers; the centre's (its reports) only the roles the
    kind names as its readers."""

    CASE = "case", _("case")
    FAMILY = "family", _("family")
    WORKER = "worker", _("worker")
    CENTRE = "centre", _("centre")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be prepared")
    RENDERING = "rendering", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
