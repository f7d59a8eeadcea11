from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Cooperation with institutions")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from cases import panels
        from cases.retention import register_anonymiser
        from documents.models import RenderedDocument

        from . import navigation, reminders, retention, week
        from .panels import family_panel, plan_panel, visit_panel

        # The daily sweep: letters' replies, the procedure's deadlines, meetings and tasks.
        reminders.register()
        register_anonymiser(retention.anonymise)
        navigation.register()
        # The family page of `cases`: the correspondence and, for those who may see it, the procedure.
        panels.register(
            "family-sections", template="cooperation/_family_section.html", context=family_panel, order=150
        )
        # The institutions taking part in a visit and in a work plan, on their pages.
        panels.register(
            "visit-sections", template="cooperation/_visit_institutions.html", context=visit_panel
        )
        panels.register("plan-sections", template="cooperation/_plan_institutions.html", context=plan_panel)
        # The tasks given at meetings join the assistant's week (the visits app's "My week").
        week.register()
        # The letters the application prints are logged in the family's correspondence.
        post_save.connect(
            _log_printed_letter, sender=RenderedDocument, dispatch_uid="cooperation-printed-letter"
        )


def _log_printed_letter(sender: object, instance: object, created: bool, **kwargs: object) -> None:
    if created:
        from .services import log_printed_letter

        log_printed_letter(instance)  # type: ignore[arg-type]  # the sender is RenderedDocument
