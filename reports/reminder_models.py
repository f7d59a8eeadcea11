"""The reminder thresholds: one row the administrator edits in the Django admin.

The defaults are the issue's: most are common practice, not statute, so each is configurable
(the 6-month assessment interval itself is the centre's setting, `Centre.assessment_interval_months`).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

_DAYS = [MinValueValidator(1), MaxValueValidator(365)]


class ReminderSettings(models.Model):
    """How many days before (or after) each deadline the daily sweep reminds whom."""

    assessment_due_days = models.PositiveSmallIntegerField(
        _("periodic assessment: remind the assistant this many days before it is due"),
        default=14,
        validators=_DAYS,
    )
    court_due_days = models.PositiveSmallIntegerField(
        _("court opinion: remind the assistant this many days before the court's deadline"),
        default=7,
        validators=_DAYS,
    )
    no_contact_days = models.PositiveSmallIntegerField(
        _("no visit or contact: remind the assistant after this many days"),
        default=14,
        validators=_DAYS,
    )
    no_contact_escalation_days = models.PositiveSmallIntegerField(
        _("no visit or contact: inform the managers too after this many days"),
        default=30,
        validators=_DAYS,
    )
    consent_wait_days = models.PositiveSmallIntegerField(
        _("voluntary case without consent: remind after more than this many days"),
        default=14,
        validators=_DAYS,
    )
    referral_wait_days = models.PositiveSmallIntegerField(
        _("referral without a decision: remind the managers after more than this many days"),
        default=7,
        validators=_DAYS,
    )
    action_due_days = models.PositiveSmallIntegerField(
        _("plan action: remind the assistant this many days before its deadline"),
        default=7,
        validators=_DAYS,
    )
    monitoring_end_days = models.PositiveSmallIntegerField(
        _("monitoring: remind the assistant this many days before it ends"),
        default=7,
        validators=_DAYS,
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(no_contact_escalation_days__gte=F("no_contact_days")),
                name="reminders_escalation_after_first_reminder",
                violation_error_message=_(
                    "The managers are informed after the assistant: give at least as many days."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reminder settings"))

    def clean(self) -> None:
        if (
            self.no_contact_days is not None
            and self.no_contact_escalation_days is not None
            and self.no_contact_escalation_days < self.no_contact_days
        ):
            raise ValidationError(
                {
                    "no_contact_escalation_days": _(
                        "The managers are informed after the assistant: give at least as many days."
                    )
                }
            )

    @classmethod
    def load(cls) -> "ReminderSettings":
        """The single row, created with the defaults on first use."""
        row = cls.objects.order_by("pk").first()
        if row is None:
            row = cls.objects.create()
        return row
