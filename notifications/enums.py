"""Choices of the notifications: every kind of notification the application sends."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class NotificationKind(models.TextChoices):
    """Every kind (`Notification.rule`) the application sends, with the label people see."""

    ASSESSMENT_DUE = "assessment_due", gettext_lazy("Periodic assessment due soon")
    ASSESSMENT_OVERDUE = "assessment_overdue", gettext_lazy("Periodic assessment overdue")
    COURT_DUE = "court_due", gettext_lazy("Court opinion due soon")
    COURT_OVERDUE = "court_overdue", gettext_lazy("Court opinion overdue")
    NO_CONTACT = "no_contact", gettext_lazy("No visit or contact recently")
    NO_CONTACT_ESCALATION = "no_contact_escalation", gettext_lazy("No visit or contact for a long time")
    CONSENT_PENDING = "consent_pending", gettext_lazy("Consent not recorded")
    REFERRAL_WAITING = "referral_waiting", gettext_lazy("Referral awaiting a decision")
    INTERVIEW_DUE = "interview_due", gettext_lazy("Community interview due soon")
    INTERVIEW_OVERDUE = "interview_overdue", gettext_lazy("Community interview overdue")
    ACTION_DUE = "action_due", gettext_lazy("Plan action due soon")
    ACTION_OVERDUE = "action_overdue", gettext_lazy("Plan action overdue")
    MONITORING_ENDING = "monitoring_ending", gettext_lazy("Monitoring ending soon")
    INTERVENTION = "intervention", gettext_lazy("Intervention recorded")
    OPINION_SUBMITTED = "opinion_submitted", gettext_lazy("Court opinion submitted for approval")
    OPINION_APPROVED = "opinion_approved", gettext_lazy("Court opinion approved")
    OPINION_RETURNED = "opinion_returned", gettext_lazy("Court opinion returned for corrections")
    COURT_ORDER_WAITING = "court_order_waiting", gettext_lazy("Court order without an assistant")
    COURT_ORDER_ATTACHED = "court_order_attached", gettext_lazy("Court order attached to an open case")
    REFERRAL_DECIDED = "referral_decided", gettext_lazy("Decision on a referral")
    CASE_ASSIGNED = "case_assigned", gettext_lazy("Family assigned")
    CASE_HANDED_OVER = "case_handed_over", gettext_lazy("Family handed to another assistant")
    COURT_NOTICE_DUE = "court_notice_due", gettext_lazy("Notice to the court due")
    COURT_NOTICE_OVERDUE = "court_notice_overdue", gettext_lazy("Notice to the court overdue")
    LETTER_REPLY_DUE = "letter_reply_due", gettext_lazy("Reply to a letter due")
    BLUE_CARD_DEADLINE = "blue_card_deadline", gettext_lazy("Niebieska Karta deadline")
    BLUE_CARD_MEETING = "blue_card_meeting", gettext_lazy("Niebieska Karta group meeting")
    BLUE_CARD_TASK = "blue_card_task", gettext_lazy("Task from a Niebieska Karta meeting")


def kind_label(rule: str) -> str:
    """The label of a notification kind; an unknown kind gets a generic one."""
    try:
        return str(NotificationKind(rule).label)
    except ValueError:
        return _("Notification")
