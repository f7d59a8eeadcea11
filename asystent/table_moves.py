"""Moving a model from one app to another without losing its rows (used by migrations).

The new app's first migration creates the model in the migration state only and renames the table
(and the named indexes of `Meta.indexes`, whose names the state records) in the database; the old
app's next migration deletes the model from the state only. The content types are relabelled, so
permissions, history and access-log rows that point at them stay linked. PostgreSQL and SQLite.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import migrations


@dataclass(frozen=True)
class TableMove:
    old_table: str
    new_table: str
    indexes: dict[str, str] = field(default_factory=dict)  # old index name -> new index name


def _rename_table(schema_editor, old: str, new: str) -> None:  # noqa: ANN001
    qn = schema_editor.quote_name
    schema_editor.execute(f"ALTER TABLE {qn(old)} RENAME TO {qn(new)}")


def _rename_index(schema_editor, old: str, new: str) -> None:  # noqa: ANN001
    qn = schema_editor.quote_name
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {qn(old)} RENAME TO {qn(new)}")
        return
    # SQLite cannot rename an index: create it again under the new name.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [old])
        (sql,) = cursor.fetchone()
    schema_editor.execute(f"DROP INDEX {qn(old)}")
    schema_editor.execute(sql.replace(f'"{old}"', qn(new), 1))


def _apply(moves: Sequence[TableMove], schema_editor, *, backwards: bool) -> None:  # noqa: ANN001
    for move in moves:
        old, new = (move.new_table, move.old_table) if backwards else (move.old_table, move.new_table)
        _rename_table(schema_editor, old, new)
        for old_index, new_index in move.indexes.items():
            if backwards:
                old_index, new_index = new_index, old_index
            _rename_index(schema_editor, old_index, new_index)


def rename_tables(*moves: TableMove) -> migrations.RunPython:
    """A reversible database operation renaming the tables (and their named indexes)."""

    def forwards(apps, schema_editor) -> None:  # noqa: ANN001
        _apply(moves, schema_editor, backwards=False)

    def backwards(apps, schema_editor) -> None:  # noqa: ANN001
        _apply(moves, schema_editor, backwards=True)

    return migrations.RunPython(forwards, backwards)


def _relabel(apps, models: Sequence[str], old: str, new: str) -> None:  # noqa: ANN001
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def relabel_content_types(old_app: str, new_app: str, models: Sequence[str]) -> migrations.RunPython:
    """A reversible operation moving the models' content types (by lower-case model name) to the
    new app label, so their permissions and the rows pointing at them follow the model."""

    def forwards(apps, schema_editor) -> None:  # noqa: ANN001
        _relabel(apps, models, old_app, new_app)

    def backwards(apps, schema_editor) -> None:  # noqa: ANN001
        _relabel(apps, models, new_app, old_app)

    return migrations.RunPython(forwards, backwards)
