"""Notification moved to the notifications app (its 0001 renamed the table): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("asystent", "0008_user_coordinator"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Notification")]),
    ]
