"""Each area of help of the seeded dictionary gets the point of art. 15 ust. 1 it belongs to; the
administrator assigns the points of the areas the centre added."""

from django.db import migrations

# The leaflet's areas (0002_problem_areas) -> the point of art. 15 ust. 1 of the Act.
TASKS = {
    "Opieka i wychowanie dzieci": 6,
    "Prowadzenie gospodarstwa domowego": 3,
    "Konsultacje ze specjalistami (psycholog, lekarz, prawnik)": 5,
    "Warsztaty kompetencji rodzicielskich": 10,
    "Zajęcia dodatkowe i aktywność dzieci": 11,
    "Poszukiwanie i utrzymanie pracy": 9,
    "Kontakt ze stowarzyszeniami i fundacjami": 7,
}


def seed(apps, schema_editor):
    ProblemArea = apps.get_model("cases", "ProblemArea")
    for name, task in TASKS.items():
        ProblemArea.objects.filter(name=name, task__isnull=True).update(task=task)


class Migration(migrations.Migration):
    dependencies = [("cases", "0019_problem_area_statutory_task")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
