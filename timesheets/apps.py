from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimesheetsConfig(AppConfig):
    name = "timesheets"
    verbose_name = _("Time sheets and mileage")

    def ready(self) -> None:
        from cases.retention import register_anonymiser

        from . import documents, navigation
        from .retention import anonymise

        # Its links in the navigation bar (asystent.navigation), its printed documents
        # (documents.kinds) and its eraser of the trips' places (cases.retention).
        navigation.register()
        documents.register()
        register_anonymiser(anonymise)
