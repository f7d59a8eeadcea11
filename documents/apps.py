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

        # The intake documents, and where the case and family pages offer them (cases.panels).
        from cases import panels

        from . import intake

        intake.register()
        panels.register("case-sections", template="documents/_za_zyciem_documents.html", order=60)
        panels.register(
            "family-sections",
            template="documents/_report_answers.html",
            context=intake.report_answers,
            order=110,
        )
