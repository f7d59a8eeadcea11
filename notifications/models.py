"""The notifications (one row per recipient: the in-application centre and the outbox of the other
channels) and the reminder thresholds, one row the administrator edits in the Django admin.

The thresholds' defaults are common practice, not statute, so each is configurable
(the 6-month assessment interval itself is the centre's setting, `Centre.assessment_interval_months`).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from asystent import dates

_DAYS = [MinValueValidator(1), MaxValueValidator(365)]
DEFAULT_SWEEP_HOUR = 6


class Notification(models.Model):
    """A message to one user in the in-application notification centre.

    `key` makes delivery idempotent: one notification per rule, object and due date per user
    (a unique constraint, not a check-then-insert).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    rule = models.CharField(_("kind"), max_length=50)
    key = models.CharField(max_length=200)
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    family_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *dates.datetime_range_constraints("notification", "created_at", "read_at", "emailed_at"),
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.message


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
    # The hour (Europe/Warsaw) the daily sweep runs at; saving it moves the sweep's entry of the
    # beat schedule (`asystent.schedules.set_daily_hour`), whose tables are not in the admin.
    sweep_hour = models.PositiveSmallIntegerField(
        _("hour of the daily reminder sweep"),
        default=DEFAULT_SWEEP_HOUR,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text=_("A full hour from 0 to 23, local time; the reminders of the day are created then."),
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(condition=Q(sweep_hour__lte=23), name="reminders_sweep_hour_of_a_day"),
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        from asystent.schedules import REMINDER_SWEEP_TASK, set_daily_hour

        with transaction.atomic():
            super().save(*args, **kwargs)
            set_daily_hour(REMINDER_SWEEP_TASK, self.sweep_hour)

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
