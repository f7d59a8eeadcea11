"""Create the fictional demo centre: each app's `demo.seed()` in INSTALLED_APPS order."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
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
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is not None:
                    import_module(module_name).seed(self.stdout.write)
