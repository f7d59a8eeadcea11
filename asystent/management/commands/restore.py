"""`manage.py restore ARCHIVE [--force]`: put back the database and the media files of an archive
made by `manage.py backup` (asystent.backups). Stop the web, the worker and beat first."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from asystent.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the media files from an archive made by `manage.py backup`."

    def add_arguments(self, parser):  # noqa: ANN001 - Django's signature
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that is in use (has user accounts)"
        )

    def handle(self, *args, archive: str, force: bool = False, **options) -> None:
        try:
            manifest = restore(Path(archive), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored the backup of %(date)s: the database and %(files)d files.")
            % {"date": manifest["created_at"], "files": manifest["files"]}
        )
