"""ReminderSettings moved to the notifications app (its 0001 renamed the table): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0003_figure_stamps"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ReminderSettings")]),
    ]
