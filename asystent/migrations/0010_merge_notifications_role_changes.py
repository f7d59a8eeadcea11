from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('asystent', '0009_notification_moved'),
        ('asystent', '0009_role_change_requests'),
    ]

    operations = [
    ]
