"""Choices of the visits app: kinds and places of visits, and their status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("home visit")
    PHONE = "phone", _("phone call")
    ACCOMPANYING = "accompanying", _("accompanying to an institution")
    CASE_CONFERENCE = "case_conference", _("case conference")
    COURT = "court", _("court")
    MONITORING = "monitoring", _("monitoring contact")


class VisitPlace(models.TextChoices):
    HOME = "home", _("the family's home")
    OTHER = "other", _("another place")


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("saved")
