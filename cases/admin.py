"""The administrator's dictionaries of the cases app; case data itself is never edited here."""

from django.contrib import admin
from django.http import HttpRequest

from .models import AssessmentArea, ClosureReasonPolicy, ProblemArea


class DictionaryAdmin(admin.ModelAdmin):
    """A dictionary entry is referenced by case records: deactivate it instead of deleting."""

    list_display = ["name", "order", "is_active"]
    list_editable = ("order", "is_active")
    list_filter = ["is_active"]
    search_fields = ("name",)
    ordering = ("order", "name")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ProblemArea)
class ProblemAreaAdmin(DictionaryAdmin):
    """An area of help belongs to a point of art. 15 ust. 1 (pkt 3-13)."""

    list_display = ["name", "task", "order", "is_active"]
    list_filter = ["is_active", "task"]


admin.site.register(AssessmentArea, DictionaryAdmin)


@admin.register(ClosureReasonPolicy)
class ClosureReasonPolicyAdmin(admin.ModelAdmin):
    """Whether monitoring follows a closure, per reason: one row per reason, filled by a data
    migration; the administrator changes the rule, never the list of reasons."""

    list_display = ("reason", "monitoring", "note")
    list_editable = ("monitoring",)
    readonly_fields = ("reason",)
    fields = ("reason", "monitoring", "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
