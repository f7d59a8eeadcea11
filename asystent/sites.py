"""Django's admin, opened by the administrator role rather than the is_staff flag."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AsystentAdminSite(admin.AdminSite):
    site_header = _("Asystent — administration")
    site_title = _("Asystent")
    index_title = _("Users, the centre and dictionaries")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and getattr(request.user, "is_administrator", False))
