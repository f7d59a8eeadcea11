"""Every existing case gets one period of its legal basis: from its opening, ended on its closure
(not before the opening, where the dates of a case contradict each other)."""

from django.db import migrations


def one_period_each(apps, schema_editor) -> None:  # noqa: ANN001
    Case = apps.get_model("cases", "Case")
    LegalBasisPeriod = apps.get_model("cases", "LegalBasisPeriod")
    have = set(LegalBasisPeriod.objects.values_list("case_id", flat=True))
    rows = []
    for case_id, basis, opened_on, closed_on in (
        Case.objects.order_by("pk").values_list("pk", "legal_basis", "opened_on", "closed_on").iterator()
    ):
        if case_id in have:
            continue
        ended_on = None if closed_on is None else max(closed_on, opened_on)
        rows.append(LegalBasisPeriod(case_id=case_id, basis=basis, started_on=opened_on, ended_on=ended_on))
        if len(rows) >= 2000:
            LegalBasisPeriod.objects.bulk_create(rows)
            rows = []
    LegalBasisPeriod.objects.bulk_create(rows)


def remove_periods(apps, schema_editor) -> None:  # noqa: ANN001
    apps.get_model("cases", "LegalBasisPeriod").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0016_legal_basis_periods"),
    ]

    operations = [
        migrations.RunPython(one_period_each, remove_periods),
    ]
