"""Demo data of cooperation: the register of institutions, correspondence of asystent1's first
family (a letter awaiting a reply, one sent) and, for another of their families, an open
"Niebieska Karta" procedure with its group (asystent1 and pracownik1), a meeting, a task for
asystent1 due this week and the forms prepared so far; two institutions on a visit.
Idempotent: nothing is added once institutions exist."""

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from asystent.models import User
from cases.enums import CaseStatus
from cases.models import Case
from visits.models import Visit

from . import services
from .enums import CardFormKind, InstitutionKind, LetterDirection, MeetingKind
from .models import CardForm, GroupMember, Institution, Letter, Meeting, Procedure, Task, VisitInstitution

INSTITUTIONS = [
    (
        InstitutionKind.SCHOOL,
        "Szkoła Podstawowa nr 3 w Zielonej Dolinie",
        "ul. Szkolna 3",
        "Anna Pedagog",
        "48 555 10 20",
    ),
    (
        InstitutionKind.POLICE,
        "Komisariat Policji w Zielonej Dolinie",
        "ul. Bezpieczna 1",
        "asp. Jan Dzielnicowy",
        "47 555 30 40",
    ),
    (
        InstitutionKind.CURATOR,
        "Zespół Kuratorskiej Służby Sądowej",
        "ul. Sądowa 5",
        "Ewa Kurator",
        "48 555 50 60",
    ),
    (InstitutionKind.PCPR, "Powiatowe Centrum Pomocy Rodzinie", "ul. Powiatowa 10", "", "48 555 70 80"),
    (InstitutionKind.HEALTH, "Przychodnia Rodzinna „Zdrowie”", "ul. Lekarska 2", "", "48 555 90 00"),
    (
        InstitutionKind.TEAM,
        "Zespół Interdyscyplinarny w Zielonej Dolinie",
        "ul. Główna 1",
        "Przewodnicząca zespołu",
        "",
    ),
]


def seed(say: Callable[[str], None]) -> None:
    if Institution.objects.exists():
        say(_("Demo institutions already exist."))
        return
    institutions = {
        kind: Institution.objects.create(
            kind=kind, name=name, address=address, contact_person=person, phone=phone
        )
        for kind, name, address, person, phone in INSTITUTIONS
    }
    assistant = User.objects.filter(username="asystent1").first()
    social_worker = User.objects.filter(username="pracownik1").first()
    if assistant is None or social_worker is None:
        return
    cases = list(
        Case.objects.filter(assistant=assistant, status=CaseStatus.ACTIVE)
        .select_related("family")
        .order_by("pk")[:2]
    )
    if not cases:
        return
    today = timezone.localdate()
    family = cases[0].family
    Letter.objects.create(
        family=family,
        direction=LetterDirection.RECEIVED,
        date=today - dt.timedelta(days=6),
        institution=institutions[InstitutionKind.SCHOOL],
        subject="Prośba o informację o współpracy rodziny z asystentem",
        reply_by=today + dt.timedelta(days=2),
        recorded_by=assistant,
    )
    Letter.objects.create(
        family=family,
        direction=LetterDirection.SENT,
        date=today - dt.timedelta(days=20),
        institution=institutions[InstitutionKind.PCPR],
        subject="Informacja o terminach konsultacji psychologicznych",
        recorded_by=assistant,
    )
    blue_family = cases[-1].family
    procedure = services.start_procedure(
        procedure=Procedure(
            started_on=today - dt.timedelta(days=14),
            started_by_body="Komisariat Policji w Zielonej Dolinie",
            reference="NK/12/2026",
            team_received_on=today - dt.timedelta(days=12),
            group_formed_on=today - dt.timedelta(days=10),
        ),
        family=blue_family,
        by=assistant,
    )
    GroupMember.objects.get_or_create(procedure=procedure, user=social_worker)
    GroupMember.objects.create(
        procedure=procedure,
        institution=institutions[InstitutionKind.POLICE],
        name="asp. Jan Dzielnicowy",
        role="dzielnicowy",
    )
    meeting = Meeting.objects.create(
        procedure=procedure,
        kind=MeetingKind.GROUP,
        date=today - dt.timedelta(days=7),
        participants="Asystent rodziny, pracownik socjalny, dzielnicowy",
        decisions="Opracowano plan pomocy; asystent odwiedzi rodzinę i przekaże informację o poradni.",
        next_meeting=today + dt.timedelta(days=14),
        recorded_by=assistant,
    )
    Task.objects.create(
        meeting=meeting,
        assignee=assistant,
        description="Przekazać rodzinie informację o poradni specjalistycznej",
        due_on=today + dt.timedelta(days=1),
    )
    for kind, days_ago, note in (
        (CardFormKind.A, 14, "Wypełniony przez dzielnicowego podczas interwencji"),
        (CardFormKind.B, 14, "Przekazany osobie doznającej przemocy"),
        (CardFormKind.C, 7, "Wypełniony na posiedzeniu grupy"),
    ):
        CardForm.objects.create(
            procedure=procedure,
            kind=kind,
            date=today - dt.timedelta(days=days_ago),
            note=note,
            recorded_by=assistant,
        )
    # The school and the district centre took part in the first family's latest visit.
    visit = Visit.objects.filter(case=cases[0]).order_by("-date", "-pk").first()
    if visit is not None:
        for taking_part in (InstitutionKind.SCHOOL, InstitutionKind.PCPR):
            VisitInstitution.objects.create(visit=visit, institution=institutions[taking_part])
    say(_("Demo institutions, correspondence and a Niebieska Karta procedure created."))
