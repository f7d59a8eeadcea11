"""Make the first manager of a new installation: role changes need a manager's confirmation
(asystent/role_changes.py), so the first one is made by whoever runs the server."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from asystent.models import User


class Command(BaseCommand):
    help = "Give the manager role to USERNAME when the installation has no active manager yet."

    def add_arguments(self, parser):  # noqa: ANN001 - Django's signature
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if User.objects.filter(is_manager=True, is_active=True).exists():
            raise CommandError(_("A manager exists: further role changes are confirmed in the application."))
        updated = User.objects.filter(username=username, is_active=True).update(is_manager=True)
        if not updated:
            raise CommandError(_("No active user with this username."))
        self.stdout.write(_("%(username)s is now a manager.") % {"username": username})
