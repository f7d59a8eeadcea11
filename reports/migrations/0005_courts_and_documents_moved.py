"""The court requests, opinions and rendered documents moved to the courts and documents apps
(their 0001 renamed the tables): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0004_remindersettings_moved"),
        ("courts", "0001_initial"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='opinionversion',
                    name='opinion',
                ),
                migrations.RemoveField(
                    model_name='historicalopinionversion',
                    name='opinion',
                ),
                migrations.RemoveField(
                    model_name='courtrequest',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='courtrequest',
                    name='registered_by',
                ),
                migrations.RemoveField(
                    model_name='historicalcourtrequest',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='historicalcourtrequest',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='historicalcourtrequest',
                    name='registered_by',
                ),
                migrations.RemoveField(
                    model_name='historicalopinionversion',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='historicalopinionversion',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='historicalopinionversion',
                    name='based_on',
                ),
                migrations.RemoveField(
                    model_name='historicalopinionversion',
                    name='history_user',
                ),
                migrations.RemoveField(
                    model_name='opiniontransition',
                    name='by',
                ),
                migrations.RemoveField(
                    model_name='opiniontransition',
                    name='version',
                ),
                migrations.RemoveField(
                    model_name='opinionversion',
                    name='approved_by',
                ),
                migrations.RemoveField(
                    model_name='opinionversion',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='opinionversion',
                    name='based_on',
                ),
                migrations.RemoveField(
                    model_name='rendereddocument',
                    name='case',
                ),
                migrations.RemoveField(
                    model_name='rendereddocument',
                    name='requested_by',
                ),
                migrations.DeleteModel(
                    name='CourtOpinion',
                ),
                migrations.DeleteModel(
                    name='CourtRequest',
                ),
                migrations.DeleteModel(
                    name='HistoricalCourtRequest',
                ),
                migrations.DeleteModel(
                    name='HistoricalOpinionVersion',
                ),
                migrations.DeleteModel(
                    name='OpinionTransition',
                ),
                migrations.DeleteModel(
                    name='OpinionVersion',
                ),
                migrations.DeleteModel(
                    name='RenderedDocument',
                ),
            ],
        ),
    ]
