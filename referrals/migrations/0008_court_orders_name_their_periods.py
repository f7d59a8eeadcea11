"""The court order of each court-ordered case is linked to the case's period of the legal basis
(cases 0017 made one per case), which names the order as its source."""

from django.db import migrations


def link_orders(apps, schema_editor) -> None:  # noqa: ANN001
    Referral = apps.get_model("referrals", "Referral")
    LegalBasisPeriod = apps.get_model("cases", "LegalBasisPeriod")
    referrals = Referral.objects.filter(
        legal_basis="court_order", court_order__isnull=False, case__isnull=False
    ).select_related("court_order")
    for referral in referrals.iterator():
        period = (
            LegalBasisPeriod.objects.filter(case_id=referral.case_id, basis="court_order")
            .order_by("started_on", "pk")
            .first()
        )
        order = referral.court_order
        if period is None or order.basis_period_id is not None:
            continue
        period.source = f"{order.court}, {order.division}, {order.case_number}"[:300]
        period.save(update_fields=["source"])
        order.basis_period = period
        order.save(update_fields=["basis_period"])


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0007_court_order_basis_period"),
        ("cases", "0017_one_basis_period_per_case"),
    ]

    operations = [
        migrations.RunPython(link_orders, migrations.RunPython.noop),
    ]
