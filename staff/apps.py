from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff records")

    def ready(self) -> None:
        from . import navigation

        # Its links in the navigation bar (asystent.navigation).
        navigation.register()
