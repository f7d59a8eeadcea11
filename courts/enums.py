"""Choices of the court requests and opinions: their statuses and the opinion's dispatch."""

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


class CourtNoticeStatus(models.TextChoices):
    PENDING = "pending", _("to be sent to the court")
    SENT = "sent", _("sent to the court")
