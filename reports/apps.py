from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The stored report figures follow every change of the records behind them.
        from cases import panels

        from . import navigation, snapshots
        from .semiannual import documents as report_documents
        from .subject_access import documents

        snapshots.connect()
        # A person's copy of their data and the centre's reports join the printed documents'
        # kinds (documents.kinds): the worker renders them.
        documents.register()
        report_documents.register()
        # The manager's links in the navigation bar and on the home page (asystent.navigation).
        navigation.register()
        # Its sections and links on the pages of `cases`, which does not name this app.
        panels.register("family-member", template="reports/subject/_member_link.html")
