"""Importing families (with their members and open cases) and users from a spreadsheet.

Two steps. The dry run (`check_upload`) reads every row and records each problem with its row and
column, writing nothing but the batch itself; the file is kept in private storage until the
manager confirms or discards it. The confirmation (`confirm_import`) checks again and writes
everything in one transaction; one refusal rolls the whole import back. Users go through
`asystent.role_changes.request_role_change` (the four-eyes rule on roles). Families are written in
bulk, table by table (10,000 rows in seconds rather than minutes), with what
`cases.services.register_family` and `cases.services.open_case` write for each: the same records,
history rows, notifications and report stamps, the caseload limit checked under the assistants'
row locks (tests/test_transfer_bulk.py compares the two row for row).

Both steps take a constant number of queries per batch of rows, whatever the file's length
(`Problems` are found with one lookup per kind for the whole file: logins, PESEL numbers, caseloads).

The templates' column names are a file format (the same in every language), written in Polish for
the centres that fill them in.
"""

import datetime as dt
import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.audit import AccessAction, log_access
from asystent.errors import CaseloadFull, InvalidTransition
from asystent.history import attribute_change
from asystent.models import Centre, User
from asystent.role_changes import request_role_change
from cases import pesel as pesel_rules
from cases.enums import LegalBasis, Relation, Sex
from cases.models import Assignment, Case, Family, FamilyMember, LegalBasisPeriod
from cases.services import (
    case_opening,
    caseload_full,
    caseload_limits,
    caseloads,
    check_assistant,
    opening_notices,
)
from notifications.services import notify_each
from reports import snapshots

from .. import reading
from ..models import ImportBatch, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

# Rows per INSERT when families are written.
BATCH = 1_000

FAMILY_COLUMNS = [
    "rodzina",
    "nazwa_rodziny",
    "ulica",
    "kod_pocztowy",
    "miejscowosc",
    "gmina",
    "telefon",
    "imie",
    "nazwisko",
    "pokrewienstwo",
    "pesel",
    "data_urodzenia",
    "plec",
    "asystent",
    "podstawa_prawna",
    "data_otwarcia",
    "sygnatura_akt",
    "pracownik_socjalny",
]
FAMILY_REQUIRED = [
    "rodzina",
    "nazwa_rodziny",
    "ulica",
    "kod_pocztowy",
    "miejscowosc",
    "imie",
    "nazwisko",
    "pokrewienstwo",
    "pesel",
    "data_urodzenia",
    "plec",
]
USER_COLUMNS = ["login", "imie", "nazwisko", "email", "telefon", "role"]
USER_REQUIRED = ["login", "imie", "nazwisko", "role"]

COLUMNS = {ImportKind.FAMILIES: FAMILY_COLUMNS, ImportKind.USERS: USER_COLUMNS}
REQUIRED = {ImportKind.FAMILIES: FAMILY_REQUIRED, ImportKind.USERS: USER_REQUIRED}

# An example row of each template (fictional people; the PESEL numbers are checksum-valid).
EXAMPLES: dict[str, list[list[str]]] = {
    ImportKind.FAMILIES: [
        [
            "R1",
            "Przykładowscy",
            "ul. Lipowa 5/2",
            "00-001",
            "Warszawa",
            "Warszawa",
            "600100200",
            "Anna",
            "Przykładowska",
            "rodzic",
            "85030912343",
            "1985-03-09",
            "K",
            "login.asystenta",
            "dobrowolna",
            "2025-01-15",
            "",
            "",
        ],
        [
            "R1",
            "",
            "",
            "",
            "",
            "",
            "",
            "Jan",
            "Przykładowski",
            "dziecko",
            "",
            "2014-06-01",
            "M",
            "",
            "",
            "",
            "",
            "",
        ],
    ],
    ImportKind.USERS: [
        ["jan.kowalski", "Jan", "Kowalski", "jan.kowalski@mops.example", "600100200", "asystent"]
    ],
}

RELATIONS = {
    "rodzic": Relation.PARENT,
    "opiekun": Relation.LEGAL_GUARDIAN,
    "opiekun prawny": Relation.LEGAL_GUARDIAN,
    "dziecko": Relation.CHILD,
    "inna": Relation.OTHER,
    "inne": Relation.OTHER,
    "inny": Relation.OTHER,
}
SEXES = {"k": Sex.FEMALE, "kobieta": Sex.FEMALE, "m": Sex.MALE, "mężczyzna": Sex.MALE}
BASES = {
    "dobrowolna": LegalBasis.VOLUNTARY,
    "zgoda": LegalBasis.VOLUNTARY,
    "postanowienie sądu": LegalBasis.COURT_ORDER,
    "sąd": LegalBasis.COURT_ORDER,
    "małoletni rodzic": LegalBasis.MINOR_PARENT,
    "za życiem": LegalBasis.ZA_ZYCIEM,
}
ROLES = {
    "asystent": "is_assistant",
    "asystent rodziny": "is_assistant",
    "pracownik socjalny": "is_social_worker",
    "kierownik": "is_manager",
    "koordynator": "is_manager",
    "administrator": "is_administrator",
}
FAMILY_FIELDS = {
    "nazwa_rodziny": "name",
    "ulica": "street",
    "kod_pocztowy": "postal_code",
    "miejscowosc": "city",
    "gmina": "gmina",
    "telefon": "phone",
}
MEMBER_FIELDS = {
    "first_name": "imie",
    "last_name": "nazwisko",
    "pesel": "pesel",
    "birth_date": "data_urodzenia",
    "sex": "plec",
    "relation": "pokrewienstwo",
}
USER_FIELDS = {
    "username": "login",
    "first_name": "imie",
    "last_name": "nazwisko",
    "email": "email",
    "phone": "telefon",
}
CASE_COLUMNS = ("asystent", "podstawa_prawna", "data_otwarcia", "sygnatura_akt", "pracownik_socjalny")


def _key(value: str) -> str:
    return " ".join(value.replace("_", " ").split()).lower()


@dataclass
class Problems:
    items: list[dict[str, Any]] = field(default_factory=list)
    _cells: set[tuple[int, str]] = field(default_factory=set)

    def add(self, row: int, column: str, message: str) -> None:
        """One problem per cell: the first found (a formula refused, then its cell left empty,
        is reported as the formula)."""
        if column and (row, column) in self._cells:
            return
        self._cells.add((row, column))
        self.items.append({"row": row, "column": column, "message": str(message)})

    def of_validation(self, row: int, error: ValidationError, columns: dict[str, str]) -> None:
        """A model's ValidationError, each field's messages at its column."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                for item in errors:
                    self.add(row, columns.get(name, ""), " ".join(item.messages))
        else:
            for message in error.messages:
                self.add(row, "", message)


def parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(text)


# --- families --------------------------------------------------------------------------------------


@dataclass
class PlannedFamily:
    """One family of the file: its first row's details, its members and its case, ready for the
    services."""

    key: str
    row: int
    data: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    member_rows: list[int] = field(default_factory=list)
    case: dict[str, Any] = field(default_factory=dict)
    case_row: int = 0


def _date_cell(problems: Problems, row: int, column: str, text: str, *, required: bool) -> dt.date | None:
    if not text:
        if required:
            problems.add(row, column, _("This field is required."))
        return None
    try:
        day = parse_date(text)
    except ValueError:
        problems.add(row, column, _("Write the date as YYYY-MM-DD or DD.MM.YYYY."))
        return None
    if day > timezone.localdate():
        problems.add(row, column, _("The date cannot be in the future."))
        return None
    if day.year < 1900:
        problems.add(row, column, _("The date is outside the range the application accepts."))
        return None
    return day


def _member(problems: Problems, row: int, cells: dict[str, str]) -> dict[str, Any] | None:
    before = len(problems.items)
    relation = RELATIONS.get(_key(cells.get("pokrewienstwo", "")))
    if relation is None:
        problems.add(row, "pokrewienstwo", _("Write one of: rodzic, opiekun prawny, dziecko, inna."))
    sex_text = _key(cells.get("plec", ""))
    sex = SEXES.get(sex_text)
    if sex_text and sex is None:
        problems.add(row, "plec", _("Write K (female) or M (male)."))
    birth_date = _date_cell(problems, row, "data_urodzenia", cells.get("data_urodzenia", ""), required=False)
    pesel = cells.get("pesel", "").replace(" ", "")
    if pesel:
        try:
            info = pesel_rules.decode(pesel)
        except ValidationError as error:
            problems.add(row, "pesel", " ".join(error.messages))
        else:
            if birth_date and birth_date != info.birth_date:
                problems.add(
                    row,
                    "data_urodzenia",
                    _("This date does not match the PESEL number, which gives %(date)s.")
                    % {"date": info.birth_date.strftime("%d.%m.%Y")},
                )
            birth_date = birth_date or info.birth_date
            if sex and sex != info.sex:
                problems.add(
                    row, "plec", _("The PESEL number gives the sex “%(sex)s”.") % {"sex": Sex(info.sex).label}
                )
            sex = sex or Sex(info.sex)
    else:
        if not birth_date and not cells.get("data_urodzenia"):
            problems.add(row, "data_urodzenia", _("Without a PESEL number give the date of birth."))
        if not sex and not sex_text:
            problems.add(row, "plec", _("Without a PESEL number give the sex."))
    data = {
        "first_name": cells.get("imie", ""),
        "last_name": cells.get("nazwisko", ""),
        "relation": relation,
        "pesel": pesel,
        "birth_date": birth_date,
        "sex": sex,
    }
    if len(problems.items) == before:
        member = FamilyMember(**data)
        try:
            member.full_clean(exclude=["family"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems.of_validation(row, error, MEMBER_FIELDS)
    return data if len(problems.items) == before else None


def _family(problems: Problems, row: int, cells: dict[str, str]) -> dict[str, Any]:
    data = {name: cells.get(column, "") for column, name in FAMILY_FIELDS.items()}
    family = Family(**data)
    try:
        family.full_clean(exclude=["registered_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems.of_validation(row, error, {name: column for column, name in FAMILY_FIELDS.items()})
    return data


def _case(
    problems: Problems, row: int, cells: dict[str, str], users: dict[str, User]
) -> dict[str, Any] | None:
    before = len(problems.items)
    username = cells.get("asystent", "")
    assistant = users.get(username.lower())
    if not username:
        problems.add(row, "asystent", _("Give the login of the family's assistant."))
    elif assistant is None or not assistant.is_assistant:
        problems.add(
            row, "asystent", _("No active family assistant has the login “%(login)s”.") % {"login": username}
        )
    basis = BASES.get(_key(cells.get("podstawa_prawna", "")))
    if basis is None and cells.get("podstawa_prawna", "") in LegalBasis.values:
        basis = LegalBasis(cells["podstawa_prawna"])
    if basis is None:
        problems.add(
            row,
            "podstawa_prawna",
            _("Write one of: dobrowolna, postanowienie sądu, małoletni rodzic, za życiem."),
        )
    opened_on = _date_cell(problems, row, "data_otwarcia", cells.get("data_otwarcia", ""), required=True)
    social_worker = None
    if cells.get("pracownik_socjalny"):
        social_worker = users.get(cells["pracownik_socjalny"].lower())
        if social_worker is None or not social_worker.is_social_worker:
            problems.add(
                row,
                "pracownik_socjalny",
                _("No active social worker has the login “%(login)s”.")
                % {"login": cells["pracownik_socjalny"]},
            )
    source = cells.get("sygnatura_akt", "")
    if len(source) > 200:
        problems.add(row, "sygnatura_akt", _("At most %(max)d characters.") % {"max": 200})
    if len(problems.items) != before:
        return None
    return {
        "assistant": assistant,
        "legal_basis": basis,
        "on": opened_on,
        "social_worker": social_worker,
        "source": source,
    }


def _check_families(sheet: reading.Sheet, problems: Problems) -> list[PlannedFamily]:
    users = {u.username.lower(): u for u in User.objects.filter(is_active=True)}
    families: dict[str, PlannedFamily] = {}
    pesel_rows: dict[str, int] = {}
    for row, cells in sheet.rows:
        key = cells.get("rodzina", "")
        if not key:
            problems.add(row, "rodzina", _("Give the family's key: the rows of one family share it."))
            continue
        planned = families.get(key)
        if planned is None:
            planned = families[key] = PlannedFamily(key=key, row=row, data=_family(problems, row, cells))
        else:
            for column in FAMILY_FIELDS:
                value = cells.get(column, "")
                if value and value != planned.data[FAMILY_FIELDS[column]]:
                    problems.add(
                        row,
                        column,
                        _("This differs from the family's first row (row %(row)d).") % {"row": planned.row},
                    )
        member = _member(problems, row, cells)
        pesel = cells.get("pesel", "").replace(" ", "")
        if len(pesel) == 11 and pesel.isdigit():
            if pesel in pesel_rows:
                problems.add(
                    row,
                    "pesel",
                    _("The same PESEL number is already in row %(row)d.") % {"row": pesel_rows[pesel]},
                )
            pesel_rows.setdefault(pesel, row)
        if member is not None:
            planned.members.append(member)
            planned.member_rows.append(row)
        if any(cells.get(column) for column in CASE_COLUMNS):
            if planned.case_row:
                problems.add(
                    row,
                    "asystent",
                    _("The family's case is already given in row %(row)d.") % {"row": planned.case_row},
                )
            else:
                planned.case_row = row
                planned.case = _case(problems, row, cells, users) or {}
    # A person already on file (one query for the whole file).
    on_file = _pesels_on_file(list(pesel_rows))
    for pesel in sorted(on_file):
        problems.add(pesel_rows[pesel], "pesel", _("A person with this PESEL number is already on file."))
    _check_caseloads(families.values(), problems)
    return list(families.values())


def _pesels_on_file(pesels: list[str]) -> set[str]:
    """The numbers of `pesels` that a member on file has (removed members too), in one query. On
    PostgreSQL the numbers are unnested and looked up one by one in the unique index: given as one
    long IN list, they made the planner choose the trigram index of the search, which took 22 s
    for 1,000 numbers and minutes for 10,000."""
    members = FamilyMember.all_objects.exclude(pesel="").order_by()
    if connection.vendor == "postgresql":
        # A constant query; the numbers are a parameter.
        members = members.filter(pesel__in=RawSQL("SELECT unnest(%s::varchar[])", (pesels,)))  # noqa: S611
    else:
        members = members.filter(pesel__in=pesels)
    return set(members.values_list("pesel", flat=True))


def _check_caseloads(families: Any, problems: Problems) -> None:
    """art. 15 ust. 4 of the Act: at most 15 families per assistant at the same time (or the
    centre's or the assistant's lower limit): counted as `cases.services` counts it, with the
    families of this file added."""
    with_case = [f for f in families if f.case.get("assistant")]
    assistants = {f.case["assistant"].pk: f.case["assistant"] for f in with_case}
    loads = caseloads(assistants.values())
    limits = caseload_limits(assistants.values())
    planned: Counter[int] = Counter()
    for family in with_case:
        assistant = family.case["assistant"]
        planned[assistant.pk] += 1
        load = loads.get(assistant.pk, 0) + planned[assistant.pk]
        limit = limits.get(assistant.pk, 0)
        if load > limit:
            problems.add(
                family.case_row,
                "asystent",
                _(
                    "With this file %(assistant)s would work with %(load)d families; the limit is %(limit)d "
                    "(art. 15 ust. 4 of the Act). Choose another assistant."
                )
                % {"assistant": assistant, "load": load, "limit": limit},
            )


def _write_families(families: list[PlannedFamily], by: User) -> dict[str, int]:
    """Write the checked families as `register_family` and `open_case` write them one after
    another, but table by table in batches of `BATCH` rows (a constant number of queries per batch):
    the same records and history rows, the same notifications and report stamps, and the caseload
    limit checked under the assistants' row locks with this file's own families counted."""
    planned_cases = [planned for planned in families if planned.case]
    _ensure_capacities(planned_cases)
    records = [Family(**planned.data, registered_by=by) for planned in families]
    members = [
        FamilyMember(family=family, **data)
        for family, planned in zip(records, families, strict=True)
        for data in planned.members
    ]
    for record in [*records, *members]:
        attribute_change(record, by)
    _create_with_history(Family, records)
    _create_with_history(FamilyMember, members, manager=FamilyMember.all_objects)
    openings = [
        case_opening(
            family=family,
            assistant=planned.case["assistant"],
            social_worker=planned.case["social_worker"],
            legal_basis=planned.case["legal_basis"],
            by=by,
            on=planned.case["on"],
            source=planned.case["source"],
        )
        for family, planned in zip(records, families, strict=True)
        if planned.case
    ]
    cases = [case for case, _assignment, _period in openings]
    assignments = [assignment for _case, assignment, _period in openings]
    periods = [period for _case, _assignment, period in openings]
    _create_with_history(Case, cases)
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    _create_with_history(LegalBasisPeriod, periods)
    notify_each(opening_notices(cases, by=by), batch_size=BATCH)
    # The members renew nothing: saved before their family's case, as register_family saves them.
    snapshots.renew_for_created([*cases, *assignments, *periods])
    counts = {"families": len(records), "members": len(members)}
    if cases:
        counts["cases"] = len(cases)
    return counts


def _create_with_history(model: type[Model], records: list[Any], manager: Any = None) -> None:
    """Insert the records in batches, then their "created" historical records, as `save()` makes
    simple_history write them (the user named by `attribute_change`, else the request's; no reason)."""
    (manager or model._default_manager).bulk_create(records, batch_size=BATCH)
    model.history.bulk_history_create(  # type: ignore[attr-defined]
        records, batch_size=BATCH, default_user=None, default_change_reason=None
    )


def _ensure_capacities(planned_cases: list[PlannedFamily]) -> None:
    """`open_case`'s checks for every case of the file at once: each assistant an active family
    assistant, their rows locked (one query, in the order of their ids, so that two imports wait
    for each other rather than deadlock), and their families counted with the file's, one by one,
    up to the limit read from the locked row."""
    ids = sorted({planned.case["assistant"].pk for planned in planned_cases})
    locked = {user.pk: user for user in User.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    centre = Centre.load()
    loads = caseloads(locked.values())
    for planned in planned_cases:
        assistant = locked.get(planned.case["assistant"].pk)
        if assistant is None:
            raise InvalidTransition(_("The chosen person is not an active family assistant."))
        check_assistant(assistant)
        limit = assistant.caseload_limit_of(centre)
        load = loads.get(assistant.pk, 0)
        if load >= limit:
            raise caseload_full(assistant, load=load, limit=limit, centre=centre)
        loads[assistant.pk] = load + 1


# --- users -------------------------------------------------------------------------------------------


def _check_users(
    sheet: reading.Sheet, problems: Problems
) -> list[tuple[int, dict[str, Any], dict[str, bool]]]:
    existing = {name.lower() for name in User.objects.values_list("username", flat=True)}
    seen: dict[str, int] = {}
    planned = []
    for row, cells in sheet.rows:
        before = len(problems.items)
        username = cells.get("login", "")
        if username.lower() in existing:
            problems.add(row, "login", _("A user with this login is already on file."))
        elif username.lower() in seen:
            problems.add(
                row, "login", _("The same login is already in row %(row)d.") % {"row": seen[username.lower()]}
            )
        seen.setdefault(username.lower(), row)
        flags = dict.fromkeys(set(ROLES.values()), False)
        for part in cells.get("role", "").replace("+", ",").replace("/", ",").split(","):
            if not part.strip():
                continue
            flag = ROLES.get(_key(part))
            if flag is None:
                problems.add(
                    row,
                    "role",
                    _(
                        "Unknown role “%(role)s”; write asystent, pracownik socjalny, kierownik "
                        "or administrator."
                    )
                    % {"role": part.strip()},
                )
            else:
                flags[flag] = True
        if not any(flags.values()) and len(problems.items) == before:
            problems.add(row, "role", _("Give at least one role."))
        if flags["is_assistant"] and flags["is_social_worker"]:
            problems.add(
                row,
                "role",
                _(
                    "One person cannot be both a social worker and a family assistant "
                    "(art. 17 of the Act on family support)."
                ),
            )
        data = {name: cells.get(column, "") for name, column in USER_FIELDS.items()}
        user = User(**data)
        user.set_unusable_password()
        try:
            user.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            problems.of_validation(row, error, USER_FIELDS)
        if len(problems.items) == before:
            planned.append((row, data, flags))
    return planned


def _write_users(
    planned: list[tuple[int, dict[str, Any], dict[str, bool]]], by: User, request: HttpRequest
) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for _row, data, flags in planned:
        user = User(**data, is_administrator=flags["is_administrator"], must_change_password=True)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        counts["users"] += 1
        access = {name: flags[name] for name in ("is_social_worker", "is_assistant", "is_manager")}
        if any(access.values()) and request_role_change(request=request, user=user, by=by, access=access):
            counts["role_requests"] += 1
    return dict(counts)


# --- the two steps -------------------------------------------------------------------------------------


def _check(batch: ImportBatch) -> tuple[Problems, Callable[[User, HttpRequest], dict[str, int]] | None, int]:
    """Read the batch's file and check every row: the problems, and the writer of what passed."""
    problems = Problems()
    try:
        with batch.file.open("rb") as handle:
            sheet = reading.read(handle, batch.file_format)
    except reading.UnreadableFile as error:
        problems.add(0, "", str(error))
        return problems, None, 0
    missing = [column for column in REQUIRED[ImportKind(batch.kind)] if column not in sheet.columns]
    if missing:
        problems.add(
            1,
            "",
            _("The file lacks the columns: %(columns)s. Start from the template.")
            % {"columns": ", ".join(missing)},
        )
        return problems, None, len(sheet.rows)
    if not sheet.rows:
        problems.add(0, "", _("The file has no rows below its header."))
        return problems, None, 0
    for row, column, message in sheet.cell_problems:
        problems.add(row, column, message)
    writer: Callable[[User, HttpRequest], dict[str, int]]
    if batch.kind == ImportKind.FAMILIES:
        families = _check_families(sheet, problems)

        def writer(by: User, request: HttpRequest) -> dict[str, int]:
            return _write_families(families, by)
    else:
        users = _check_users(sheet, problems)

        def writer(by: User, request: HttpRequest) -> dict[str, int]:
            return _write_users(users, by, request)

    problems.items.sort(
        key=lambda p: (
            p["row"],
            COLUMNS[ImportKind(batch.kind)].index(p["column"])
            if p["column"] in COLUMNS[ImportKind(batch.kind)]
            else -1,
        )
    )
    return problems, writer, len(sheet.rows)


def check_upload(*, upload: "UploadedFile[bytes]", kind: str, by: User) -> ImportBatch:
    """The dry run: keep the file privately, check every row, record the outcome; nothing else is
    written."""
    head = upload.read(8)
    upload.seek(0)
    try:
        file_format = reading.detect_format(upload.name or "", head)
    except reading.UnreadableFile as error:
        batch = ImportBatch.objects.create(
            kind=kind,
            file_format="?",
            uploaded_by=by,
            status=ImportStatus.FAILED,
            problems=[{"row": 0, "column": "", "message": str(error)}],
            finished_at=timezone.now(),
        )
        return batch
    batch = ImportBatch(kind=kind, file_format=file_format, uploaded_by=by)
    batch.file.save(f"import.{file_format}", upload, save=False)
    batch.save()
    problems, _writer, rows = _check(batch)
    batch.problems = problems.items
    batch.rows = rows
    if _writer is None and problems.items:
        batch.status = ImportStatus.FAILED
        batch.finished_at = timezone.now()
        _delete_file(batch)
    batch.save()
    return batch


def confirm_import(*, batch: ImportBatch, by: User, request: HttpRequest) -> ImportBatch:
    """Write the checked file, all of it or nothing, audited; the file is deleted afterwards."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.can_confirm:
            raise InvalidTransition(_("This import cannot be confirmed any more."))
        problems, writer, rows = _check(batch)  # again: the register may have changed since
        summary: dict[str, int] = {}
        if problems.items or writer is None:
            batch.problems, batch.rows = problems.items, rows
        else:
            try:
                with transaction.atomic():
                    summary = writer(by, request)
                    log_access(request, family_id=None, obj=batch, action=AccessAction.IMPORT)
            except (ValidationError, CaseloadFull, InvalidTransition) as error:
                logger.info("import %s refused on confirmation", batch.pk)
                batch.problems = [
                    {"row": 0, "column": "", "message": " ".join(getattr(error, "messages", [str(error)]))}
                ]
            except IntegrityError:
                # A rule of the database (a PESEL registered meanwhile by someone else) that the
                # check just before could not see yet.
                logger.info("import %s refused by the database on confirmation", batch.pk)
                batch.problems = [
                    {
                        "row": 0,
                        "column": "",
                        "message": _(
                            "The register changed while the file was being written; nothing was "
                            "imported. Upload the file again to check it."
                        ),
                    }
                ]
        batch.status = ImportStatus.IMPORTED if summary else ImportStatus.FAILED
        batch.summary = summary
        batch.finished_at = timezone.now()
        batch.save()
        _delete_file(batch)
    return batch


def discard_import(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Give up a checked import: its file is deleted, nothing was written."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportStatus.CHECKED:
            batch.status = ImportStatus.DISCARDED
            batch.finished_at = timezone.now()
            batch.save()
        _delete_file(batch)
    return batch


def _delete_file(batch: ImportBatch) -> None:
    if batch.file.name:
        batch.file.storage.delete(batch.file.name)
        batch.file.name = ""
        ImportBatch.objects.filter(pk=batch.pk).update(file="")


def template_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    return COLUMNS[ImportKind(kind)], EXAMPLES[kind]


def groups(problems: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for problem in problems:
        grouped[int(problem["row"])].append(problem)
    return dict(grouped)
