"""Print the current two-step login code of a demo user (demo data only, refused with DEBUG off)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from asystent.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (kierownik, admin)."

    def add_arguments(self, parser):  # noqa: ANN001
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Only in the embedded demo mode (DEBUG on).")
        device = TOTPDevice.objects.filter(user__username=username, key=DEMO_TOTP_KEY).first()
        if device is None:
            raise CommandError(f"{username} has no demo two-step login device.")
        self.stdout.write(f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
