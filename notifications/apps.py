from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self) -> None:
        # The delivery channels register themselves; the reminder rules are registered by the
        # apps that own the data they read (e.g. `cases.reminders`).
        from . import channels

        channels.load()
