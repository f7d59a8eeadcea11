"""The import of a 10,000-row spreadsheet (issue 19: "checked and imported in well under a
minute"): a CSV of families (a parent and children per family, each family with an open case of
a bench assistant with room under the art. 15 ust. 4 limit) is uploaded, checked (the dry run) and
confirmed (checked again, then written in bulk in one transaction); the seconds of
each step and its SQL queries. Everything is rolled back afterwards, so the data set stays as
generated."""

import csv
import datetime as dt
import io
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import RequestFactory

from asystent.models import STATUTORY_CASELOAD_LIMIT, User
from cases import pesel as pesel_rules
from cases.models import FamilyMember
from transfer.models import ImportStatus
from transfer.services.importing import FAMILY_COLUMNS, check_upload, confirm_import

MEMBERS_PER_FAMILY = 3


def spreadsheet(rows: int, assistants: list[str], *, seed: int = 19) -> bytes:
    """`rows` member rows (UTF-8 CSV with BOM, `;`): families of three, each with a voluntary case
    of one of `assistants`, at most the statutory limit per assistant."""
    faker = pesel_rules.fake(seed)
    taken = set(FamilyMember.all_objects.exclude(pesel="").values_list("pesel", flat=True))
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(FAMILY_COLUMNS)
    for index in range(rows):
        family, position = divmod(index, MEMBERS_PER_FAMILY)
        parent = position == 0
        born = (
            dt.date(1980, 1, 1) + dt.timedelta(days=(index * 37) % 7000)
            if parent
            else (dt.date(2010, 1, 1) + dt.timedelta(days=(index * 13) % 4000))
        )
        sex = "F" if index % 2 else "M"
        while (pesel := pesel_rules.generate(born, sex, faker)) in taken:
            pass
        taken.add(pesel)
        cells = {
            "rodzina": f"B{family}",
            "imie": "Anna" if sex == "F" else "Jan",
            "nazwisko": f"Importowski{family}",
            "pokrewienstwo": "rodzic" if parent else "dziecko",
            "pesel": pesel,
            "data_urodzenia": born.isoformat(),
            "plec": "K" if sex == "F" else "M",
        }
        if parent:
            cells |= {
                "nazwa_rodziny": f"Importowscy {family}",
                "ulica": f"ul. Testowa {family % 200 + 1}",
                "kod_pocztowy": f"{family % 90 + 10:02d}-{family % 1000:03d}",
                "miejscowosc": "Zielona Dolina",
                "asystent": assistants[family // STATUTORY_CASELOAD_LIMIT],
                "podstawa_prawna": "dobrowolna",
                "data_otwarcia": "2025-01-15",
            }
        writer.writerow([cells.get(column, "") for column in FAMILY_COLUMNS])
    return text.getvalue().encode("utf-8-sig")


@contextmanager
def _counting() -> Iterator[list[int]]:
    """The SQL statements run inside the block (one counted per statement, whatever its rows)."""
    count = [0]

    def counter(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield count


def measure_import(rows: int = 10_000) -> dict:
    families = -(-rows // MEMBERS_PER_FAMILY)
    with transaction.atomic():
        manager = User.objects.create(username="bench-import-manager", is_manager=True)
        assistants = [
            User.objects.create(username=f"bench-import-{n}", is_assistant=True, employment_form="employment")
            for n in range(-(-families // STATUTORY_CASELOAD_LIMIT))
        ]
        data = spreadsheet(rows, [a.username for a in assistants])
        request = RequestFactory().post("/transfer/import/")
        request.user = manager
        started, cpu = time.perf_counter(), time.process_time()
        with _counting() as check_queries:
            batch = check_upload(upload=SimpleUploadedFile("bench.csv", data), kind="families", by=manager)
        checked = time.perf_counter() - started
        if batch.problems:
            raise RuntimeError(f"the bench's spreadsheet has problems: {batch.problems[:3]}")
        started = time.perf_counter()
        with _counting() as confirm_queries:
            batch = confirm_import(batch=batch, by=manager, request=request)
        confirmed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        if batch.status != ImportStatus.IMPORTED:
            raise RuntimeError(f"the bench's import failed: {batch.problems[:3]}")
        summary = batch.summary
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "bytes": len(data),
        "families": summary["families"],
        "cases": summary["cases"],
        "check_seconds": round(checked, 2),
        "confirm_seconds": round(confirmed, 2),
        "seconds": round(checked + confirmed, 2),
        "check_queries": check_queries[0],
        "confirm_queries": confirm_queries[0],
        # The application's own CPU time (PostgreSQL's not included): on a busy machine, what the
        # wall-clock seconds above owe to waiting.
        "python_cpu_seconds": round(cpu, 2),
    }
