from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Integration")

    def ready(self) -> None:
        from . import navigation

        # The account page in the user's menu (asystent.navigation).
        navigation.register()
