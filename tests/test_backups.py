"""`manage.py backup` and `manage.py restore`: seed, back up, change the data and the files,
restore, and the data and the files are exactly as backed up (PostgreSQL through pg_dump and
pg_restore; SQLite through its online backup, in the embedded mode's run)."""

import io
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from asystent.backups import file_digests
from cases.models import Family, FamilyMember

from .factories import CaseFactory, FamilyFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed


def _data() -> str:
    """Every row of every table the application has, as dumpdata writes them (ordered by key)."""
    out = io.StringIO()
    call_command("dumpdata", "--indent", "0", stdout=out)
    return out.getvalue()


def test_a_restore_puts_back_exactly_the_data_and_the_files_that_were_backed_up(
    settings, tmp_path, assistant
):
    media = settings.MEDIA_ROOT
    case = CaseFactory(assistant=assistant, family__name="Wiśniewscy")
    member = FamilyMemberFactory(family=case.family, first_name="Łucja")
    (media / "private" / "consents").mkdir(parents=True)
    (media / "private" / "consents" / "zgoda.pdf").write_bytes(b"%PDF-1.7 zgoda")
    (media / "private" / "letters").mkdir()
    (media / "private" / "letters" / "pismo.pdf").write_bytes(b"%PDF-1.7 pismo")
    data, files = _data(), file_digests(media)

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    (archive,) = (tmp_path / "backups").glob("asystent-*.tar.gz")
    assert str(archive) in out.getvalue()
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
    assert {"manifest.json", "media/private/consents/zgoda.pdf", "media/private/letters/pismo.pdf"} <= names

    # A day of changes after the backup: rows changed, added and deleted; files too.
    Family.objects.filter(pk=case.family.pk).update(name="Zmienieni")
    FamilyFactory(name="Nowi")
    FamilyMember.objects.filter(pk=member.pk).delete()
    (media / "private" / "consents" / "zgoda.pdf").write_bytes(b"changed")
    (media / "private" / "letters" / "pismo.pdf").unlink()
    (media / "private" / "letters" / "nowe.pdf").write_bytes(b"new")
    changed = _data()
    assert changed != data

    with pytest.raises(CommandError, match="--force"):  # a database in use is not replaced by mistake
        call_command("restore", str(archive))
    assert _data() == changed and (media / "private" / "letters" / "nowe.pdf").exists()

    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert _data() == data
    assert file_digests(media) == files
    assert Family.objects.get(pk=case.family.pk).name == "Wiśniewscy"


def test_old_archives_are_rotated_and_a_foreign_file_is_refused(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in ("20260101-030000", "20260102-030000", "20260103-030000"):
        (folder / f"asystent-{day}.tar.gz").write_bytes(b"old")
    call_command("backup", str(folder), "--keep", "2", stdout=io.StringIO())
    kept = sorted(path.name for path in folder.glob("asystent-*.tar.gz"))
    assert len(kept) == 2 and kept[0] == "asystent-20260103-030000.tar.gz"

    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as archive:
        archive.add(folder / kept[0], "something-else")
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore", str(foreign), "--force")
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
