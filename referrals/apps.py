from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # The reminder rules over this app's data join the daily sweep (notifications.reminders).
        from . import reminders

        reminders.register()
