from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Families and cases")

    def ready(self) -> None:
        # The reminder rules over this app's data join the daily sweep (notifications.reminders).
        from . import navigation, reminders

        reminders.register()
        # Its links in the navigation bar and on the home page, and the assistant's agenda there.
        navigation.register()
