"""The tasks given to the assistant at meetings of the "Niebieska Karta" procedure, in their week:
a block of the slot "my-week" of the visits app's page (asystent.navigation)."""

import datetime as dt
from typing import Any

from asystent.navigation import register_block

from . import selectors


def week_tasks(**page: Any) -> dict[str, Any] | None:
    request, monday = page.get("request"), page.get("monday")
    if request is None or not isinstance(monday, dt.date):
        return None
    tasks = selectors.tasks_of_week(request.user, monday)
    return {"blue_card_tasks": tasks} if tasks else None


def register() -> None:
    register_block("my-week", template="cooperation/_week_tasks.html", context=week_tasks)
