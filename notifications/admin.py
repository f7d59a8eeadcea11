"""The administrator edits the reminder thresholds: one row, no adding or deleting."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from .models import ReminderSettings


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponseRedirect:
        """The list of one row is the row itself."""
        row = ReminderSettings.load()
        return HttpResponseRedirect(reverse("admin:notifications_remindersettings_change", args=[row.pk]))


# django-celery-beat's tables are the scheduler's internals (in English, with solar events and
# clocked tasks nobody here needs): not shown. The one time that is the centre's choice, the hour
# of the daily sweep, is ReminderSettings.sweep_hour above.
def _hide_the_scheduler_tables() -> None:
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    for model in (PeriodicTask, ClockedSchedule, CrontabSchedule, IntervalSchedule, SolarSchedule):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_hide_the_scheduler_tables()
