"""The administrator's dictionaries of the cases app; case data itself is never edited here."""

from django.contrib import admin
from django.http import HttpRequest

from .models import AssessmentArea, ProblemArea


class DictionaryAdmin(admin.ModelAdmin):
    """A dictionary entry is referenced by case records: deactivate it instead of deleting."""

    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    ordering = ("order", "name")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.register(ProblemArea, DictionaryAdmin)
admin.site.register(AssessmentArea, DictionaryAdmin)
