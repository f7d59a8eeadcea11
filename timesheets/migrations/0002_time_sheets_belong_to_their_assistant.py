"""The printed time sheets and mileage logs belong to their assistant (`documents.enums.Owner.WORKER`):
the rendered documents already made get their worker, as new ones do (`documents.kinds.key_for`)."""

from django.db import migrations

KINDS = {"timesheet": "Timesheet", "mileage_log": "MileageLog"}


def set_workers(apps, schema_editor):  # noqa: ANN001, ANN201
    RenderedDocument = apps.get_model("documents", "RenderedDocument")
    for kind, model_name in KINDS.items():
        model = apps.get_model("timesheets", model_name)
        assistants = dict(model.objects.values_list("pk", "assistant_id"))
        for document in RenderedDocument.objects.filter(kind=kind, worker__isnull=True):
            assistant = assistants.get(document.object_id)
            if assistant is not None:
                RenderedDocument.objects.filter(pk=document.pk).update(worker_id=assistant)


def clear_workers(apps, schema_editor):  # noqa: ANN001, ANN201
    RenderedDocument = apps.get_model("documents", "RenderedDocument")
    RenderedDocument.objects.filter(kind__in=list(KINDS)).update(worker=None)


class Migration(migrations.Migration):
    dependencies = [
        ("timesheets", "0001_time_sheets_and_mileage"),
        ("documents", "0010_documents_of_the_centre_staff_and_workers"),
    ]

    operations = [migrations.RunPython(set_workers, clear_workers)]
