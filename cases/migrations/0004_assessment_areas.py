"""Seed the assessment areas listed in the domain reference (common practice; editable)."""

from django.db import migrations

AREAS = [
    "Opieka i wychowanie",
    "Warunki mieszkaniowe",
    "Edukacja",
    "Zdrowie",
    "Finanse i gospodarstwo domowe",
    "Zatrudnienie",
    "Uzależnienia",
    "Relacje rodzinne",
    "Bezpieczeństwo",
    "Kontakty z instytucjami",
    "Władza rodzicielska i sytuacja sądowa",
]


def seed(apps, schema_editor):
    AssessmentArea = apps.get_model("cases", "AssessmentArea")
    for order, name in enumerate(AREAS, start=1):
        AssessmentArea.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_assessmentarea_case_ended_on_case_final_assessment_and_more")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
