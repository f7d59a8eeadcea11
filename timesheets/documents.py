"""The approved time sheet and mileage log as printed documents for the personnel file: registered
with the documents' kinds (`documents.kinds.register_kind`) from `TimesheetsConfig.ready()`, so the
worker renders them like every other PDF (idempotent per month and submission, PDF/A).

They belong to no family: the key is the month's record and its submission (`revision`); an
approved month is frozen, so its file is never rendered again. They are the assistant's documents
(`Owner.WORKER`): the assistant sees their own, the managers all; only an approved month is printed.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from asystent import dates
from asystent.models import User
from documents.enums import DocumentKind, Owner
from documents.kinds import Key, KindSpec, register_kind
from documents.models import RenderedDocument

from . import services
from .enums import HourKind
from .models import MileageLog, MonthlyRecord, Timesheet


def _record(document: RenderedDocument) -> MonthlyRecord:
    model = Timesheet if document.kind == DocumentKind.TIMESHEET else MileageLog
    return model.objects.select_related("assistant", "decided_by").get(pk=document.object_id)


def _assistant(record: object) -> User:
    assert isinstance(record, MonthlyRecord)
    return record.assistant


def _may_prepare(user: User, key: Key) -> bool:
    model = Timesheet if key.kind == DocumentKind.TIMESHEET else MileageLog
    record = model.objects.filter(pk=key.object_id).first()
    return bool(record and user.has_perm("timesheets.view_month", record))


def _refusal(model: type[MonthlyRecord]):  # noqa: ANN202
    def refuse(object_id: int, version: int) -> str | None:
        record = model.objects.filter(pk=object_id).first()  # type: ignore[attr-defined]
        if record is None or not record.is_approved or record.revision != version:
            return _("Only an approved month is printed.")
        return None

    return refuse


def _timesheet_context(document: RenderedDocument) -> dict:
    sheet = _record(document)
    assert isinstance(sheet, Timesheet)
    days = list(sheet.days.order_by("date"))
    totals = services.totals(sheet, days)
    return {
        "sheet": sheet,
        "rows": [(d, dates.holiday_name(d.date)) for d in days],
        "kinds": HourKind.choices,
        "kind_totals": [totals.by_kind[kind] for kind in HourKind.values],
        "totals": totals,
        "issued_on": sheet.decided_at,
    }


def _mileage_context(document: RenderedDocument) -> dict:
    log = _record(document)
    assert isinstance(log, MileageLog)
    trips = list(log.trips.order_by("date", "pk"))
    return {"log": log, "trips": trips, "claim": services.claim(log, trips), "issued_on": log.decided_at}


def _file_name(stem: str):  # noqa: ANN202
    def name(document: RenderedDocument) -> str:
        record = _record(document)
        return f"{stem}-{record.assistant.username}-{record.year}-{record.month:02d}.pdf"

    return name


def _describe(document: RenderedDocument) -> str:
    record = _record(document)
    return _("%(person)s, month %(month)s, submission %(n)s") % {
        "person": record.assistant.get_full_name() or record.assistant.username,
        "month": record.month_label(),
        "n": document.version,
    }


def _back_url(name: str):  # noqa: ANN202
    def url(document: RenderedDocument) -> str:
        return reverse(name, args=[document.object_id])

    return url


def register() -> None:
    register_kind(
        DocumentKind.TIMESHEET,
        KindSpec(
            "timesheets/pdf/timesheet.html",
            "karta-czasu-pracy",
            True,
            _timesheet_context,
            refusal=_refusal(Timesheet),
            back_url=_back_url("timesheets:sheet"),
            may_prepare=_may_prepare,
            file_name=_file_name("karta-czasu-pracy"),
            describe=_describe,
            owner=Owner.WORKER,
            owner_of=_assistant,
        ),
    )
    register_kind(
        DocumentKind.MILEAGE_LOG,
        KindSpec(
            "timesheets/pdf/mileage_log.html",
            "ewidencja-przebiegu",
            True,
            _mileage_context,
            refusal=_refusal(MileageLog),
            back_url=_back_url("timesheets:log"),
            may_prepare=_may_prepare,
            file_name=_file_name("ewidencja-przebiegu"),
            describe=_describe,
            owner=Owner.WORKER,
            owner_of=_assistant,
        ),
    )
