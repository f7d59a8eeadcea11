"""Backups: the database and the media files (scans, printed documents) in one archive, and the
way back (`manage.py backup`, `manage.py restore`).

The archive is a gzipped tar holding `manifest.json`, the database (`database.dump`, made by
pg_dump in its custom format, for PostgreSQL; `database.sqlite3`, a consistent copy made by
SQLite's online backup, for the embedded mode) and `media/`, the MEDIA_ROOT tree. The database is
copied first: a file is written before the row that names it commits, so every file the copy
names is in the archive.

A restore puts back exactly what was backed up: the database is replaced (pg_restore --clean in
one transaction; SQLite's backup into the live database) and MEDIA_ROOT is emptied and filled from
the archive. It refuses a database that is in use (has any user account) unless forced.
"""

import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"


class BackupError(Exception):
    """What went wrong, in words for whoever runs the command."""


def default_folder() -> Path:
    return Path(settings.BACKUP_DIR)


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _program(name: str) -> list[str]:
    """pg_dump or pg_restore, or the command that replaces it (PG_DUMP, PG_RESTORE), e.g. one
    of the same major version as the server."""
    command = shlex.split(getattr(settings, name.upper()))
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(program)s is not installed (the PostgreSQL client programs).") % {"program": command[0]}
        )
    return command


def _run(command: list[str], env: dict[str, str], **kwargs: Any) -> None:  # noqa: ANN401
    result = subprocess.run(command, env=env, capture_output=True, check=False, **kwargs)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": result.stderr.decode(errors="replace").strip()[-2000:]}
        )


def _dump_database(folder: Path) -> str:
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        args, env = _pg_env()
        _run(
            [
                *_program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *args,
            ],
            env,
        )
        return target.name
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # SQLite's online backup: a consistent snapshot
        copy.close()
        return target.name
    raise BackupError(_("Backups support PostgreSQL and SQLite only."))


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def file_digests(root: Path) -> dict[str, str]:
    """Every file under `root`: its path relative to `root` and its SHA-256."""
    digests = {}
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digests[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def backup(destination: Path | None = None, keep: int = 0) -> Path:
    """Write the archive (into `destination`, a file or a folder; by default BACKUP_DIR) and
    return its path. With `keep`, only that many of the newest archives stay in the folder."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    destination = destination or default_folder()
    if destination.suffixes[-2:] != [".tar", ".gz"]:
        destination = destination / f"asystent-{stamp}.tar.gz"
    destination.parent.mkdir(parents=True, exist_ok=True)
    media = _media_root()
    with tempfile.TemporaryDirectory(dir=destination.parent) as work:
        folder = Path(work)
        database = _dump_database(folder)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "database_file": database,
            "files": len(file_digests(media)),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
        part = folder / "archive.part"
        with tarfile.open(part, "w:gz") as archive:
            archive.add(folder / MANIFEST, MANIFEST)
            archive.add(folder / database, database)
            archive.add(media if media.exists() else folder, MEDIA, recursive=media.exists())
        os.replace(part, destination)  # whole or not at all
    if keep:
        archives = sorted(destination.parent.glob("asystent-*.tar.gz"))
        for old in archives[:-keep]:
            old.unlink()
    return destination


def database_in_use() -> bool:
    """Any user account: a database just migrated has none, one in use always has one."""
    from .models import User

    try:
        return User.objects.exists()
    except Exception:  # noqa: BLE001 - no tables yet: an empty database
        return False


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(_("The archive holds an unexpected entry: %(name)s.") % {"name": member.name})
        members.append(member)
    return members


def restore(source: Path, *, force: bool = False) -> dict[str, Any]:
    """Put back the database and the files of the archive `source`; returns its manifest."""
    if not source.is_file():
        raise BackupError(_("No such archive: %(path)s.") % {"path": source})
    with tarfile.open(source, "r:gz") as archive, tempfile.TemporaryDirectory() as work:
        members = _safe_members(archive)
        try:
            manifest = json.loads(archive.extractfile(MANIFEST).read())  # type: ignore[union-attr]  # a file member
        except (KeyError, AttributeError, ValueError) as error:
            raise BackupError(_("This is not a backup of Asystent (no manifest).")) from error
        if manifest.get("format") != FORMAT:
            raise BackupError(_("This backup was made by another version of the format."))
        if manifest["database"] != connection.vendor:
            raise BackupError(
                _("The backup is of a %(backup)s database; this installation uses %(current)s.")
                % {"backup": manifest["database"], "current": connection.vendor}
            )
        if database_in_use() and not force:
            raise BackupError(
                _(
                    "The database is not empty (it has user accounts): restoring would replace it. "
                    "Run again with --force to replace it."
                )
            )
        folder = Path(work)
        # Every member was checked above, and the "data" filter refuses links and paths that leave
        # the folder (PEP 706).
        archive.extractall(folder, members=members, filter="data")  # nosec B202  # noqa: S202
        _restore_database(folder / manifest["database_file"])
        _restore_media(folder / MEDIA)
    return manifest


def _restore_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env()
        _run(
            [
                *_program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(dump),
            ],
            env,
        )
        return
    connection.ensure_connection()
    with sqlite3.connect(dump) as copy:
        copy.backup(connection.connection)
    copy.close()


def _restore_media(extracted: Path) -> None:
    media = _media_root()
    media.mkdir(parents=True, exist_ok=True)
    for entry in media.iterdir():  # the folder itself may be a mount point: empty it, keep it
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if extracted.exists():
        shutil.copytree(extracted, media, dirs_exist_ok=True)
