"""The periodic tasks' rows name the tasks by their new names (notifications.*); the old names
stay registered as aliases in `notifications.tasks` for messages queued before the upgrade."""

from django.db import migrations

RENAMED = {
    "reports.send_reminders": "notifications.send_reminders",
    "asystent.send_pending_emails": "notifications.send_pending_emails",
    "asystent.send_digests": "notifications.send_digests",
}


def _rename(apps, mapping: dict[str, str]) -> None:  # noqa: ANN001
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in mapping.items():
        periodic_task.objects.filter(task=old).update(task=new)


def forwards(apps, schema_editor) -> None:  # noqa: ANN001
    _rename(apps, RENAMED)


def backwards(apps, schema_editor) -> None:  # noqa: ANN001
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
