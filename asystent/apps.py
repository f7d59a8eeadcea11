"""App configs: Asystent itself, and Django's admin limited to the administrator role."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AsystentConfig(AppConfig):
    default = True
    name = "asystent"
    verbose_name = _("Users and the centre")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import lookups  # noqa: F401 - registers the integer `in` lookup
        from . import permissions as app_permissions
        from .navigation import register_core_links
        from .schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self)
        # Every app's named permissions (`rules`), checked by views and templates.
        app_permissions.discover()
        # The core app's links; the apps above add theirs in their own ready().
        register_core_links()


class AsystentAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "asystent.sites.AsystentAdminSite"
