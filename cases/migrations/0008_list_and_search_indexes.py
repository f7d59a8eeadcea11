"""Trigram indexes for the family list's search (PostgreSQL only), and indexes for list filters.

The search matches `icontains`, which Django writes on PostgreSQL as
`UPPER(column::text) LIKE UPPER('%…%')`: a GIN index with pg_trgm's operator class on exactly
that expression serves it. The PESEL's last digits are matched with `endswith`
(`pesel::text LIKE '%…'`): a trigram index on the column itself. SQLite gets none of them.
"""

from django.db import migrations, models

# (table, index name, indexed expression): the expression as the search's SQL spells it.
TRIGRAM_INDEXES = [
    ("cases_family", "family_name_trgm", "UPPER(name)"),
    ("cases_family", "family_street_trgm", "UPPER(street)"),
    ("cases_family", "family_city_trgm", "UPPER(city)"),
    ("cases_familymember", "member_last_name_trgm", "UPPER(last_name)"),
    ("cases_familymember", "member_pesel_trgm", "pesel"),
]


def create_trigram_indexes(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension: the database's owner may create it (superuser not needed).
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name, expression in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name, _expression in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_edit_versions"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="family",
            name="cases_famil_name_5b834a_idx",
        ),
        migrations.AddIndex(
            model_name="family",
            index=models.Index(fields=["name", "id"], name="cases_famil_name_c9ab57_idx"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["started_on"], name="cases_assig_started_6ab0da_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["closed_on"], name="cases_case_closed__f4281f_idx"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["family", "opened_on", "id"], name="cases_case_family__420950_idx"),
        ),
        migrations.AddIndex(
            model_name="familymember",
            index=models.Index(
                condition=models.Q(("removed_at__isnull", False)), fields=["-removed_at"], name="member_removed_idx"
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
