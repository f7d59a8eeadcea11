"""The import of families writes in bulk (issue 19: 10,000 rows in well under a minute, measured by
`make bench`). What it writes must be what the services write for each family one after another:
the same file imported both ways leaves every table the same, row for row (ids and timestamps
aside). Both steps take the same number of queries for 10 rows as for 100."""

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asystent.errors import CaseloadFull
from cases.models import Case, Family
from cases.services import open_case, register_family
from reports.models import FigureStamp, ReportStamp
from transfer.models import ImportBatch, ImportStatus
from transfer.services import importing
from transfer.services.exporting import exported_models

from .factories import CaseFactory, UserFactory
from .test_transfer_import import csv_file, family_rows, upload

pytestmark = pytest.mark.django_db


def write_per_row(families: list[importing.PlannedFamily], by: Any) -> dict[str, int]:
    """The reference: each family through `register_family`, then its case through `open_case`
    (what the import wrote before it wrote in bulk)."""
    counts = {"families": 0, "members": 0}
    for planned in families:
        family = register_family(family_data=planned.data, members=planned.members, by=by)
        counts["families"] += 1
        counts["members"] += len(planned.members)
        if planned.case:
            open_case(family=family, by=by, **planned.case)
            counts["cases"] = counts.get("cases", 0) + 1
    return counts


def _models() -> list[type[models.Model]]:
    # The login sessions are the test client's, not the import's: re-signed (with the time) on
    # each request, they differ whenever the two imports straddle a second.
    models_: list[type[models.Model]] = [*exported_models(), ImportBatch]
    return [model for model in models_ if model is not Session]


def _state(before_tokens: dict[tuple[str, Any], Any]) -> dict[str, list[tuple]]:
    """Every table, each row as a tuple of its values: ids of rows that did not exist before the
    import (`before`) replaced by their place among the new rows of their table, timestamps left
    out, a report stamp's token replaced by whether it was renewed."""
    new_ids: dict[type[models.Model], dict[Any, int]] = {}
    rows: dict[type[models.Model], list[dict[str, Any]]] = {}
    for model in _models():
        rows[model] = list(model._base_manager.order_by("pk").values())
        new_ids[model] = {
            row[model._meta.pk.attname]: place
            for place, row in enumerate(
                r for r in rows[model] if r[model._meta.pk.attname] not in BEFORE[model]
            )
        }
    new_cases = {str(pk): f"case#{place}" for pk, place in new_ids[Case].items()}
    by_name = {model._meta.model_name: model for model in _models()}
    state: dict[str, list[tuple]] = {}
    for model in _models():
        original = getattr(model, "instance_type", None)  # a historical model: `id` is the original's
        table = []
        for row in rows[model]:
            values = []
            for field in model._meta.concrete_fields:
                value = row[field.attname]
                if isinstance(field, models.DateTimeField) or field.primary_key:
                    continue
                target = field.related_model if field.many_to_one else None
                if field.attname == "id" and original is not None:
                    target = original
                elif field.attname == "family_id" and target is None:  # a plain column (audit)
                    target = Family
                elif field.attname == "object_id":
                    target = by_name.get(row.get("object_type", ""))
                if target is not None and value in new_ids.get(target, {}):
                    value = f"new#{new_ids[target][value]}"
                if model in STAMPS and field.attname == "token":
                    value = value == before_tokens.get((model._meta.label, row[STAMPS[model]]))
                if isinstance(value, str) and field.attname in ("key", "url"):
                    value = re.sub(r"\d+", lambda m: new_cases.get(m.group(), m.group()), value)
                values.append((field.attname, value))
            table.append(tuple(values))
        state[model._meta.label] = sorted(table, key=repr)
    return state


BEFORE: dict[type[models.Model], set[Any]] = {}


def _import(client, rows, by) -> tuple[ImportBatch, dict[str, list[tuple]]]:
    """Upload and confirm the file, read every table, then undo it all."""
    with transaction.atomic():
        batch = upload(client, csv_file(rows))
        assert batch.can_confirm, batch.problems
        client.post(reverse("transfer:import-confirm", args=[batch.pk]))
        batch.refresh_from_db()
        state = _state(TOKENS)
        transaction.set_rollback(True)
    return batch, state


TOKENS: dict[tuple[str, Any], Any] = {}
# The tables of random tokens renewed by a write (reports.snapshots, and the dashboard's database
# triggers): compared by whether each token was renewed, with the column that names the stamp.
STAMPS: dict[type[models.Model], str] = {ReportStamp: "half", FigureStamp: "assistant_id"}


def test_the_bulk_import_writes_what_the_services_write_row_for_row(
    client, manager, assistant, other_assistant, social_worker, monkeypatch
):
    client.force_login(manager)
    CaseFactory(assistant=assistant, opened_on=dt.date(2024, 3, 1))  # a family already on file
    rows = [
        *family_rows("anna", key="R1", name="Nowakowie"),
        *family_rows(
            "andrzej",
            key="R2",
            name="Zielińscy",
            podstawa_prawna="postanowienie sądu",
            sygnatura_akt="III Nsm 12/25",
            data_otwarcia="2024-11-04",
        ),
        *family_rows(
            "anna",
            key="R3",
            name="Wiśniewscy",
            podstawa_prawna="małoletni rodzic",
            pracownik_socjalny="paulina",
            data_otwarcia="01.07.2025",
        ),
        *family_rows("kasia", key="R4", name="Bezsprawni", asystent="", podstawa_prawna="", data_otwarcia=""),
        *family_rows("anna", key="R5", name="Kowalscy", podstawa_prawna="za życiem", gmina="Zielona"),
    ]
    BEFORE.clear()
    BEFORE.update({m: set(m._base_manager.values_list("pk", flat=True)) for m in _models()})
    TOKENS.clear()
    for model, natural in STAMPS.items():
        TOKENS.update(
            {
                (model._meta.label, key): token
                for key, token in model._base_manager.values_list(natural, "token")
            }
        )

    bulk_batch, bulk = _import(client, rows, manager)
    monkeypatch.setattr(importing, "_write_families", write_per_row)
    row_batch, per_row = _import(client, rows, manager)

    assert bulk_batch.status == row_batch.status == ImportStatus.IMPORTED
    assert bulk_batch.summary == row_batch.summary == {"families": 5, "members": 10, "cases": 4}
    # What must have been written, so that the comparison compares something.
    assert _new(bulk["cases.HistoricalFamily"]) == 5 and _new(bulk["cases.HistoricalFamilyMember"]) == 10
    assert _new(bulk["cases.HistoricalCase"]) == _new(bulk["cases.HistoricalLegalBasisPeriod"]) == 4
    assert len(bulk["cases.Assignment"]) == len(bulk["cases.Case"]) == 5
    assert len(bulk["notifications.Notification"]) == 4
    assert len(bulk["asystent.AccessLog"]) >= 1
    assert any(
        value is False for row in bulk["reports.ReportStamp"] for name, value in row if name == "token"
    )
    for table in per_row:
        assert bulk[table] == per_row[table], table


def _new(history: list[tuple]) -> int:
    """The historical records of objects the import created."""
    return sum(1 for row in history if str(dict(row)["id"]).startswith("new#"))


def _families(count: int, assistants: list[str]) -> list[list[str]]:
    rows = []
    for n in range(count):
        rows += family_rows(assistants[n // 15], key=f"R{n}", name=f"Rodzina{n}")
    return rows


def _queries(client, rows) -> tuple[int, int, int]:
    """The queries of the dry run, then of the confirmation: those that are not INSERTs, and the INSERTs."""
    with CaptureQueriesContext(connection) as checking:
        batch = upload(client, csv_file(rows))
    assert batch.can_confirm, batch.problems[:3]
    with CaptureQueriesContext(connection) as confirming:
        client.post(reverse("transfer:import-confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED
    inserts = sum(1 for query in confirming.captured_queries if query["sql"].startswith("INSERT"))
    return len(checking), len(confirming) - inserts, inserts


def test_the_dry_run_and_the_confirmation_take_as_many_queries_for_100_rows_as_for_10(client, manager):
    client.force_login(manager)
    names = [UserFactory(username=f"asystent{n}", assistant=True).username for n in range(5)]
    _queries(client, _families(1, names[:1]))  # the first request's own queries (the session, the centre)
    small = _queries(client, _families(5, names[:1]))  # 10 rows
    large = _queries(client, _families(50, names[1:]))  # 100 rows, four assistants
    assert Family.objects.count() == 56
    assert small[:2] == large[:2]
    if connection.vendor == "postgresql":
        assert small[2] == large[2]  # one INSERT per table and 1,000 rows
    else:  # SQLite takes at most 999 parameters a statement: an INSERT per table and about 50 rows
        assert small[2] < large[2] <= 2 * small[2]


def test_the_caseload_is_counted_again_under_the_assistants_locks(manager, assistant):
    """A case opened elsewhere after the check (between the dry run's count and the write): the
    limit is read again from the locked rows, and the file's own families are counted in it."""
    assistant.personal_caseload_limit = 2
    assistant.save()
    CaseFactory(assistant=assistant)
    planned = [
        importing.PlannedFamily(
            key=f"R{n}",
            row=2 * n,
            data={},
            case={"assistant": assistant, "social_worker": None, "legal_basis": "voluntary", "on": None},
        )
        for n in range(2)
    ]
    with pytest.raises(CaseloadFull) as refused:
        importing._ensure_capacities(planned)
    assert refused.value.messages == [
        f"{assistant} pracuje już z 2 rodzinami; indywidualny limit tej osoby wynosi 2. "
        "Wybierz innego asystenta."
    ]
    importing._ensure_capacities(planned[:1])  # one place is left
