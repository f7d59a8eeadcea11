from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits and interventions")

    def ready(self) -> None:
        # The reminder rules over this app's data join the daily sweep (notifications.reminders).
        from . import reminders

        reminders.register()
