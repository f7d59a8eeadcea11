"""The outbox of tasks: a task asked for by a change is written as a row (`PendingTask`) in the
change's own transaction and sent to the broker once that transaction commits. When the broker
(Redis) cannot be reached, the row stays; it is sent by the next flush: beat's
`asystent.flush_outbox` every minute and the worker's start. So a PDF or an e-mail asked for
while Redis was stopped is done when Redis is back, and a request never waits on a dead broker
for more than one short attempt.

Sending is at least once (a process that dies between the broker's acceptance and the row's
deletion sends it again at the next flush), so every task sent this way is idempotent; the same
task with the same arguments waiting twice is one row (`key`).

In the embedded mode (tasks in-process, no broker) nothing is written: the task runs after the
commit, as before.
"""

import json
import logging
import time
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from .models import PendingTask

logger = logging.getLogger(__name__)

# After a failed send, this process leaves new rows to the periodic flush for this many seconds
# instead of trying again on every request (each try costs a connection timeout).
BROKER_PAUSE_SECONDS = 5.0
FLUSH_BATCH = 500

_paused_until = 0.0


def _app() -> Any:  # noqa: ANN401 - the Celery app (celery-types: Celery)
    from .celery import app

    return app


def send_after_commit(task: Any, *args: Any) -> None:  # noqa: ANN401 - a Celery task; JSON arguments
    """Ask for `task(*args)` once the current transaction commits (at once outside one)."""
    if _app().conf.task_always_eager:
        transaction.on_commit(lambda: task.apply_async(args=list(args)), robust=True)
        return
    name: str = task.name
    key = f"{name}:{json.dumps(list(args), separators=(',', ':'), sort_keys=True)}"[:255]
    with transaction.atomic():
        PendingTask.objects.get_or_create(key=key, defaults={"task": name, "args": list(args)})
    transaction.on_commit(lambda: flush(keys=[key], respect_pause=True), robust=True)


def flush(*, keys: list[str] | None = None, respect_pause: bool = False) -> int:
    """Send the waiting tasks (those of `keys`, or all, oldest first); returns how many were sent.
    Stops at the first broker failure: the rest wait for the next flush."""
    global _paused_until
    if respect_pause and time.monotonic() < _paused_until:
        return 0
    app = _app()
    rows = PendingTask.objects.order_by("pk")
    if keys is not None:
        rows = rows.filter(key__in=keys)
    sent = 0
    for pk in list(rows.values_list("pk", flat=True)[:FLUSH_BATCH]):
        with transaction.atomic():
            row = PendingTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                continue  # sent meanwhile, or being sent by another process
            try:
                app.send_task(row.task, args=row.args, retry=False)
            except (BrokerError, OSError) as error:
                _paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
                PendingTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
                logger.warning(
                    "Broker unreachable (%s); %s waits in the outbox", type(error).__name__, row.task
                )
                return sent
            row.delete()
            sent += 1
    _paused_until = 0.0
    return sent
