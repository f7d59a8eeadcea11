from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits and interventions")

    def ready(self) -> None:
        # What the visit log adds to the pages and rules of `cases`, which does not name this app.
        from cases import panels
        from cases.agenda import register_visit_log
        from cases.retention import register_anonymiser
        from cases.timeline import register_timeline_source

        from . import panels as visit_panels
        from . import retention, timeline, week

        register_timeline_source(timeline.visit_rows)
        register_timeline_source(timeline.intervention_rows)
        register_visit_log(figures=week.with_visit_figures, week=week.agenda_week)
        register_anonymiser(retention.anonymise)
        panels.register(
            "case-actions", template="visits/_case_actions.html", context=visit_panels.case_actions
        )
        panels.register("case-links", template="visits/_case_link.html")
        panels.register(
            "removed-records", template="visits/_removed_visits.html", context=visit_panels.removed_visits
        )

        # The reminder rules over this app's data join the daily sweep (notifications.reminders).
        from . import navigation, reminders

        reminders.register()
        # Its link in the navigation bar (asystent.navigation).
        navigation.register()
