"""`python manage.py send_reminders`: the daily reminder sweep by hand (the same as the 06:00 task)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.enums import kind_label
from notifications.reminders import send_reminders


class Command(BaseCommand):
    help = "Create today's reminders (deadlines of the work) and print how many of each kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Run as on this day (YYYY-MM-DD) instead of today; for checking the rules.",
        )

    def handle(self, *args: object, **options: object) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(str(options["date"]))
            except ValueError as error:
                raise CommandError(_("Give the date as YYYY-MM-DD.")) from error
        created = send_reminders(today)
        for kind, count in created.items():
            self.stdout.write(
                ngettext(
                    "%(kind)s: %(count)d notification created",
                    "%(kind)s: %(count)d notifications created",
                    count,
                )
                % {"kind": kind_label(kind), "count": count}
            )
        total = sum(created.values())
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "In total %(count)d notification created.",
                    "In total %(count)d notifications created.",
                    total,
                )
                % {"count": total}
            )
        )
