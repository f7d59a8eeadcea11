"""Demo visit logs: weekly visits of the demo assistants since each case opened, some drafts and
phone calls, monitoring contacts after a closure, one intervention with its notification, two
unsuccessful visits in a row (shown to the manager) and a closure waiting for approval.

Visits are inserted in bulk (with their history rows) to keep `seed_demo` fast; the intervention
goes through `record_intervention`, so the manager's notification is real.
"""

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from asystent.history import attribute_change
from asystent.models import User
from cases.enums import CaseStatus, ClosureReason, LegalBasis, Relation
from cases.models import Case, ProblemArea
from cases.services.closure import propose_closure

from .enums import UnsuccessfulReason, VisitKind, VisitPlace, VisitStatus
from .models import Visit
from .selectors import goals_of_current_plan
from .services import record_intervention, save_visit

DEMO_ASSISTANTS = ("asystent1", "asystent2", "asystent3")

TOPICS = {
    VisitKind.HOME_VISIT: [
        "Rozmowa o planie dnia dzieci i godzinach odrabiania lekcji. Wspólne ustalenie tygodniowego "
        "harmonogramu obowiązków domowych.",
        "Przegląd rachunków i zaległości czynszowych; pomoc w przygotowaniu wniosku o rozłożenie "
        "zadłużenia na raty.",
        "Rozmowa z matką o sposobach reagowania na zachowania opozycyjne syna; omówienie zasady "
        "konsekwencji zamiast krzyku.",
        "Wspólne planowanie zakupów i posiłków na tydzień w ramach budżetu domowego.",
        "Omówienie wyników wywiadówki; ustalenie kontaktu z wychowawczynią w sprawie frekwencji.",
        "Rozmowa o poszukiwaniu pracy: przegląd ofert z urzędu pracy, przygotowanie CV.",
        "Porządkowanie dokumentów rodziny: legitymacje, orzeczenia, decyzje z MOPS.",
        "Rozmowa o zdrowiu najmłodszego dziecka i terminach szczepień; sprawdzenie książeczki zdrowia.",
    ],
    VisitKind.PHONE: [
        "Telefoniczne potwierdzenie terminu wizyty w poradni psychologiczno-pedagogicznej.",
        "Matka poinformowała o chorobie dziecka; przełożenie spotkania.",
        "Rozmowa telefoniczna o postępach w spłacie zaległości za energię.",
    ],
    VisitKind.ACCOMPANYING: [
        "Towarzyszenie matce w Powiatowym Urzędzie Pracy: rejestracja i rozmowa z doradcą zawodowym.",
        "Wizyta z rodziną w poradni psychologiczno-pedagogicznej: diagnoza córki.",
        "Towarzyszenie w przychodni: wizyta kontrolna dziecka u pediatry.",
    ],
    VisitKind.CASE_CONFERENCE: [
        "Spotkanie z pracownikiem socjalnym i pedagogiem szkolnym: ocena postępów i ustalenie "
        "dalszych działań.",
    ],
    VisitKind.COURT: [
        "Obecność na posiedzeniu Sądu Rejonowego (wydział rodzinny); przekazanie informacji o "
        "przebiegu współpracy z rodziną.",
    ],
    VisitKind.MONITORING: [
        "Kontakt monitorujący: rodzina utrzymuje ustalony plan dnia, dzieci regularnie chodzą do szkoły.",
        "Kontakt monitorujący: rachunki opłacane na bieżąco, brak nowych zaległości.",
    ],
}
TASKS_AGREED = [
    "Matka zadzwoni do szkoły i umówi spotkanie z wychowawczynią.",
    "Rodzina zapisze wydatki z całego tygodnia w zeszycie budżetowym.",
    "Ojciec złoży dokumenty w urzędzie pracy do piątku.",
    "Dzieci przygotują plecaki wieczorem, rodzice sprawdzą zeszyty.",
    "Matka umówi wizytę kontrolną w przychodni.",
]
TASKS_DONE = [
    "Zeszyt budżetowy prowadzony na bieżąco.",
    "Wniosek o dodatek mieszkaniowy złożony.",
    "Spotkanie z wychowawczynią odbyło się.",
    "",
]
SAFETY = [
    "Dzieci zadbane, odpowiednio ubrane; w mieszkaniu porządek i ciepło.",
    "Brak niepokojących sygnałów. Dzieci swobodne w kontakcie.",
    "Lodówka zaopatrzona; dzieci po obiedzie.",
    "",
]
PLACES_ELSEWHERE = ["Powiatowy Urząd Pracy", "Poradnia psychologiczno-pedagogiczna", "Szkoła Podstawowa nr 2"]


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _kind(rng: random.Random, case: Case) -> str:
    roll = rng.random()
    if roll < 0.15:
        return VisitKind.PHONE
    if roll < 0.27:
        return VisitKind.ACCOMPANYING
    if roll < 0.32:
        return VisitKind.CASE_CONFERENCE
    if roll < 0.37 and case.legal_basis == LegalBasis.COURT_ORDER:
        return VisitKind.COURT
    return VisitKind.HOME_VISIT


def _visit(rng: random.Random, case: Case, day: dt.date, kind: str, *, draft: bool, context: dict) -> Visit:
    start_hour = rng.choice([9, 10, 11, 12, 13, 15, 16])
    start = dt.time(start_hour, rng.choice([0, 15, 30]))
    minutes = 15 if kind == VisitKind.PHONE else rng.choice([60, 75, 90, 120])
    end_at = dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)
    phone = kind == VisitKind.PHONE
    at_home = kind in (VisitKind.HOME_VISIT, VisitKind.MONITORING)
    visit = Visit(
        case=case,
        author=case.assistant,
        date=day,
        start_time=None if phone else start,
        end_time=None if phone else end_at.time(),
        duration_minutes=minutes,
        kind=kind,
        place="" if phone else (VisitPlace.HOME if at_home else VisitPlace.OTHER),
        place_description="" if phone or at_home else rng.choice(PLACES_ELSEWHERE),
        other_participants="Pracownik socjalny, pedagog szkolny" if kind == VisitKind.CASE_CONFERENCE else "",
        topics="" if draft else rng.choice(TOPICS[VisitKind(kind)]),
        tasks_agreed="" if draft or phone else rng.choice(TASKS_AGREED),
        tasks_done="" if draft else rng.choice(TASKS_DONE),
        child_safety_notes="" if draft or phone else rng.choice(SAFETY),
        next_meeting=None if draft else day + dt.timedelta(days=7),
        signed_by_family=not draft and at_home and rng.random() < 0.8,
        status=VisitStatus.DRAFT if draft else VisitStatus.FINAL,
        finalised_at=None
        if draft
        else min(timezone.now(), timezone.make_aware(end_at + dt.timedelta(hours=2))),
    )
    attribute_change(visit, case.assistant)
    adults = context["adults"]
    children = context["children"]
    chosen = adults[:1] if phone else adults + rng.sample(children, k=rng.randint(0, len(children)))
    context["links"].append(
        (
            visit,
            chosen,
            rng.sample(context["areas"], k=min(2, len(context["areas"]))),
            rng.sample(context["goals"], k=min(1, len(context["goals"]))),
        )
    )
    return visit


def _schedule(rng: random.Random, case: Case, today: dt.date, gap_days: int = 0) -> list[tuple[dt.date, str]]:
    """Weekly contacts back from today to the start of the work; monthly monitoring after closure."""
    start = case.started_on or case.opened_on
    plan: list[tuple[dt.date, str]] = []
    if case.status == CaseStatus.AWAITING_CONSENT:
        first = _weekday_on_or_before(min(today, case.opened_on + dt.timedelta(days=2)))
        return [(max(first, case.opened_on), VisitKind.HOME_VISIT)]
    closed = case.closed_on if case.status == CaseStatus.MONITORING else None
    if closed:
        day = today
        while day > closed:
            plan.append((_weekday_on_or_before(day), VisitKind.MONITORING))
            day -= dt.timedelta(days=30)
        plan = [(d, k) for d, k in plan if d > closed]
    last = closed or today - dt.timedelta(days=gap_days)
    week = 0
    while True:
        day = _weekday_on_or_before(last - dt.timedelta(days=7 * week + rng.randint(0, 3)))
        if day < start:
            break
        plan.append((day, _kind(rng, case)))
        week += 1
    return plan


def seed(say: Callable[[str], None]) -> None:
    if Visit.objects.exists():
        say(_("Demo visits already exist."))
        return
    rng = random.Random(2611)
    today = timezone.localdate()
    areas = list(ProblemArea.objects.filter(is_active=True))
    cases = list(
        Case.objects.filter(
            assistant__username__in=DEMO_ASSISTANTS,
            status__in=[CaseStatus.AWAITING_CONSENT, CaseStatus.ACTIVE, CaseStatus.MONITORING],
        )
        .select_related("family", "assistant")
        .prefetch_related("family__members")
        .order_by("pk")
    )
    visits: list[Visit] = []
    links: list = []
    for index, case in enumerate(cases):
        members = list(case.family.members.all())
        context = {
            "adults": [m for m in members if m.relation != Relation.CHILD],
            "children": [m for m in members if m.relation == Relation.CHILD],
            "areas": areas,
            "goals": list(goals_of_current_plan(case)),
            "links": links,
        }
        # Two families nobody has visited lately: 20 and 35 days (the reminders' thresholds).
        gap_days = {1: 20, 2: 35}.get(index % 8, 0) if case.status == CaseStatus.ACTIVE else 0
        schedule = sorted(_schedule(rng, case, today, gap_days=gap_days))
        for position, (day, kind) in enumerate(schedule):
            # Every third family has its most recent visit still as a draft, to be finished.
            draft = position == len(schedule) - 1 and index % 3 == 0 and kind != VisitKind.MONITORING
            visits.append(_visit(rng, case, day, kind, draft=draft, context=context))
    bulk_create_with_history(visits, Visit, batch_size=500)
    participants, problem_areas, goals = [], [], []
    for visit, members, visit_areas, visit_goals in links:
        participants += [Visit.participants.through(visit_id=visit.pk, familymember_id=m.pk) for m in members]
        problem_areas += [Visit.areas.through(visit_id=visit.pk, problemarea_id=a.pk) for a in visit_areas]
        goals += [Visit.goals.through(visit_id=visit.pk, goal_id=g.pk) for g in visit_goals]
    Visit.participants.through.objects.bulk_create(participants, batch_size=1000)
    Visit.areas.through.objects.bulk_create(problem_areas, batch_size=1000)
    Visit.goals.through.objects.bulk_create(goals, batch_size=1000)
    say(_("Demo visits created: %(count)d.") % {"count": len(visits)})
    _intervention(today)
    _unsuccessful_and_closure(today)


def _unsuccessful_and_closure(today: dt.date) -> None:
    """asystent2 found nobody at home twice in a row at one family (the dashboard shows it), and
    proposes to close the work with another family, which waits for the manager's approval."""
    assistant = User.objects.filter(username="asystent2").first()
    if assistant is None:
        return
    active = list(Case.objects.filter(assistant=assistant, status=CaseStatus.ACTIVE).order_by("pk")[:2])
    if not active:
        return
    for days_ago, reason in ((4, UnsuccessfulReason.NOBODY_HOME), (2, UnsuccessfulReason.ENTRY_REFUSED)):
        save_visit(
            case=active[0],
            by=assistant,
            final=True,
            data={
                "date": max(active[0].opened_on, today - dt.timedelta(days=days_ago)),
                "start_time": None,
                "end_time": None,
                "duration_minutes": 15,
                "kind": VisitKind.UNSUCCESSFUL,
                "unsuccessful_reason": reason,
                "place": VisitPlace.HOME,
                "place_description": "",
                "topics": "",
            },
        )
    if len(active) > 1:
        propose_closure(
            case=active[1],
            by=assistant,
            on=today,
            reason=ClosureReason.GOALS_ACHIEVED,
            summary=(
                "Cele planu zostały osiągnięte: dzieci regularnie chodzą do szkoły, rodzina "
                "samodzielnie planuje budżet i korzysta z pomocy poradni."
            ),
            recommendations="Kontakt telefoniczny raz w miesiącu w okresie monitorowania.",
        )


def _intervention(today: dt.date) -> None:
    """One intervention on a court-ordered family of asystent1, which notifies the manager."""
    assistant = User.objects.filter(username="asystent1").first()
    active = Case.objects.filter(assistant=assistant, status=CaseStatus.ACTIVE).order_by("pk")
    case = active.filter(legal_basis=LegalBasis.COURT_ORDER).first() or active.first()
    if assistant is None or case is None:
        return
    day = max(case.opened_on, today - dt.timedelta(days=12))
    event = timezone.make_aware(dt.datetime.combine(day, dt.time(18, 30)))
    record_intervention(
        case=case,
        by=assistant,
        data={
            "date": event,
            "description": (
                "Podczas wizyty popołudniowej zastałam dwoje młodszych dzieci samych w mieszkaniu; "
                "ojciec wrócił po godzinie pod wpływem alkoholu. Wezwałam patrol policji, dzieci "
                "przekazano pod opiekę babci do czasu powrotu matki z pracy."
            ),
            "informed_police": True,
            "informed_court": True,
            "informed_other": False,
            "informed_at": event + dt.timedelta(minutes=15),
            "reference_numbers": "KPP Zielona Dolina, notatka nr 1234/26; zawiadomienie sądu rodzinnego",
        },
    )
