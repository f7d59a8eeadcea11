"""The assistants' dashboard stamps (`reports.models.FigureStamp`) and, on PostgreSQL, the triggers
that renew them: after every insert, update or delete of a row behind an assistant's figures, in
the same transaction. On SQLite the dashboard computes the figures every time and no trigger is
made."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RENEW = """
CREATE OR REPLACE FUNCTION reports_renew_figure_stamps(assistants bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO reports_figurestamp (assistant_id, token)
    SELECT a, (random() * 9e18)::bigint
    FROM (SELECT DISTINCT a FROM unnest(assistants) AS a WHERE a IS NOT NULL ORDER BY a) AS s
    ON CONFLICT (assistant_id) DO UPDATE SET token = EXCLUDED.token
$$;
"""

# trigger function -> (how the row leads to its case's assistants, the tables it watches)
FUNCTIONS = {
    "reports_case_touched": (
        "ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.assistant_id END, "
        "CASE WHEN TG_OP <> 'DELETE' THEN NEW.assistant_id END]",
        ["cases_case"],
    ),
    "reports_case_row_touched": (
        "ARRAY(SELECT c.assistant_id FROM cases_case c WHERE c.id IN ("
        "CASE WHEN TG_OP <> 'INSERT' THEN OLD.case_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.case_id END))",
        ["visits_visit", "cases_assessment", "cases_workplan", "reports_courtrequest"],
    ),
    "reports_goal_touched": (
        "ARRAY(SELECT c.assistant_id FROM cases_workplan p JOIN cases_case c ON c.id = p.case_id "
        "WHERE p.id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.plan_id END, "
        "CASE WHEN TG_OP <> 'DELETE' THEN NEW.plan_id END))",
        ["cases_goal"],
    ),
    "reports_action_touched": (
        "ARRAY(SELECT c.assistant_id FROM cases_goal g JOIN cases_workplan p ON p.id = g.plan_id "
        "JOIN cases_case c ON c.id = p.case_id "
        "WHERE g.id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.goal_id END, "
        "CASE WHEN TG_OP <> 'DELETE' THEN NEW.goal_id END))",
        ["cases_planaction"],
    ),
    "reports_member_touched": (
        "ARRAY(SELECT c.assistant_id FROM cases_case c WHERE c.family_id IN ("
        "CASE WHEN TG_OP <> 'INSERT' THEN OLD.family_id END, CASE WHEN TG_OP <> 'DELETE' THEN NEW.family_id END))",
        ["cases_familymember"],
    ),
}


def create_triggers(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(RENEW)
    for function, (assistants, tables) in FUNCTIONS.items():
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN PERFORM reports_renew_figure_stamps({assistants}); RETURN NULL; END $$;"
        )
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_figures AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )


def drop_triggers(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    for function, (_assistants, tables) in FUNCTIONS.items():
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_figures ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")
    schema_editor.execute("DROP FUNCTION IF EXISTS reports_renew_figure_stamps(bigint[])")


class Migration(migrations.Migration):
    dependencies = [
        ("asystent", "0008_user_coordinator"),
        ("cases", "0010_caseload_indexes"),
        ("visits", "0003_list_indexes"),
        ("reports", "0002_report_snapshots"),
    ]

    operations = [
        migrations.CreateModel(
            name="FigureStamp",
            fields=[
                (
                    "assistant",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("token", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "dashboard data stamp",
                "verbose_name_plural": "dashboard data stamps",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
