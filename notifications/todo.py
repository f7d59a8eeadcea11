"""The item `notifications` adds to the administrator's "Do zrobienia" list (asystent.todo): the
reminders whose e-mail has not gone out. One query."""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from asystent.enums import EmailNotifications, Role
from asystent.models import User
from asystent.todo import TodoItem, register_todo

from .channels.email import IMMEDIATE_MAX_AGE
from .models import Notification

# (practice) An immediate e-mail is sent within minutes (and retried every 5 minutes): one still unsent
# after this long has failed.
FAILED_AFTER = dt.timedelta(hours=1)


def failed_reminders(user: User, today: dt.date) -> Iterable[TodoItem]:
    """Notifications that should have gone out by e-mail at once and are still unsent after an
    hour (and not read in the application meanwhile): the mail server needs a look."""
    now = timezone.now()
    failed = Notification.objects.filter(
        emailed_at__isnull=True,
        read_at__isnull=True,
        created_at__lt=now - FAILED_AFTER,
        created_at__gte=now - IMMEDIATE_MAX_AGE,
        recipient__is_active=True,
        recipient__email_notifications=EmailNotifications.IMMEDIATE,
    ).exclude(recipient__email="")
    count = failed.count()
    if count:
        yield TodoItem(
            label=ngettext(
                "%(n)d reminder could not be sent by e-mail: check the mail server",
                "%(n)d reminders could not be sent by e-mail: check the mail server",
                count,
            )
            % {"n": count},
            url=reverse("admin:notifications_remindersettings_changelist"),
            overdue=True,
            rank=30,
        )


def register() -> None:
    register_todo("notifications-failed-reminders", roles=(Role.ADMINISTRATOR,), items=failed_reminders)
