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
