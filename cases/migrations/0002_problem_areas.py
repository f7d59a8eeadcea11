"""Seed the problem-area dictionary from the leaflet's list of the help an assistant gives."""

from django.db import migrations

# Stored in Polish: the dictionary is the centre's data, which the administrator edits.
LEAFLET_AREAS = [
    "Opieka i wychowanie dzieci",
    "Prowadzenie gospodarstwa domowego",
    "Konsultacje ze specjalistami (psycholog, lekarz, prawnik)",
    "Warsztaty kompetencji rodzicielskich",
    "Zajęcia dodatkowe i aktywność dzieci",
    "Poszukiwanie i utrzymanie pracy",
    "Kontakt ze stowarzyszeniami i fundacjami",
]


def seed(apps, schema_editor):
    ProblemArea = apps.get_model("cases", "ProblemArea")
    for order, name in enumerate(LEAFLET_AREAS, start=1):
        ProblemArea.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
