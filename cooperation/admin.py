"""The administrator sets the centre's "Niebieska Karta" deadlines (not verified as law)."""

from django.contrib import admin

from .models import ProcedureTerms


@admin.register(ProcedureTerms)
class ProcedureTermsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "form_to_team_days", "group_formed_days", "first_meeting_days"]
