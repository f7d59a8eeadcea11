"""Notices from the core app's security services (role changes, passwords) to every manager.

The core app sits below the notifications app, so it does not call it: it sends the
`managers_notice` signal, and the notifications app, which connects its receiver in its
`AppConfig.ready()`, turns each notice into in-application notifications (and e-mails).
"""

from typing import cast

from django.dispatch import Signal

# Sent with rule, key, message and url; a receiver returns how many notifications it created.
managers_notice = Signal()


def notify_managers(*, rule: str, key: str, message: str, url: str = "") -> int:
    """Notify every active manager once per `key`; returns how many notifications were created."""
    replies = managers_notice.send(sender=None, rule=rule, key=key, message=message, url=url)
    # Each receiver returns the number it created (the stubs type replies as optional strings).
    counts: list[int] = [cast(int, created) for _receiver, created in replies]
    return sum(counts)
