from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtsConfig(AppConfig):
    name = "courts"
    verbose_name = _("Court requests and opinions")

    def ready(self) -> None:
        # The court requests' reminder rule joins the daily sweep (notifications.reminders), and
        # the opinion joins the printed documents' kinds (documents.kinds).
        from . import documents, reminders

        reminders.register()
        documents.register()
