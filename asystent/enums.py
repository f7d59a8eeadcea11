"""Choices shared by the whole project."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("social worker")
    ASSISTANT = "assistant", _("family assistant")
    MANAGER = "manager", _("manager")
    ADMINISTRATOR = "administrator", _("administrator")


class EmploymentForm(models.TextChoices):
    EMPLOYMENT_CONTRACT = "employment", _("employment contract")
    CIVIL_LAW_CONTRACT = "civil_law", _("civil-law contract")


class EmailNotifications(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately, one e-mail per notification")
    DIGEST = "digest", _("once a day, in a digest")
    NONE = "none", _("no e-mails (only in the application)")


class RoleChangeStatus(models.TextChoices):
    PENDING = "pending", _("awaiting confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")
    REPLACED = "replaced", _("replaced by a newer request")
