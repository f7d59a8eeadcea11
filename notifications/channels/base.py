"""What a delivery channel is: the notification rows are written once (the in-application
centre); each channel carries them further."""

from typing import Protocol


class Channel(Protocol):
    """A way to tell people about their notifications (in the application, by e-mail, by SMS).

    A channel keeps its own record of what it has delivered (e-mail: `Notification.emailed_at`),
    so delivery is idempotent and a failed send is retried by the next periodic run."""

    name: str

    def announce(self) -> None:
        """Called inside the transaction that created notification rows: schedule their delivery
        (e.g. with `transaction.on_commit`). Must not query the database."""

    def deliver_pending(self) -> int:
        """The periodic run: deliver what is still undelivered; returns how many were delivered."""
