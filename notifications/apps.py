from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications and reminders")

    def ready(self) -> None:
        # The delivery channels register themselves; the reminder rules are registered by the
        # apps that own the data they read (e.g. `cases.reminders`).
        from asystent.staff_notices import managers_notice

        from . import channels, navigation, services

        channels.load()
        # The badge in the navigation bar and the settings in the user's menu (asystent.navigation).
        navigation.register()
        # The core app's notices to the managers (role changes awaiting a second person).
        managers_notice.connect(services.notify_managers_of_notice, dispatch_uid="notifications-managers")
