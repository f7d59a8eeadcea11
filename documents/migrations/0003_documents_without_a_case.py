import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_family(apps, schema_editor):
    """Every existing rendering belongs to a case: its family is the case's."""
    RenderedDocument = apps.get_model("documents", "RenderedDocument")
    Case = apps.get_model("cases", "Case")
    RenderedDocument.objects.update(
        family_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("family_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_text_length_constraints"),
        ("documents", "0002_timestamp_range_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="rendereddocument",
            name="family",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rendered_documents",
                to="cases.family",
            ),
        ),
        migrations.RunPython(fill_family, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="rendereddocument",
            name="family",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rendered_documents",
                to="cases.family",
            ),
        ),
        migrations.AlterField(
            model_name="rendereddocument",
            name="case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rendered_documents",
                to="cases.case",
            ),
        ),
        migrations.AlterField(
            model_name="rendereddocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("opinion", "court opinion"),
                    ("work_plan", "work plan for signing"),
                    ("monthly_visits", "monthly visit log"),
                    ("assignment_letter", "assignment letter"),
                    ("subject_access", "copy of personal data"),
                ],
                max_length=30,
                verbose_name="document",
            ),
        ),
    ]
