"""The assistant's monthly report (sprawozdanie miesięczne) across all their families: per family,
the contacts by kind, the areas of help worked on (with their point of art. 15 ust. 1 of the Act),
the interventions and the work plan's progress. The manager receives it: a notification when the
assistant prepares it, and the list of reports.

A worker's document: keyed by the assistant and the month (YYYYMM), it belongs to no case and no
family (`RenderedDocument.worker`); the families it names are recorded
(`RenderedDocument.mentioned_families`), so erasing one of them deletes the report too.
"""

import calendar
import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.enums import Role
from asystent.models import User
from asystent.permissions import is_manager
from cases.models import Case, Family
from notifications.services import notify
from visits.enums import VisitStatus

from . import services
from .enums import DocumentKind, Owner
from .file_documents import areas_worked_on, contacts_by_kind, plan_progress
from .kinds import Key, KindSpec, month_of, month_version, register_kind
from .models import RenderedDocument


def month_bounds(version: int) -> tuple[dt.date, dt.date]:
    year, month = month_of(version)
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def cases_of_month(assistant: User, first: dt.date, last: dt.date) -> QuerySet[Case]:
    """The cases the assistant worked on in the month: assigned to them and open in it, or with a
    contact they recorded in it (a case handed over during the month)."""
    assigned = Q(assistant=assistant, opened_on__lte=last) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    visited = Q(visits__author=assistant, visits__date__range=(first, last), visits__status=VisitStatus.FINAL)
    ids = Case.objects.filter(assigned | visited).values("pk")
    return Case.objects.filter(pk__in=ids).select_related("family").order_by("family__name", "pk")


def _context(document: RenderedDocument) -> dict:
    assistant = User.objects.get(pk=document.object_id)
    first, last = month_bounds(document.version)
    rows = []
    for case in cases_of_month(assistant, first, last):
        visits = list(
            case.visits.filter(status=VisitStatus.FINAL, date__range=(first, last))
            .prefetch_related("areas")
            .order_by("date", "pk")
        )
        minutes = sum(v.length_minutes or 0 for v in visits)
        rows.append(
            {
                "case": case,
                "family": case.family,
                "by_kind": contacts_by_kind(visits),
                "contacts": len(visits),
                "hours": minutes // 60,
                "minutes": minutes % 60,
                "areas": areas_worked_on(visits),
                "interventions": list(
                    case.interventions.filter(date__date__range=(first, last)).order_by("date", "pk")
                ),
                "progress": plan_progress(case),
            }
        )
    return {
        "assistant": assistant,
        "rows": rows,
        "first": first,
        "last": last,
        "total_contacts": sum(row["contacts"] for row in rows),
        "issued_on": min(last, timezone.localdate()),
    }


def _mentions(key: Key) -> list[Family]:
    assistant = User.objects.get(pk=key.object_id)
    first, last = month_bounds(key.version)
    return [case.family for case in cases_of_month(assistant, first, last)]


def _may_prepare(user: User, key: Key) -> bool:
    return bool(is_manager(user)) or (user.has_role(Role.ASSISTANT) and key.object_id == user.pk)


def _file_name(document: RenderedDocument) -> str:
    year, month = month_of(document.version)
    return f"sprawozdanie-miesieczne-{document.object_id}-{year}-{month:02d}.pdf"


def _describe(document: RenderedDocument) -> str:
    year, month = month_of(document.version)
    assistant = document.worker
    name = (assistant.get_full_name() or assistant.username) if assistant else ""
    return _("%(assistant)s, month %(month)s.%(year)s") % {
        "assistant": name,
        "month": f"{month:02d}",
        "year": year,
    }


def _back_url(document: RenderedDocument) -> str:
    return reverse("documents:monthly-reports")


def register() -> None:
    register_kind(
        DocumentKind.MONTHLY_REPORT,
        KindSpec(
            "documents/pdf/monthly_report.html",
            "sprawozdanie-miesieczne",
            False,
            _context,
            back_url=_back_url,
            may_prepare=_may_prepare,
            file_name=_file_name,
            describe=_describe,
            owner=Owner.WORKER,
            mentions=_mentions,
        ),
    )


def validate_report_month(year: int, month: int) -> str | None:
    """Why the month cannot be reported (None: it can): a month not yet started."""
    if dt.date(year, month, 1) > timezone.localdate():
        return _("The month has not started yet.")
    return None


def prepare_monthly_report(*, assistant: User, year: int, month: int, by: User) -> RenderedDocument:
    """Ask for the assistant's report of the month; when the assistant prepares it, the managers
    are notified (once per report) that it is there for them."""
    with transaction.atomic():
        document = services.request_document(
            kind=DocumentKind.MONTHLY_REPORT, obj=assistant, version=month_version(year, month), by=by
        )
        if by.pk == assistant.pk:
            managers = User.objects.filter(is_manager=True, is_active=True)
            notify(
                managers,
                rule="monthly_report",
                key=f"monthly-report-{document.pk}",
                message=_("%(assistant)s has prepared the monthly report for %(month)s.%(year)s.")
                % {
                    "assistant": assistant.get_full_name() or assistant.username,
                    "month": f"{month:02d}",
                    "year": year,
                },
                url=document.get_absolute_url(),
            )
    return document


def reports_for(user: User) -> QuerySet[RenderedDocument]:
    """The monthly reports the user sees: a manager all of them, an assistant their own."""
    documents = RenderedDocument.objects.visible_to(user).filter(kind=DocumentKind.MONTHLY_REPORT)
    return documents.select_related("worker").order_by("-version", "worker__last_name", "pk")
