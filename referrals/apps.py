from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # What intake adds to the pages and rules of `cases`, which does not name this app.
        from cases import panels
        from cases.retention import register_anonymiser
        from cases.selectors import register_family_history
        from cases.timeline import register_timeline_source
        from cases.visibility import register_visibility_source

        from . import panels as referral_panels
        from . import retention, selectors, timeline

        register_visibility_source(selectors.referred_family_ids)
        register_timeline_source(timeline.referral_rows)
        register_family_history(selectors.referral_history)
        register_anonymiser(retention.anonymise)
        panels.register(
            "case-facts", template="referrals/_case_referral.html", context=referral_panels.case_referral
        )
        panels.register(
            "family-actions",
            template="referrals/_family_actions.html",
            context=referral_panels.family_actions,
        )
        panels.register(
            "family-sections", template="referrals/_family_intake.html", context=referral_panels.family_intake
        )
        panels.register(
            "case-sections",
            template="referrals/_case_za_zyciem.html",
            context=referral_panels.case_za_zyciem,
            order=50,
        )

        # The reminder rules over this app's data join the daily sweep (notifications.reminders).
        from . import navigation, reminders

        reminders.register()
        # Its links in the navigation bar and on the home page (asystent.navigation).
        navigation.register()
