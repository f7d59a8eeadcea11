from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtsConfig(AppConfig):
    name = "courts"
    verbose_name = _("Court requests and opinions")

    def ready(self) -> None:
        # The court requests' reminder rule joins the daily sweep (notifications.reminders), and
        # the opinion joins the printed documents' kinds (documents.kinds).
        from cases import panels
        from cases.retention import register_anonymiser

        from . import documents, reminders, retention

        reminders.register()
        documents.register()
        register_anonymiser(retention.anonymise)
        # Its section on the case page of `cases`, which does not name this app.
        panels.register("case-sections", template="courts/_case_documents.html")
        panels.register("case-sections", template="courts/_case_non_cooperation.html")
