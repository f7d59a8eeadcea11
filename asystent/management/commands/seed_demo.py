"""Create the fictional demo centre: each app's `demo.seed()` in INSTALLED_APPS order.

Django's autodiscovery imports every app's `demo` module (as the admin does with `admin.py`), so
that this command, in the lowest app, names none of the apps above it."""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Create fictional demo data (idempotent). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):  # noqa: ANN001 - Django's signature
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _("DEBUG is off: this looks like production. Use --force to seed demo data anyway.")
            )
        autodiscover_modules("demo")
        with transaction.atomic():
            for config in apps.get_app_configs():
                demo = getattr(config.module, "demo", None)
                if demo is not None:
                    demo.seed(self.stdout.write)
