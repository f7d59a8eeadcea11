"""Demo court requests on asystent1's cases: one answered by an approved opinion with its PDF
(rendered here, synchronously), one with the opinion still in draft; and a notice to the court,
not yet sent, about the family whose court order was attached during voluntary work. Runs after
visits.demo, so the opinions are drafted from a real visit log; idempotent."""

import datetime as dt
from collections.abc import Callable

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.models import User
from cases.enums import CaseStatus, LegalBasis
from cases.models import Case
from documents.enums import DocumentKind
from documents.models import RenderedDocument
from documents.services import render_stored_document

from .models import CourtRequest
from .notices import prepare_court_notice, record_non_cooperation
from .services import (
    approve_opinion,
    draft_opinion,
    register_court_request,
    save_opinion,
    submit_opinion,
)

COURT = "Sąd Rejonowy w Zielonej Dolinie"
DIVISION = "III Wydział Rodzinny i Nieletnich"
COURT_ADDRESS = "ul. Sądowa 5, 00-951 Zielona Dolina"


def seed(say: Callable[[str], None]) -> None:
    if CourtRequest.objects.exists():
        say(_("Demo court requests already exist."))
        return
    assistant = User.objects.filter(username="asystent1").first()
    manager = User.objects.filter(username="kierownik").first()
    if assistant is None or manager is None:
        return
    active = Case.objects.filter(assistant=assistant, status=CaseStatus.ACTIVE).select_related("family")
    court_case = active.filter(legal_basis=LegalBasis.COURT_ORDER).order_by("pk").first()
    other_case = active.exclude(legal_basis=LegalBasis.COURT_ORDER).order_by("opened_on", "pk").first()
    today = timezone.localdate()
    if court_case is not None:
        _approved_opinion(court_case, assistant, manager, today)
    if other_case is not None:
        _draft_opinion(other_case, assistant, today)
    attached = (
        Case.objects.filter(status=CaseStatus.ACTIVE, legal_basis=LegalBasis.COURT_ORDER)
        .annotate(periods=Count("basis_periods"))
        .filter(periods__gt=1)
        .order_by("pk")
        .first()
    )
    if attached is not None:
        _pending_notice(attached, manager, today)
    say(_("Demo court requests created: %(count)d.") % {"count": CourtRequest.objects.count()})


def _approved_opinion(case: Case, assistant: User, manager: User, today: dt.date) -> None:
    order = case.family.court_orders.order_by("-order_date").first()
    request = register_court_request(
        case=case,
        by=assistant,
        data={
            "court": order.court if order else COURT,
            "division": order.division if order else DIVISION,
            "court_address": COURT_ADDRESS,
            "case_number": order.case_number if order else "III Nsm 233/26",
            "letter_date": today - dt.timedelta(days=20),
            "received_on": today - dt.timedelta(days=17),
            "due_date": today + dt.timedelta(days=5),
            "request_text": (
                "Sąd zwraca się o nadesłanie opinii o rodzinie i jej członkach, ze szczególnym "
                "uwzględnieniem realizacji planu pracy, opieki nad dziećmi i postawy rodziców wobec "
                "współpracy z asystentem rodziny, w terminie 30 dni."
            ),
        },
    )
    opinion = draft_opinion(request=request, by=assistant)
    version = save_opinion(
        opinion=opinion,
        by=assistant,
        sections={
            "health": (
                "Dzieci pozostają pod stałą opieką poradni pediatrycznej; szczepienia zgodnie z kalendarzem."
            ),
            "attitude": (
                "Rodzice początkowo niechętnie przyjmowali wizyty asystenta. Od trzeciego miesiąca "
                "współpracy matka aktywnie uczestniczy w spotkaniach i realizuje ustalone zadania; "
                "ojciec bierze udział w spotkaniach nieregularnie."
            ),
            "conclusions": (
                "W ocenie asystenta rodziny sytuacja opiekuńczo-wychowawcza dzieci uległa poprawie. "
                "Wskazana jest kontynuacja pracy z rodziną przez kolejne 6 miesięcy, ze szczególnym "
                "naciskiem na regularność uczęszczania dzieci do szkoły i abstynencję ojca."
            ),
        },
    )
    version = submit_opinion(version=version, by=assistant)
    approve_opinion(version=version, by=manager)
    document = RenderedDocument.objects.get(kind=DocumentKind.OPINION, object_id=opinion.pk, version=1)
    render_stored_document(document.pk)


def _draft_opinion(case: Case, assistant: User, today: dt.date) -> None:
    request = register_court_request(
        case=case,
        by=assistant,
        data={
            "court": COURT,
            "division": DIVISION,
            "court_address": COURT_ADDRESS,
            "case_number": "III Nsm 518/26",
            # Overdue: the draft has been waiting too long (the reminders escalate it).
            "letter_date": today - dt.timedelta(days=35),
            "received_on": today - dt.timedelta(days=31),
            "due_date": today - dt.timedelta(days=2),
            "request_text": (
                "Sąd prosi o informację o sytuacji małoletnich dzieci i o przebiegu pracy z rodziną."
            ),
        },
    )
    draft_opinion(request=request, by=assistant)


def _pending_notice(case: Case, manager: User, today: dt.date) -> None:
    """The family withdrew its consent after the court order: the assistant records the facts,
    the manager prepares the notice to the court, due in five days and not yet sent."""
    record_non_cooperation(
        case=case,
        by=case.assistant,
        date=today - dt.timedelta(days=12),
        description="Rodzice oświadczyli na piśmie, że wycofują zgodę na współpracę z asystentem rodziny.",
    )
    record_non_cooperation(
        case=case,
        by=case.assistant,
        date=today - dt.timedelta(days=5),
        description="Rodzina nie otworzyła drzwi podczas umówionej wizyty domowej; kontakt telefoniczny "
        "nieudany.",
    )
    notice = prepare_court_notice(case=case, due_date=today + dt.timedelta(days=5), by=manager)
    document = RenderedDocument.objects.get(kind=DocumentKind.COURT_NOTICE, object_id=notice.pk, version=1)
    render_stored_document(document.pk)
