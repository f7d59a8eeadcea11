from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Printed documents")

    def ready(self) -> None:
        # Erasing the families past retention reaches their printed documents (cases.retention).
        from cases.retention import register_anonymiser

        from . import retention

        register_anonymiser(retention.anonymise)
