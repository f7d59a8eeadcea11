"""The export for leaving: the whole centre's tables and files in one ZIP with a README, made by
the worker with its progress on the page, audited, downloadable by its requester for 24 hours and
then deleted by the daily sweep."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from asystent.models import AccessLog
from transfer import tasks
from transfer.models import CentreExport, ExportStatus
from transfer.services import exporting

from .factories import CaseFactory, CourtOrderFactory, FamilyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% postanowienie Eksportowscy\n%%EOF\n"


def _export(client, user, capture):
    client.force_login(user)
    with capture(execute=True):
        response = client.post(reverse("transfer:export"))
    assert response.status_code == 302
    return CentreExport.objects.filter(requested_by=user).latest("pk")


def _zip(client, export) -> zipfile.ZipFile:
    response = client.get(reverse("transfer:export-download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_zip_holds_every_table_the_family_and_its_files(
    client, manager, django_capture_on_commit_callbacks
):
    case = CaseFactory(family__name="Eksportowscy")
    member = FamilyMemberFactory(family=case.family, first_name="Bożena")
    order = CourtOrderFactory(family=case.family, scan=SimpleUploadedFile("order.pdf", PDF))

    export = _export(client, manager, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY and export.progress == 100
    assert export.expires_at - export.finished_at == dt.timedelta(hours=24)
    archive = _zip(client, export)
    names = set(archive.namelist())

    readme = archive.read("README.md").decode()
    for model in exporting.exported_models():
        table = exporting.table_name(model)
        assert {f"tables/{table}.csv", f"tables/{table}.json"} <= names, table
        assert f"tables/{table}.csv" in readme
    assert "tables/cases.family.csv" in names and "tables/cases.historicalfamily.csv" in names
    assert not any(name.startswith("tables/transfer.") for name in names)

    families = list(
        csv.DictReader(
            io.StringIO(archive.read("tables/cases.family.csv").decode("utf-8-sig")), delimiter=";"
        )
    )
    assert [row["name"] for row in families] == ["Eksportowscy"]
    members = json.loads(archive.read("tables/cases.familymember.json"))
    assert {"Bożena", member.first_name} <= {m["first_name"] for m in members}
    assert member.pesel in {m["pesel"] for m in members}
    cases = json.loads(archive.read("tables/cases.case.json"))
    assert [c["family_id"] for c in cases] == [case.family.pk]
    assert archive.read(f"files/{order.scan.name}") == PDF
    # Secrets stay behind.
    users = archive.read("tables/asystent.user.csv").decode("utf-8-sig").splitlines()[0].split(";")
    assert "password" not in users and "username" in users
    assert "`family_id` (ForeignKey → cases.family)" in readme

    audit = AccessLog.objects.filter(user=manager, object_type="centreexport", object_id=export.pk)
    assert sorted(audit.values_list("action", flat=True)) == ["download", "export"]


def test_the_page_shows_progress_then_the_download(client, manager):
    client.force_login(manager)
    export = CentreExport.objects.create(requested_by=manager, status=ExportStatus.RUNNING, progress=40)
    fragment = client.get(reverse("transfer:export-status", args=[export.pk])).content.decode()
    assert 'value="40"' in fragment and "hx-trigger" in fragment
    assert client.get(reverse("transfer:export-download", args=[export.pk])).status_code == 404
    tasks.build_centre_export(export.pk)
    page = client.get(reverse("transfer:export")).content.decode()
    assert "Pobierz plik ZIP" in page and "hx-trigger" not in page


def test_the_task_is_idempotent_and_acknowledged_late(manager):
    assert tasks.build_centre_export.acks_late and tasks.build_centre_export.reject_on_worker_lost
    export = CentreExport.objects.create(requested_by=manager)
    assert tasks.build_centre_export(export.pk) == ExportStatus.READY
    export.refresh_from_db()
    first = (export.file.name, export.finished_at)
    assert tasks.build_centre_export(export.pk) == ExportStatus.READY
    export.refresh_from_db()
    assert (export.file.name, export.finished_at) == first
    # An export interrupted mid-way (its worker died) is made again from the start.
    CentreExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=30)
    tasks.build_centre_export(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.file.storage.exists(export.file.name)
    assert CentreExport.objects.filter(requested_by=manager).count() == 1


def test_after_24_hours_the_sweep_deletes_the_export(client, manager):
    export = CentreExport.objects.create(requested_by=manager)
    tasks.build_centre_export(export.pk)
    export.refresh_from_db()
    stored = export.file.name
    assert exporting.purge_expired(now=timezone.now() + dt.timedelta(hours=23)) == {
        "exports": 0,
        "imports": 0,
    }
    assert exporting.purge_expired(now=timezone.now() + dt.timedelta(hours=25)) == {
        "exports": 1,
        "imports": 0,
    }
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not export.file
    assert not export.file.storage.exists(stored)
    client.force_login(manager)
    assert client.get(reverse("transfer:export-download", args=[export.pk])).status_code == 404


def test_only_managers_and_administrators_export_and_only_their_own(
    client, manager, admin_user, assistant, social_worker, django_capture_on_commit_callbacks
):
    for outsider in (assistant, social_worker):
        client.force_login(outsider)
        assert client.get(reverse("transfer:export")).status_code == 403
        assert client.post(reverse("transfer:export")).status_code == 403
    export = _export(client, admin_user, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.READY
    client.force_login(UserFactory(username="marek", manager=True))
    assert client.get(reverse("transfer:export-download", args=[export.pk])).status_code == 404
    assert client.get(reverse("transfer:export-status", args=[export.pk])).status_code == 404
    client.force_login(manager)
    assert client.delete(reverse("transfer:export")).status_code == 405


def test_an_erased_family_leaves_no_export_behind(manager, django_capture_on_commit_callbacks):
    from transfer import retention

    export = CentreExport.objects.create(requested_by=manager)
    tasks.build_centre_export(export.pk)
    export.refresh_from_db()
    stored = export.file.name
    with django_capture_on_commit_callbacks(execute=True):
        retention.anonymise([CaseFactory().family_id])
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not export.file
    assert not export.file.storage.exists(stored)
