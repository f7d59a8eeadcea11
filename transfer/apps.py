from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "transfer"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from cases.retention import register_anonymiser

        from . import navigation, permissions, retention  # noqa: F401  (the rules register on import)

        # The import and export pages in the manager's menu and the administrator's bar.
        navigation.register()
        # An erased family leaves no copy in an export made before.
        register_anonymiser(retention.anonymise)
