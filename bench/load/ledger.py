"""What the simulated people were told was saved, and the check that it is in the database.

A record enters the ledger only when the application answered "saved" (the redirect to the new
object's page after a POST). After the run each one is looked up: a visit must exist and be
final if the person finished it, a family and a referral must exist (a referral no longer a draft,
if the person submitted it). Anything else is lost.
"""

import time
from dataclasses import asdict, dataclass, field
from typing import Any

# kind -> (table, the status the person was told, or None)
TABLES = {
    "visit": "visits_visit",
    "family": "cases_family",
    "referral": "referrals_referral",
}


@dataclass(frozen=True)
class Saved:
    kind: str
    pk: int
    status: str | None = None  # the status the person saw (final visit, submitted referral)
    by: str = ""
    at: float = field(default_factory=time.time)


@dataclass
class Ledger:
    records: list[Saved] = field(default_factory=list)

    def saved(self, kind: str, pk: int, *, status: str | None = None, by: str = "") -> None:
        if kind not in TABLES:
            raise ValueError(f"unknown kind {kind!r}")
        self.records.append(Saved(kind, pk, status, by))

    def latest(self) -> list[Saved]:
        """One entry per object: the last thing the person was told about it."""
        last: dict[tuple[str, int], Saved] = {}
        for record in self.records:
            last[(record.kind, record.pk)] = record
        return list(last.values())

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(TABLES, 0)
        for record in self.latest():
            counts[record.kind] += 1
        return counts


def find_lost(cursor: Any, records: list[Saved]) -> list[dict]:
    """The records missing from the database or not in the state the person was told, each with
    why. `cursor` is a DB-API cursor on the application's database (psycopg or Django's)."""
    lost: list[dict] = []
    by_kind: dict[str, list[Saved]] = {}
    for record in records:
        by_kind.setdefault(record.kind, []).append(record)
    for kind, group in by_kind.items():
        table = TABLES[kind]  # a fixed table name, never the caller's text
        has_status = kind in {"visit", "referral"}
        columns = "id, status" if has_status else "id, NULL"
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = ANY(%s)", [[r.pk for r in group]])  # noqa: S608
        found = {row[0]: row[1] for row in cursor.fetchall()}
        for record in group:
            if record.pk not in found:
                lost.append({**asdict(record), "why": "missing"})
            elif record.status not in (None, "draft") and found[record.pk] == "draft":
                # Told it was finished (a final visit, a submitted referral), found a draft; a
                # later step by someone else (a referral assigned) is not a loss.
                lost.append({**asdict(record), "why": f"status {found[record.pk]!r}, told {record.status!r}"})
    return lost
