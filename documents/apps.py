from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def file_documents_panel(**page: object) -> dict | None:
    from .panels import file_documents

    return file_documents(**page)


def referral_documents_panel(**page: object) -> dict | None:
    from .panels import referral_documents

    return referral_documents(**page)


def za_zyciem_documents_panel(**page: object) -> dict | None:
    from .intake import za_zyciem_documents

    return za_zyciem_documents(**page)  # type: ignore[arg-type]


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

        # The documents of the family's file and the assistant's monthly report (issue 17).
        from . import file_documents, monthly_report, navigation

        file_documents.register()
        monthly_report.register()
        navigation.register()
        panels.register(
            "case-sections",
            template="documents/_case_file_documents.html",
            context=file_documents_panel,
            order=55,
        )
        panels.register(
            "family-sections",
            template="documents/_referral_documents.html",
            context=referral_documents_panel,
            order=112,
        )
        panels.register(
            "case-sections",
            template="documents/_za_zyciem_documents.html",
            context=za_zyciem_documents_panel,
            order=60,
        )
        panels.register(
            "family-sections",
            template="documents/_report_answers.html",
            context=intake.report_answers,
            order=110,
        )
