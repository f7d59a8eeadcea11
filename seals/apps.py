from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    name = "seals"
    verbose_name = _("Electronic seal")

    def ready(self) -> None:
        from . import navigation

        # Its page in the administrator's navigation bar (asystent.navigation).
        navigation.register()
