"""Choices of the referrals app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, awaiting decision")
    WAITLISTED = "waitlisted", _("on the waiting list")
    ASSIGNED = "assigned", _("assistant assigned")
    REFERRED = "referred", _("referred to another unit")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Decision(models.TextChoices):
    ASSIGN = "assign", _("assign an assistant")
    WAITLIST = "waitlist", _("put on the waiting list")
    REFER = "refer", _("refer to another unit or organisation")
    REJECT = "reject", _("reject")


class ReporterKind(models.TextChoices):
    INSTITUTION = "institution", _("institution")
    PERSON = "person", _("person")


class ReportChannel(models.TextChoices):
    LETTER = "letter", _("letter")
    PHONE = "phone", _("phone")
    IN_PERSON = "in_person", _("in person")
    EMAIL = "email", _("e-mail")
    EPUAP = "epuap", _("ePUAP")
    OTHER = "other", _("other")


class ZaZyciemEligibility(models.TextChoices):
    PREGNANCY = "pregnancy", _("pregnancy")
    CHILD_CERTIFICATE = "child_certificate", _("a child with the medical certificate (art. 4 ust. 3)")
