"""The default monitoring rule of each closure reason (cases.enums.ClosureReason); the
administrator edits them afterwards. Which of them are law and which practice: README,
"Rules of the law", and docs/legal-sources.md."""

from django.db import migrations

# reason -> (monitoring rule, why)
DEFAULTS = {
    "goals_achieved": (
        "required",
        "practice: checks that the change lasts (art. 15 ust. 1 pkt 16 sets no conditions)",
    ),
    "refused": ("not_offered", "practice: the work never started"),
    "withdrew": ("offered", "practice: monitoring needs the family's cooperation (art. 8 ust. 3)"),
    "no_effects": ("offered", "practice"),
    "moved_away": ("not_offered", "practice: the family no longer lives in the centre's gmina"),
    "foster_care": (
        "not_offered",
        "practice: the child is in foster care; the work follows the child's help plan",
    ),
    "court_decision": ("offered", "practice"),
    "other": ("offered", "practice"),
}


def seed(apps, schema_editor):
    Policy = apps.get_model("cases", "ClosureReasonPolicy")
    for reason, (rule, note) in DEFAULTS.items():
        Policy.objects.get_or_create(reason=reason, defaults={"monitoring": rule, "note": note})


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_closure_proposals_and_monitoring_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
