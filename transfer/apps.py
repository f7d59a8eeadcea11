from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from . import navigation, permissions  # noqa: F401  (the rules register on import)

        # The import and export pages in the manager's menu and the administrator's bar.
        navigation.register()
