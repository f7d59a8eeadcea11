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


# The single table of allowed referral transitions: from status -> statuses it may move to.
TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.DRAFT: {ReferralStatus.SUBMITTED, ReferralStatus.WITHDRAWN},
    ReferralStatus.SUBMITTED: {
        ReferralStatus.ASSIGNED,
        ReferralStatus.WAITLISTED,
        ReferralStatus.REFERRED,
        ReferralStatus.REJECTED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.WAITLISTED: {
        ReferralStatus.ASSIGNED,
        ReferralStatus.REFERRED,
        ReferralStatus.REJECTED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.ASSIGNED: set(),
    ReferralStatus.REFERRED: set(),
    ReferralStatus.REJECTED: set(),
    ReferralStatus.WITHDRAWN: set(),
}

DECISION_STATUS = {
    Decision.ASSIGN: ReferralStatus.ASSIGNED,
    Decision.WAITLIST: ReferralStatus.WAITLISTED,
    Decision.REFER: ReferralStatus.REFERRED,
    Decision.REJECT: ReferralStatus.REJECTED,
}
