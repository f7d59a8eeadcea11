"""Demo intake data: fictional families in every state of a referral and a case.

PESELs are fictional, from Faker's pl_PL provider seeded from the demo's own random sequence, so
every run creates the same people; the addresses are in an imaginary town.
"""

import datetime as dt
import random
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.models import Centre, User
from cases import pesel as pesel_rules
from cases.enums import ClosureReason, ConsentDecision, LegalBasis, Placement, Recommendation, Relation, Sex
from cases.models import AssessmentArea, Case, Family, FamilyMember, ProblemArea, WorkPlan
from cases.services import assessments, closure, plans, record_consent

from .enums import Decision
from .models import CommunityInterview, Referral
from .services import decide_referral, register_court_order, submit_referral

MARKER_FAMILY = "Kowalscy"

STREETS = [
    "ul. Lipowa",
    "ul. Polna",
    "ul. Leśna",
    "ul. Słoneczna",
    "ul. Krótka",
    "ul. Ogrodowa",
    "ul. Łąkowa",
    "ul. Źródlana",
    "ul. Żeromskiego",
    "ul. Świętokrzyska",
]
# (family name, mother's surname form, children's surname form)
SURNAMES = [
    ("Kowalscy", "Kowalska", "Kowalski"),
    ("Nowakowie", "Nowak", "Nowak"),
    ("Wiśniewscy", "Wiśniewska", "Wiśniewski"),
    ("Wójcikowie", "Wójcik", "Wójcik"),
    ("Kamińscy", "Kamińska", "Kamiński"),
    ("Lewandowscy", "Lewandowska", "Lewandowski"),
    ("Zielińscy", "Zielińska", "Zieliński"),
    ("Szymańscy", "Szymańska", "Szymański"),
    ("Dąbrowscy", "Dąbrowska", "Dąbrowski"),
    ("Woźniakowie", "Woźniak", "Woźniak"),
    ("Kozłowscy", "Kozłowska", "Kozłowski"),
    ("Jankowscy", "Jankowska", "Jankowski"),
    ("Mazurowie", "Mazur", "Mazur"),
    ("Krawczykowie", "Krawczyk", "Krawczyk"),
    ("Piotrowscy", "Piotrowska", "Piotrowski"),
    ("Grabowscy", "Grabowska", "Grabowski"),
    ("Pawłowscy", "Pawłowska", "Pawłowski"),
    ("Michalscy", "Michalska", "Michalski"),
    ("Króllowie", "Król", "Król"),
    ("Wieczorkowie", "Wieczorek", "Wieczorek"),
    ("Jabłońscy", "Jabłońska", "Jabłoński"),
    ("Majewscy", "Majewska", "Majewski"),
    ("Olszewscy", "Olszewska", "Olszewski"),
    ("Stępniowie", "Stępień", "Stępień"),
]
MOTHERS = ["Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Joanna", "Ewa", "Magdalena", "Żaneta"]
FATHERS = ["Tomasz", "Paweł", "Łukasz", "Michał", "Grzegorz", "Jarosław", "Wojciech", "Mariusz"]
GIRLS = ["Zofia", "Julia", "Zuzanna", "Maja", "Lena", "Alicja", "Hanna", "Łucja"]
BOYS = ["Jakub", "Antoni", "Szymon", "Jan", "Filip", "Franciszek", "Mikołaj", "Wojciech"]


def _girl_form(boy_form: str) -> str:
    return boy_form[:-1] + "a" if boy_form.endswith("ski") or boy_form.endswith("cki") else boy_form


def _family(rng: random.Random, index: int, by: User) -> Family:
    name, mother_surname, child_surname = SURNAMES[index % len(SURNAMES)]
    family = Family.objects.create(
        name=name,
        street=f"{rng.choice(STREETS)} {rng.randint(1, 80)}/{rng.randint(1, 30)}",
        postal_code="00-950",
        city="Zielona Dolina",
        gmina="Zielona Dolina",
        phone=f"+48 600 {rng.randint(100, 999)} {rng.randint(100, 999)}",
        registered_by=by,
    )
    today = timezone.localdate()
    faker = pesel_rules.fake(rng.randrange(2**32))
    mother_born = dt.date(rng.randint(1980, 1996), rng.randint(1, 12), rng.randint(1, 28))
    FamilyMember.objects.create(
        family=family,
        first_name=rng.choice(MOTHERS),
        last_name=mother_surname,
        relation=Relation.PARENT,
        sex=Sex.FEMALE,
        birth_date=mother_born,
        pesel=pesel_rules.generate(mother_born, Sex.FEMALE, faker),
    )
    if rng.random() < 0.6:
        father_born = dt.date(rng.randint(1978, 1994), rng.randint(1, 12), rng.randint(1, 28))
        FamilyMember.objects.create(
            family=family,
            first_name=rng.choice(FATHERS),
            last_name=child_surname,
            relation=Relation.PARENT,
            sex=Sex.MALE,
            birth_date=father_born,
            pesel=pesel_rules.generate(father_born, Sex.MALE, faker),
        )
    for child in range(rng.randint(1, 4)):
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        born = dt.date(today.year - rng.randint(1, 16), rng.randint(1, 12), rng.randint(1, 28))
        in_care = child == 0 and rng.random() < 0.15
        FamilyMember.objects.create(
            family=family,
            first_name=rng.choice(GIRLS if sex == Sex.FEMALE else BOYS),
            last_name=_girl_form(child_surname) if sex == Sex.FEMALE else child_surname,
            relation=Relation.CHILD,
            sex=sex,
            birth_date=born,
            # Some newborns have no PESEL yet: the date of birth is enough.
            pesel="" if today.year - born.year < 1 else pesel_rules.generate(born, sex, faker),
            placement=Placement.FOSTER_FAMILY if in_care else Placement.HOME,
            foster_coordinator="Koordynator PCPR, tel. 22 000 11 22" if in_care else "",
        )
    return family


def _referral(
    rng: random.Random, family: Family, worker: User, *, basis: str, days_ago: int, submit: bool = True
) -> Referral:
    areas = list(ProblemArea.objects.filter(is_active=True))
    interview = CommunityInterview.objects.create(
        family=family,
        date=timezone.localdate() - dt.timedelta(days=days_ago + 5),
        social_worker=worker,
        urgent=rng.random() < 0.2,
        summary="Rodzina zgłasza trudności w organizacji dnia dzieci i w prowadzeniu "
        "gospodarstwa domowego; zaległości w opłatach za mieszkanie.",
    )
    chosen = rng.sample(areas, k=min(3, len(areas)))
    interview.problem_areas.set(chosen)
    referral = Referral.objects.create(
        family=family,
        interview=interview,
        social_worker=worker,
        legal_basis=basis,
        justification="Po przeprowadzeniu wywiadu środowiskowego rodzina wymaga wsparcia "
        "asystenta rodziny w zakresie opieki i wychowania dzieci.",
        children_in_foster_care=family.members.filter(placement=Placement.FOSTER_FAMILY).exists(),
    )
    referral.problem_areas.set(chosen)
    if submit:
        referral = submit_referral(referral=referral, by=worker)
        Referral.objects.filter(pk=referral.pk).update(
            submitted_at=timezone.now() - dt.timedelta(days=days_ago)
        )
        referral.refresh_from_db()
    return referral


def seed(say: Callable[[str], None]) -> None:
    if Family.objects.filter(name=MARKER_FAMILY).exists():
        say(_("Demo families already exist."))
        return
    rng = random.Random(2026)
    users = {u.username: u for u in User.objects.all()}
    manager, worker1, worker2 = users["kierownik"], users["pracownik1"], users["pracownik2"]
    a1, a2, a3 = users["asystent1"], users["asystent2"], users["asystent3"]
    today = timezone.localdate()

    # 0: a draft referral; 1: waiting for a decision; 2: on the waiting list.
    _referral(rng, _family(rng, 0, worker1), worker1, basis=LegalBasis.VOLUNTARY, days_ago=0, submit=False)
    _referral(rng, _family(rng, 1, worker1), worker1, basis=LegalBasis.VOLUNTARY, days_ago=9)
    waiting = _referral(rng, _family(rng, 2, worker2), worker2, basis=LegalBasis.VOLUNTARY, days_ago=40)
    decide_referral(referral=waiting, decision=Decision.WAITLIST, by=manager)
    # 3: a court order in the queue, shown first.
    register_court_order(
        family=_family(rng, 3, worker2),
        court="Sąd Rejonowy w Zielonej Dolinie",
        division="III Wydział Rodzinny i Nieletnich",
        case_number="III Nsm 412/26",
        order_date=today - dt.timedelta(days=12),
        received_on=today - dt.timedelta(days=6),
        by=worker2,
    )

    def assign(index: int, assistant: User, basis: str, days_ago: int, consent: bool) -> Case:
        worker = worker1 if index % 2 else worker2
        family = _family(rng, index, worker)
        if basis == LegalBasis.COURT_ORDER:
            order = register_court_order(
                family=family,
                court="Sąd Rejonowy w Zielonej Dolinie",
                division="III Wydział Rodzinny i Nieletnich",
                case_number=f"III Nsm {100 + index}/26",
                order_date=today - dt.timedelta(days=days_ago + 10),
                received_on=today - dt.timedelta(days=days_ago + 3),
                by=worker,
            )
            referral = order.referral
        else:
            referral = _referral(rng, family, worker, basis=basis, days_ago=days_ago + 3)
        referral = decide_referral(
            referral=referral, decision=Decision.ASSIGN, by=manager, assistant=assistant
        )
        case = referral.case
        assert case is not None  # the decision to assign opens the case
        case.opened_on = today - dt.timedelta(days=days_ago)
        decided = timezone.make_aware(dt.datetime.combine(case.opened_on, dt.time(10, 0)))
        Referral.objects.filter(pk=referral.pk).update(decided_at=decided)
        if case.started_on:
            case.started_on = case.opened_on
        case.save()
        case.assignments.update(started_on=case.opened_on)
        case.basis_periods.update(started_on=case.opened_on)
        if consent:
            adults = list(family.members.exclude(relation=Relation.CHILD))
            record_consent(
                case=case,
                decision=ConsentDecision.GIVEN,
                by=assistant,
                date=case.opened_on + dt.timedelta(days=3),
                signed_by=adults,
                scope="Współpraca z asystentem rodziny zgodnie z planem pracy.",
            )
        case.refresh_from_db()
        if case.started_on:
            _plan(case, assistant, version_note="")
        return case

    # 4: awaiting consent (asystent1); 5-9: active work of asystent1 and asystent3.
    assign(4, a1, LegalBasis.VOLUNTARY, days_ago=5, consent=False)
    # Waiting for consent for three weeks: a reminder goes to the assistant and the manager.
    assign(33, a3, LegalBasis.VOLUNTARY, days_ago=21, consent=False)
    # 5: 200 days of work, a revised plan and no assessment yet: the assessment is overdue.
    revised = assign(5, a1, LegalBasis.VOLUNTARY, days_ago=200, consent=True)
    _plan(revised, a1, version_note="Po trzech miesiącach pracy cele dotyczące szkoły zostały rozszerzone.")
    assign(6, a1, LegalBasis.COURT_ORDER, days_ago=120, consent=False)
    assign(7, a1, LegalBasis.ZA_ZYCIEM, days_ago=60, consent=True)
    assign(8, a3, LegalBasis.MINOR_PARENT, days_ago=30, consent=False)
    assessed = assign(9, a3, LegalBasis.VOLUNTARY, days_ago=90, consent=True)
    ratings = {area.pk: (rng.randint(2, 4), "") for area in AssessmentArea.objects.filter(is_active=True)}
    assessments.save_assessment(
        case=assessed,
        by=a3,
        date=today - dt.timedelta(days=10),
        ratings=ratings,
        submit=True,
        narrative="Rodzina współpracuje, poprawiła się organizacja dnia dzieci; utrzymują się "
        "zaległości czynszowe.",
        recommendation=Recommendation.CONTINUE,
    )
    # asystent2 works at the statutory limit of 15 families.
    for index in range(10, 25):
        assign(index, a2, LegalBasis.VOLUNTARY, days_ago=20 + 17 * (index - 10), consent=True)
    # A year and more of history: work that ended, with monitoring after it.
    reasons = [
        ClosureReason.GOALS_ACHIEVED,
        ClosureReason.GOALS_ACHIEVED,
        ClosureReason.WITHDREW,
        ClosureReason.NO_EFFECTS,
        ClosureReason.MOVED_AWAY,
        ClosureReason.FOSTER_CARE,
        ClosureReason.COURT_DECISION,
        ClosureReason.GOALS_ACHIEVED,
    ]
    for offset, reason in enumerate(reasons):
        assistant = a1 if offset % 2 else a3
        basis = LegalBasis.COURT_ORDER if offset == 6 else LegalBasis.VOLUNTARY
        case = assign(
            25 + offset, assistant, basis, days_ago=720 - 60 * offset, consent=basis != LegalBasis.COURT_ORDER
        )
        closed_on = min(case.opened_on + dt.timedelta(days=150 + 45 * offset), today - dt.timedelta(days=20))
        case = closure.close_with_monitoring(
            case=case,
            by=assistant,
            on=closed_on,
            reason=reason,
            final_assessment="Rodzina osiągnęła część celów planu; sytuacja dzieci jest stabilna.",
            recommendations="Dalsze wsparcie pracownika socjalnego.",
        )
        if case.monitoring_until and case.monitoring_until < today:
            closure.end_monitoring(case=case, by=assistant, on=case.monitoring_until)
    # Monitoring that ends in three days.
    case = assign(34, a1, LegalBasis.VOLUNTARY, days_ago=400, consent=True)
    closure.close_with_monitoring(
        case=case,
        by=a1,
        on=today - relativedelta(months=Centre.load().monitoring_months) + dt.timedelta(days=3),
        reason=ClosureReason.GOALS_ACHIEVED,
        final_assessment="Cele planu zostały osiągnięte; rodzina samodzielnie organizuje opiekę nad dziećmi.",
    )
    # 35: a court order on the waiting list, with the reason it waits (shown in red to the managers).
    waiting_order = register_court_order(
        family=_family(rng, 35, worker1),
        court="Sąd Rejonowy w Zielonej Dolinie",
        division="III Wydział Rodzinny i Nieletnich",
        case_number="III Nsm 455/26",
        order_date=today - dt.timedelta(days=9),
        received_on=today - dt.timedelta(days=4),
        by=worker1,
    )
    assert waiting_order.referral is not None
    decide_referral(
        referral=waiting_order.referral,
        decision=Decision.WAITLIST,
        by=manager,
        note="Wszyscy asystenci pracują z limitem 15 rodzin; nowa asystentka zaczyna pracę 1. dnia "
        "przyszłego miesiąca.",
    )
    # 36: voluntary work for five months, then a court order attached to the open case (two periods
    # of the legal basis); the family's later withdrawal of consent does not close it.
    attached = assign(36, a3, LegalBasis.VOLUNTARY, days_ago=150, consent=True)
    register_court_order(
        family=attached.family,
        court="Sąd Rejonowy w Zielonej Dolinie",
        division="III Wydział Rodzinny i Nieletnich",
        case_number="III Nsm 388/26",
        order_date=today - dt.timedelta(days=45),
        received_on=today - dt.timedelta(days=40),
        by=worker1 if attached.family.registered_by_id == worker1.pk else worker2,
    )
    record_consent(
        case=attached,
        decision=ConsentDecision.WITHDRAWN,
        by=a3,
        date=today - dt.timedelta(days=12),
        reason="Rodzice oświadczyli, że nie chcą dalszej współpracy z asystentem.",
    )
    say(_("Demo families created: %(count)d.") % {"count": Family.objects.count()})


def _plan(case: Case, assistant: User, version_note: str) -> WorkPlan:
    areas = list(ProblemArea.objects.filter(is_active=True)[:3])
    start = case.started_on or case.opened_on
    goals = [
        plans.GoalData(
            area=areas[0],
            description="Dzieci regularnie uczęszczają do szkoły i odrabiają lekcje.",
            actions=[
                plans.ActionData(
                    description="Wspólne ustalenie planu dnia dzieci i pilnowanie godzin nauki.",
                    responsible="family_member",
                    responsible_name="Matka",
                    deadline=start + dt.timedelta(days=60),
                    expected_effect="Frekwencja dzieci w szkole powyżej 90%.",
                    status="done" if start + dt.timedelta(days=60) < timezone.localdate() else "in_progress",
                ),
                plans.ActionData(
                    description="Spotkanie z wychowawcą klasy.",
                    responsible="assistant",
                    deadline=timezone.localdate() + dt.timedelta(days=10),
                    expected_effect="Ustalony sposób informowania o postępach dzieci.",
                ),
            ],
        ),
        plans.GoalData(
            area=areas[1],
            description="Rodzina reguluje opłaty za mieszkanie na bieżąco.",
            actions=[
                plans.ActionData(
                    description="Przygotowanie miesięcznego budżetu domowego.",
                    responsible="family_member",
                    deadline=start + dt.timedelta(days=30),
                    status="done" if start + dt.timedelta(days=30) < timezone.localdate() else "planned",
                    expected_effect="Brak nowych zaległości czynszowych.",
                )
            ],
        ),
    ]
    if version_note:
        goals.append(
            plans.GoalData(
                area=areas[2],
                description="Konsultacja psychologiczna dla starszego dziecka.",
                actions=[
                    plans.ActionData(
                        description="Umówienie wizyty w poradni psychologiczno-pedagogicznej.",
                        responsible="institution",
                        responsible_name="Poradnia psychologiczno-pedagogiczna",
                        deadline=timezone.localdate() - dt.timedelta(days=5),
                        expected_effect="Dziecko objęte pomocą psychologiczną.",
                    )
                ],
            )
        )
    plan = plans.save_plan_version(
        case=case,
        by=assistant,
        main_goal="Poprawa opieki nad dziećmi i stabilizacja sytuacji bytowej rodziny.",
        goals=goals,
        social_worker_consulted_on=start + dt.timedelta(days=7),
        revision_reason=version_note,
    )
    # The plan was written some days into the work (a revision months later), not on seeding day.
    written = start + dt.timedelta(days=100 if version_note else 10)
    WorkPlan.objects.filter(pk=plan.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(min(written, timezone.localdate()), dt.time(12)))
    )
    return plan
