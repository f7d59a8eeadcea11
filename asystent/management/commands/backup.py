"""`manage.py backup [PATH] [--keep N]`: the database and the media files in one archive
(asystent.backups); schedule it with cron or a systemd timer (README, Production)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from asystent.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive (.tar.gz)."

    def add_arguments(self, parser):  # noqa: ANN001 - Django's signature
        parser.add_argument(
            "path", nargs="?", help="an archive name (*.tar.gz) or a folder; default BACKUP_DIR"
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="keep only the N newest archives in the folder"
        )

    def handle(self, *args, path: str | None = None, keep: int = 0, **options) -> None:
        try:
            written = backup(Path(path) if path else None, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Backup written: %(path)s") % {"path": written})
