"""No admin for intake data: the administrator manages users and dictionaries, never case files.

Interviews, referrals and court orders hold special-category data about families; they are read
and changed only through the application's views, which scope them to the user and audit reads.
"""

from django.contrib import admin

from .models import SupportCatalogueEntry


@admin.register(SupportCatalogueEntry)
class SupportCatalogueEntryAdmin(admin.ModelAdmin):
    """The catalogue of available support ("Za życiem"): a dictionary of the centre, not case data."""

    list_display = ("title", "institution", "contact", "is_active", "order")
    list_filter = ("is_active",)
    list_editable = ("is_active", "order")
    search_fields = ("title", "institution")
