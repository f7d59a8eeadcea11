"""The rendered documents move here from `reports`: the model state is created, the table renamed
(reports_rendereddocument -> documents_rendereddocument) and its content type relabelled."""

import asystent.files
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from asystent.table_moves import TableMove, relabel_content_types, rename_tables


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reports", "0004_remindersettings_moved"),
        ("contenttypes", "0002_remove_content_type_name"),
        ('cases', '0010_caseload_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RenderedDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('opinion', 'court opinion'), ('work_plan', 'work plan for signing'), ('monthly_visits', 'monthly visit log'), ('assignment_letter', 'assignment letter')], max_length=30, verbose_name='document')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('version', models.PositiveIntegerField(verbose_name='version')),
                        ('status', models.CharField(choices=[('pending', 'waiting to be prepared'), ('rendering', 'being prepared'), ('ready', 'ready'), ('failed', 'failed')], default='pending', max_length=20, verbose_name='status')),
                        ('file', models.FileField(blank=True, max_length=200, storage=asystent.files.PrivateStorage(), upload_to='documents/')),
                        ('sha256', models.CharField(blank=True, max_length=64)),
                        ('size', models.PositiveIntegerField(blank=True, null=True)),
                        ('source_digest', models.CharField(blank=True, max_length=64)),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('attempt_token', models.CharField(blank=True, max_length=32)),
                        ('rendered_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rendered_documents', to='cases.case')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'rendered document',
                        'verbose_name_plural': 'rendered documents',
                        'ordering': ['-updated_at', '-pk'],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'object_id', 'version'), name='rendered_document_key'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'ready'), _negated=True), models.Q(models.Q(('file', ''), _negated=True), models.Q(('sha256', ''), _negated=True)), _connector='OR'), name='rendered_document_ready_has_file', violation_error_message='A ready document has its file and checksum.')],
                    },
                ),
            ],
            database_operations=[
                rename_tables(TableMove("reports_rendereddocument", "documents_rendereddocument")),
            ],
        ),
        relabel_content_types("reports", "documents", ["rendereddocument"]),
    ]
