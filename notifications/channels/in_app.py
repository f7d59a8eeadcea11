"""The in-application channel: the notification row is the delivery, read in the notification
centre (`notifications.views`); there is nothing to send."""

from . import register


class InAppChannel:
    name = "in_app"

    def announce(self) -> None:
        """The rows are already where their recipients read them."""

    def deliver_pending(self) -> int:
        return 0


register(InAppChannel())
