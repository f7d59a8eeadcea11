"""The court requests and opinions move here from `reports`: the model state is created, the tables
(with their history tables) are renamed to courts_* and their content types relabelled. The
PostgreSQL trigger of reports 0003 on the court requests' table goes with the table."""

import asystent.files
import django.db.models.deletion
import simple_history.models
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
                    name='CourtRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('court', models.CharField(help_text='e.g. Sąd Rejonowy w Zielonej Dolinie', max_length=200, verbose_name='court')),
                        ('division', models.CharField(help_text='e.g. III Wydział Rodzinny i Nieletnich', max_length=200, verbose_name='division')),
                        ('court_address', models.CharField(blank=True, help_text="Printed in the opinion's address block.", max_length=300, verbose_name="court's address")),
                        ('case_number', models.CharField(help_text='e.g. III Nsm 123/26', max_length=50, verbose_name='case number (sygnatura akt)')),
                        ('letter_date', models.DateField(verbose_name="date of the court's letter")),
                        ('received_on', models.DateField(verbose_name='date received')),
                        ('due_date', models.DateField(verbose_name='the court expects the opinion by')),
                        ('request_text', models.TextField(verbose_name='what the court asks')),
                        ('scan', models.FileField(blank=True, storage=asystent.files.PrivateStorage(), upload_to='court_requests/%Y/%m/', validators=[asystent.files.ScanValidator()], verbose_name='scan of the letter')),
                        ('status', models.CharField(choices=[('open', 'awaiting the opinion'), ('answered', 'answered')], default='open', max_length=20, verbose_name='status')),
                        ('answered_on', models.DateField(blank=True, null=True, verbose_name='answered on')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registered at')),
                        ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='court_requests', to='cases.case', verbose_name='case')),
                        ('registered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by')),
                    ],
                    options={
                        'verbose_name': 'court request',
                        'verbose_name_plural': 'court requests',
                        'ordering': ['due_date', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CourtOpinion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='opinion', to='courts.courtrequest', verbose_name='court request')),
                    ],
                    options={
                        'verbose_name': 'court opinion',
                        'verbose_name_plural': 'court opinions',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCourtRequest',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('court', models.CharField(help_text='e.g. Sąd Rejonowy w Zielonej Dolinie', max_length=200, verbose_name='court')),
                        ('division', models.CharField(help_text='e.g. III Wydział Rodzinny i Nieletnich', max_length=200, verbose_name='division')),
                        ('court_address', models.CharField(blank=True, help_text="Printed in the opinion's address block.", max_length=300, verbose_name="court's address")),
                        ('case_number', models.CharField(help_text='e.g. III Nsm 123/26', max_length=50, verbose_name='case number (sygnatura akt)')),
                        ('letter_date', models.DateField(verbose_name="date of the court's letter")),
                        ('received_on', models.DateField(verbose_name='date received')),
                        ('due_date', models.DateField(verbose_name='the court expects the opinion by')),
                        ('request_text', models.TextField(verbose_name='what the court asks')),
                        ('scan', models.TextField(blank=True, max_length=100, validators=[asystent.files.ScanValidator()], verbose_name='scan of the letter')),
                        ('status', models.CharField(choices=[('open', 'awaiting the opinion'), ('answered', 'answered')], default='open', max_length=20, verbose_name='status')),
                        ('answered_on', models.DateField(blank=True, null=True, verbose_name='answered on')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='registered at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('case', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.case', verbose_name='case')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('registered_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by')),
                    ],
                    options={
                        'verbose_name': 'historical court request',
                        'verbose_name_plural': 'historical court requests',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='OpinionVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='version')),
                        ('composition', models.TextField(blank=True, verbose_name="the family's composition")),
                        ('period_and_basis', models.TextField(blank=True, verbose_name='period and legal basis of the work')),
                        ('contacts', models.TextField(blank=True, verbose_name='frequency of contacts')),
                        ('goals_progress', models.TextField(blank=True, verbose_name='goals of the work plan and how far they were reached')),
                        ('care_per_child', models.TextField(blank=True, verbose_name='care and upbringing of each child')),
                        ('housing_and_finances', models.TextField(blank=True, verbose_name='housing and finances')),
                        ('health', models.TextField(blank=True, help_text='Only where it matters to the court.', verbose_name='health')),
                        ('cooperation_with_institutions', models.TextField(blank=True, verbose_name='cooperation with institutions')),
                        ('attitude', models.TextField(blank=True, verbose_name="the family's attitude to the work")),
                        ('conclusions', models.TextField(blank=True, verbose_name='conclusions')),
                        ('status', models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted to the manager'), ('approved', 'approved'), ('sent', 'sent to the court')], default='draft', max_length=20, verbose_name='status')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                        ('sent_on', models.DateField(blank=True, null=True, verbose_name='sent on')),
                        ('sent_method', models.CharField(blank=True, choices=[('post', 'by post'), ('epuap', 'through ePUAP'), ('in_person', 'delivered in person')], max_length=20, verbose_name='sent')),
                        ('sent_reference', models.CharField(blank=True, help_text='e.g. the registered-letter number or the ePUAP confirmation (UPO) number', max_length=200, verbose_name='dispatch reference')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('based_on', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='courts.opinionversion')),
                        ('opinion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='courts.courtopinion', verbose_name='opinion')),
                    ],
                    options={
                        'verbose_name': 'opinion version',
                        'verbose_name_plural': 'opinion versions',
                        'ordering': ['opinion', '-number'],
                    },
                ),
                migrations.CreateModel(
                    name='OpinionTransition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted to the manager'), ('approved', 'approved'), ('sent', 'sent to the court')], max_length=20, verbose_name='from')),
                        ('to_status', models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted to the manager'), ('approved', 'approved'), ('sent', 'sent to the court')], max_length=20, verbose_name='to')),
                        ('at', models.DateTimeField(auto_now_add=True, verbose_name='at')),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transitions', to='courts.opinionversion')),
                    ],
                    options={
                        'verbose_name': 'opinion status change',
                        'verbose_name_plural': 'opinion status changes',
                        'ordering': ['version', 'at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalOpinionVersion',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='version')),
                        ('composition', models.TextField(blank=True, verbose_name="the family's composition")),
                        ('period_and_basis', models.TextField(blank=True, verbose_name='period and legal basis of the work')),
                        ('contacts', models.TextField(blank=True, verbose_name='frequency of contacts')),
                        ('goals_progress', models.TextField(blank=True, verbose_name='goals of the work plan and how far they were reached')),
                        ('care_per_child', models.TextField(blank=True, verbose_name='care and upbringing of each child')),
                        ('housing_and_finances', models.TextField(blank=True, verbose_name='housing and finances')),
                        ('health', models.TextField(blank=True, help_text='Only where it matters to the court.', verbose_name='health')),
                        ('cooperation_with_institutions', models.TextField(blank=True, verbose_name='cooperation with institutions')),
                        ('attitude', models.TextField(blank=True, verbose_name="the family's attitude to the work")),
                        ('conclusions', models.TextField(blank=True, verbose_name='conclusions')),
                        ('status', models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted to the manager'), ('approved', 'approved'), ('sent', 'sent to the court')], default='draft', max_length=20, verbose_name='status')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted at')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                        ('sent_on', models.DateField(blank=True, null=True, verbose_name='sent on')),
                        ('sent_method', models.CharField(blank=True, choices=[('post', 'by post'), ('epuap', 'through ePUAP'), ('in_person', 'delivered in person')], max_length=20, verbose_name='sent')),
                        ('sent_reference', models.CharField(blank=True, help_text='e.g. the registered-letter number or the ePUAP confirmation (UPO) number', max_length=200, verbose_name='dispatch reference')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='updated at')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('approved_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                        ('author', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('opinion', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='courts.courtopinion', verbose_name='opinion')),
                        ('based_on', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='courts.opinionversion')),
                    ],
                    options={
                        'verbose_name': 'historical opinion version',
                        'verbose_name_plural': 'historical opinion versions',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddIndex(
                    model_name='courtrequest',
                    index=models.Index(fields=['status', 'due_date'], name='court_request_open_due_idx'),
                ),
                migrations.AddConstraint(
                    model_name='courtrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('received_on__gte', models.F('letter_date'))), name='court_request_received_after_letter', violation_error_message='The letter cannot be received before it was written.'),
                ),
                migrations.AddConstraint(
                    model_name='courtrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('due_date__gte', models.F('letter_date'))), name='court_request_due_after_letter', violation_error_message='The due date cannot be before the date of the letter.'),
                ),
                migrations.AddConstraint(
                    model_name='courtrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('status', 'open'), ('answered_on__isnull', False), _connector='OR'), name='court_request_answered_has_date', violation_error_message='An answered request records when it was answered.'),
                ),
                migrations.AddConstraint(
                    model_name='opinionversion',
                    constraint=models.UniqueConstraint(fields=('opinion', 'number'), name='opinion_version_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='opinionversion',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ('draft', 'submitted'))), fields=('opinion',), name='opinion_one_open_version', violation_error_message='The opinion already has a version in preparation.'),
                ),
                migrations.AddConstraint(
                    model_name='opinionversion',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ('approved', 'sent')), _negated=True), models.Q(('approved_at__isnull', False), ('approved_by__isnull', False)), _connector='OR'), name='opinion_version_approved_has_approver', violation_error_message='An approved opinion records who approved it and when.'),
                ),
                migrations.AddConstraint(
                    model_name='opinionversion',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), models.Q(('sent_on__isnull', False), models.Q(('sent_method', ''), _negated=True)), _connector='OR'), name='opinion_version_sent_has_dispatch', violation_error_message='A sent opinion records the date and the method of dispatch.'),
                ),
            ],
            database_operations=[
                rename_tables(
                    TableMove(
                        "reports_courtrequest",
                        "courts_courtrequest",
                        indexes={"reports_cou_status_36bae1_idx": "court_request_open_due_idx"},
                    ),
                    TableMove("reports_historicalcourtrequest", "courts_historicalcourtrequest"),
                    TableMove("reports_courtopinion", "courts_courtopinion"),
                    TableMove("reports_opinionversion", "courts_opinionversion"),
                    TableMove("reports_historicalopinionversion", "courts_historicalopinionversion"),
                    TableMove("reports_opiniontransition", "courts_opiniontransition"),
                ),
            ],
        ),
        relabel_content_types(
            "reports",
            "courts",
            [
                "courtrequest",
                "historicalcourtrequest",
                "courtopinion",
                "opinionversion",
                "historicalopinionversion",
                "opiniontransition",
            ],
        ),
    ]
