"""The notifications move here from `asystent` (Notification) and `reports` (ReminderSettings):
the model state is created, the tables are renamed (asystent_notification -> notifications_notification,
reports_remindersettings -> notifications_remindersettings) and their content types relabelled."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from asystent.table_moves import TableMove, relabel_content_types, rename_tables


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("asystent", "0008_user_coordinator"),
        ("reports", "0003_figure_stamps"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rule', models.CharField(max_length=50, verbose_name='kind')),
                        ('key', models.CharField(max_length=200)),
                        ('message', models.TextField(verbose_name='message')),
                        ('url', models.CharField(blank=True, max_length=300, verbose_name='link')),
                        ('family_id', models.PositiveBigIntegerField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['recipient', 'read_at'], name='notification_unread_idx')],
                        'constraints': [models.UniqueConstraint(fields=('recipient', 'key'), name='notification_once_per_key')],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('assessment_due_days', models.PositiveSmallIntegerField(default=14, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='periodic assessment: remind the assistant this many days before it is due')),
                        ('court_due_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name="court opinion: remind the assistant this many days before the court's deadline")),
                        ('no_contact_days', models.PositiveSmallIntegerField(default=14, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='no visit or contact: remind the assistant after this many days')),
                        ('no_contact_escalation_days', models.PositiveSmallIntegerField(default=30, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='no visit or contact: inform the managers too after this many days')),
                        ('consent_wait_days', models.PositiveSmallIntegerField(default=14, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='voluntary case without consent: remind after more than this many days')),
                        ('referral_wait_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='referral without a decision: remind the managers after more than this many days')),
                        ('action_due_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='plan action: remind the assistant this many days before its deadline')),
                        ('monitoring_end_days', models.PositiveSmallIntegerField(default=7, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='monitoring: remind the assistant this many days before it ends')),
                    ],
                    options={
                        'verbose_name': 'reminder settings',
                        'verbose_name_plural': 'reminder settings',
                        'constraints': [models.CheckConstraint(condition=models.Q(('no_contact_escalation_days__gte', models.F('no_contact_days'))), name='reminders_escalation_after_first_reminder', violation_error_message='The managers are informed after the assistant: give at least as many days.')],
                    },
                ),
            ],
            database_operations=[
                rename_tables(
                    TableMove(
                        "asystent_notification",
                        "notifications_notification",
                        indexes={"asystent_no_recipie_adf881_idx": "notification_unread_idx"},
                    ),
                    TableMove("reports_remindersettings", "notifications_remindersettings"),
                ),
            ],
        ),
        relabel_content_types("asystent", "notifications", ["notification"]),
        relabel_content_types("reports", "notifications", ["remindersettings"]),
    ]
