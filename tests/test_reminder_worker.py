"""The reminder sweep and the e-mails it causes, delivered through a real Celery worker on Redis."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.tasks import send_reminders_task

from .factories import CaseFactory

pytestmark = pytest.mark.redis("a real Celery worker")


def wait_for(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_the_sweep_runs_on_a_worker_and_its_e_mails_follow(
    real_worker, settings, mailoutbox, assistant, manager
):
    settings.LANGUAGE_CODE = "en"
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    CaseFactory(assistant=assistant, opened_on=long_ago, started_on=long_ago)

    result = send_reminders_task.delay()
    assert result.id  # sent to the broker, not run in-process

    assert wait_for(lambda: Notification.objects.filter(rule="assessment_overdue").count() == 2), (
        "the worker did not create the reminders"
    )
    recipients = set(
        Notification.objects.filter(rule="assessment_overdue").values_list("recipient__username", flat=True)
    )
    assert recipients == {"anna", "kasia"}
    # The sweep queued notifications.send_pending_emails after its commit; the same worker sends them.
    assert wait_for(lambda: not Notification.objects.filter(emailed_at__isnull=True).exists())
    assert {m.to[0] for m in mailoutbox} == {"anna@example.org", "kasia@example.org"}
