"""Choices of the reports app: court requests, opinions and their dispatch, printed documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CourtRequestStatus(models.TextChoices):
    OPEN = "open", _("awaiting the opinion")
    ANSWERED = "answered", _("answered")


class OpinionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted to the manager")
    APPROVED = "approved", _("approved")
    SENT = "sent", _("sent to the court")


class DispatchMethod(models.TextChoices):
    POST = "post", _("by post")
    EPUAP = "epuap", _("through ePUAP")
    IN_PERSON = "in_person", _("delivered in person")


class DocumentKind(models.TextChoices):
    OPINION = "opinion", _("court opinion")
    WORK_PLAN = "work_plan", _("work plan for signing")
    MONTHLY_VISITS = "monthly_visits", _("monthly visit log")
    ASSIGNMENT_LETTER = "assignment_letter", _("assignment letter")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be prepared")
    RENDERING = "rendering", _("being prepared")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")
