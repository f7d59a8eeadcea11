"""A real Celery worker for the fault tests (`tests/own_services.WorkerProcess`), as
`celery -A asystent worker --pool=solo` but able to stop at a chosen point: while the file named
by FAULT_HOLD exists, the PDF rendering (after WeasyPrint, before the file is stored) and the
reminder sweep (after its INSERT, before its commit) wait there, and say so by creating the same
name with `.reached` appended, so that the test kills the worker exactly mid-task."""

import os
import time
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asystent.settings")
django.setup()

from asystent.celery import app  # noqa: E402
from documents import services as documents  # noqa: E402
from notifications import reminders  # noqa: E402

HOLD = os.environ.get("FAULT_HOLD", "")


def _hold() -> None:
    if not HOLD or not Path(HOLD).exists():
        return
    Path(HOLD + ".reached").touch()
    while Path(HOLD).exists():
        time.sleep(0.05)


def _holding(function: Any) -> Any:  # noqa: ANN401
    def held(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        result = function(*args, **kwargs)
        _hold()
        return result

    return held


# documents.services calls html_to_pdf by the name it imported: that name is the one replaced.
setattr(documents, "html_to_pdf", _holding(getattr(documents, "html_to_pdf")))  # noqa: B009, B010
reminders.create_notifications = _holding(reminders.create_notifications)

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"fault-{os.getpid()}@%h",
        ]
    )
