"""The one door from the asystent app's security services to the in-application notifications.

The notification functions are moving to their own app: only the import below changes then.
"""

from .models import User
from .notifications import notify


def notify_managers(*, rule: str, key: str, message: str, url: str = "") -> int:
    """Notify every active manager once per `key`; returns how many notifications were created."""
    return notify(
        User.objects.filter(is_manager=True, is_active=True), rule=rule, key=key, message=message, url=url
    )
