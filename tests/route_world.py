"""One fixture world for the route × role matrix (test_route_matrix.py): two social workers and two
assistants, each pair with a family, its case and one object of every kind, referrals in every
state, and the files behind every download.

Family "Alfowscy" belongs to `paulina` (social worker) and `anna` (assistant); family "Betowscy"
to `piotr` and `andrzej`, the outsiders of the matrix. The names and the PESEL of the Alfowscy are
the markers the matrix looks for in every page an outsider is shown.
"""

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from asystent.models import User
from cases.enums import CaseStatus, ClosureProposalStatus, ClosureReason, LegalBasis, Relation, Sex
from cases.models import ClosureProposal, DestructionProtocol
from cases.services import remove_member
from courts.enums import OpinionStatus
from courts.models import CourtNotice, CourtOpinion, NonCooperation, OpinionVersion
from documents.enums import DocumentKind, DocumentStatus
from documents.models import RenderedDocument
from notifications.models import Notification
from referrals.enums import ReferralStatus
from staff.models import Employment
from visits.services import remove_visit

from .factories import (
    AssessmentFactory,
    CaseFactory,
    CommunityInterviewFactory,
    ConsentFactory,
    CourtOrderFactory,
    CourtRequestFactory,
    FamilyFactory,
    FamilyMemberFactory,
    GoalFactory,
    InterventionFactory,
    PlanActionFactory,
    ReferralFactory,
    UserFactory,
    VisitFactory,
    WorkPlanFactory,
)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Every referral state but "assigned" (the one that opened the case) has its own referral.
OTHER_REFERRAL_STATES = [s for s in ReferralStatus if s != ReferralStatus.ASSIGNED]


@dataclass
class FamilyWorld:
    """A family with its case and one object of each kind."""

    family: object
    adult: object
    child: object
    case: object
    interview: object
    court_order: object
    referral: object  # assigned: it opened the case
    referrals: dict = field(default_factory=dict)  # status -> referral
    consent: object = None
    visit: object = None
    draft_visit: object = None
    intervention: object = None
    plan: object = None
    assessment: object = None  # submitted, awaiting the manager
    draft_assessment: object = None
    court_request: object = None
    closure_proposal: object = None
    opinion: object = None
    opinion_version: object = None
    court_notice: object = None  # a notice to the court, not yet sent
    document: object = None
    notification: object = None
    removed_visit: object = None
    removed_member: object = None


def users() -> SimpleNamespace:
    return SimpleNamespace(
        social_worker=UserFactory(username="paulina", social_worker=True),
        other_social_worker=UserFactory(username="piotr", social_worker=True),
        assistant=UserFactory(username="anna", assistant=True),
        other_assistant=UserFactory(username="andrzej", assistant=True),
        manager=UserFactory(username="kasia", manager=True),
        administrator=UserFactory(username="adam", administrator=True),
    )


def family_world(
    name: str, member_name: str, social_worker: User, assistant: User, manager: User
) -> FamilyWorld:
    today = timezone.localdate()
    family = FamilyFactory(name=name, registered_by=social_worker)
    adult = FamilyMemberFactory(
        family=family,
        first_name="Halina",
        last_name=member_name,
        sex=Sex.FEMALE,
        birth_date=dt.date(1985, 3, 9),
    )
    child = FamilyMemberFactory(
        family=family,
        first_name="Kacper",
        last_name=member_name,
        relation=Relation.CHILD,
        sex=Sex.MALE,
        birth_date=dt.date(2014, 6, 1),
    )
    interview = CommunityInterviewFactory(family=family, social_worker=social_worker)
    court_order = CourtOrderFactory(family=family, registered_by=social_worker)
    court_order.scan.save("postanowienie.png", ContentFile(PNG))
    case = CaseFactory(
        family=family,
        assistant=assistant,
        social_worker=social_worker,
        legal_basis=LegalBasis.COURT_ORDER,
        status=CaseStatus.ACTIVE,
    )
    referral = ReferralFactory(
        family=family,
        social_worker=social_worker,
        interview=None,
        court_order=court_order,
        legal_basis=LegalBasis.COURT_ORDER,
        status=ReferralStatus.ASSIGNED,
        submitted_at=timezone.now() - dt.timedelta(days=61),
        decided_at=timezone.now() - dt.timedelta(days=60),
        decided_by=manager,
        case=case,
    )
    world = FamilyWorld(
        family=family,
        adult=adult,
        child=child,
        case=case,
        interview=interview,
        court_order=court_order,
        referral=referral,
    )
    for status in OTHER_REFERRAL_STATES:
        submitted = status != ReferralStatus.DRAFT
        world.referrals[status] = ReferralFactory(
            family=family,
            social_worker=social_worker,
            interview=interview,
            status=status,
            submitted_at=timezone.now() - dt.timedelta(days=3) if submitted else None,
        )
    world.consent = ConsentFactory(case=case, recorded_by=assistant)
    world.consent.signed_by.set([adult])
    world.consent.scan.save("zgoda.png", ContentFile(PNG))
    world.visit = VisitFactory(case=case, date=today - dt.timedelta(days=2), author=assistant)
    world.visit.participants.set([adult, child])
    world.draft_visit = VisitFactory(
        case=case, draft=True, date=today - dt.timedelta(days=1), author=assistant
    )
    world.intervention = InterventionFactory(case=case, author=assistant)
    world.plan = WorkPlanFactory(case=case, created_by=assistant)
    PlanActionFactory(goal=GoalFactory(plan=world.plan))
    world.assessment = AssessmentFactory(case=case, submitted=True, author=assistant)
    world.draft_assessment = AssessmentFactory(case=case, author=assistant)
    world.court_request = CourtRequestFactory(case=case, registered_by=assistant)
    # A closure proposal the manager returned (a pending one would lead the closure form to it).
    world.closure_proposal = ClosureProposal.objects.create(
        case=case,
        closing_on=today - dt.timedelta(days=1),
        reason=ClosureReason.OTHER,
        summary="Podsumowanie pracy z rodziną.",
        proposed_by=assistant,
        status=ClosureProposalStatus.RETURNED,
        decision_comment="Wniosek sądu czeka na opinię.",
    )
    world.court_request.scan.save("pismo.png", ContentFile(PNG))
    world.opinion = CourtOpinion.objects.create(request=world.court_request, created_by=assistant)
    world.opinion_version = OpinionVersion.objects.create(
        opinion=world.opinion,
        number=1,
        author=assistant,
        status=OpinionStatus.DRAFT,
        composition=f"Rodzina {name}.",
        conclusions="Wnioski.",
    )
    world.court_notice = CourtNotice.objects.create(
        case=case, court_order=court_order, due_date=today + dt.timedelta(days=5), prepared_by=manager
    )
    NonCooperation.objects.create(
        case=case,
        date=today - dt.timedelta(days=1),
        description="Rodzina nie otworzyła drzwi.",
        notice=world.court_notice,
        recorded_by=assistant,
    )
    # Records removed as added by mistake: only a manager's restore reaches them.
    world.removed_visit = VisitFactory(case=case, date=today - dt.timedelta(days=3), author=assistant)
    remove_visit(visit=world.removed_visit, by=assistant, reason="Wpis w złej rodzinie.")
    world.removed_member = FamilyMemberFactory(family=family, first_name="Omyłkowa", last_name=member_name)
    remove_member(member=world.removed_member, by=assistant, reason="Dopisana przez pomyłkę.")
    document = RenderedDocument(
        kind=DocumentKind.WORK_PLAN,
        object_id=case.pk,
        version=world.plan.version,
        case=case,
        family=case.family,
        status=DocumentStatus.READY,
        sha256="0" * 64,
        size=len(PDF),
        requested_by=assistant,
        rendered_at=timezone.now(),
    )
    document.file.save(document.storage_name, ContentFile(PDF), save=False)
    document.save()
    world.document = document
    world.notification = Notification.objects.create(
        recipient=assistant,
        rule="intervention",
        key=f"route-matrix:{family.pk}",
        message="Przypomnienie",
        url=case.get_absolute_url(),
        family_id=family.pk,
    )
    return world


def build() -> SimpleNamespace:
    people = users()
    alpha = family_world("Alfowscy", "Alfowska", people.social_worker, people.assistant, people.manager)
    beta = family_world(
        "Betowscy", "Betowska", people.other_social_worker, people.other_assistant, people.manager
    )
    protocol = DestructionProtocol.objects.create(
        number="PZ/2026/1", prepared_by=people.manager, retention_years=10, case_ids=[], family_ids=[]
    )
    # A device of someone outside the matrix: the administrator's own would ask them for a code.
    totp_device = TOTPDevice.objects.create(user=UserFactory(username="totp-owner"), name="telefon")
    employment = Employment.objects.create(
        assistant=people.assistant, form="employment", working_time=1, started_on=dt.date(2024, 1, 1)
    )
    timesheet, mileage_log, trip = _monthly_records(people, alpha)
    return SimpleNamespace(
        users=people,
        a=alpha,
        b=beta,
        protocol=protocol,
        totp_device=totp_device,
        employment=employment,
        timesheet=timesheet,
        mileage_log=mileage_log,
        trip=trip,
    )


def _monthly_records(people: SimpleNamespace, alpha: Any) -> tuple:
    """anna's time sheet and mileage log of November 2025, with one trip to the Alfowscy's case."""
    from decimal import Decimal

    from timesheets import services as timesheet_services
    from timesheets.models import Trip

    timesheet = timesheet_services.open_timesheet(assistant=people.assistant, year=2025, month=11)
    log = timesheet_services.open_mileage_log(assistant=people.assistant, year=2025, month=11)
    trip = Trip.objects.create(
        log=log,
        date=dt.date(2025, 11, 3),
        origin="Biuro",
        destination="Wizyta",
        case_id=alpha.case.pk,
        km=Decimal(7),
    )
    return timesheet, log, trip


def za_zyciem_case(world: SimpleNamespace):  # noqa: ANN201
    """A "Za życiem" case of the Alfowscy with the request it was opened on (anna's)."""
    from referrals.enums import ZaZyciemEligibility
    from referrals.models import ZaZyciemRequest

    family = world.a.family
    case = CaseFactory(family=family, assistant=world.users.assistant, legal_basis=LegalBasis.ZA_ZYCIEM)
    referral = ReferralFactory(
        family=family,
        social_worker=world.users.social_worker,
        legal_basis=LegalBasis.ZA_ZYCIEM,
        status=ReferralStatus.ASSIGNED,
        case=case,
    )
    ZaZyciemRequest.objects.create(
        family=family,
        referral=referral,
        requested_on=timezone.localdate(),
        requested_by="Alfowska",
        eligibility=ZaZyciemEligibility.PREGNANCY,
        recorded_by=world.users.social_worker,
    )
    return case


def catalogue_handover(world: SimpleNamespace):  # noqa: ANN201
    from referrals.models import CatalogueHandover

    return CatalogueHandover.objects.create(
        case=za_zyciem_case(world),
        handed_on=timezone.localdate(),
        handed_by=world.users.assistant,
        entries=[{"title": "Poradnia", "description": "Opis", "institution": "PCPR", "contact": "tel. 1"}],
    )


def family_report(world: SimpleNamespace):  # noqa: ANN201
    from referrals.enums import ReportChannel, ReporterKind
    from referrals.models import FamilyReport

    return FamilyReport.objects.create(
        family=world.a.family,
        reporter_kind=ReporterKind.INSTITUTION,
        reporter_name="Szkoła nr 2",
        channel=ReportChannel.LETTER,
        learned_on=timezone.localdate(),
        social_worker=world.users.social_worker,
        recorded_by=world.users.social_worker,
    )


def blue_card(world: SimpleNamespace):  # noqa: ANN201
    """A "Niebieska Karta" procedure of the Alfowscy, started by anna (their assistant); paulina,
    their social worker, is not in its group. With a meeting, a task given to anna and the scan of
    the NK-A form."""
    from cooperation.models import Meeting, Procedure, Task
    from cooperation.services import give_task, record_meeting, start_procedure

    today = timezone.localdate()
    procedure = start_procedure(
        procedure=Procedure(started_on=today - dt.timedelta(days=10), started_by_body="Policja"),
        family=world.a.family,
        by=world.users.assistant,
    )
    meeting = record_meeting(
        meeting=Meeting(date=today - dt.timedelta(days=3), participants="Grupa", decisions="Ustalenia."),
        procedure=procedure,
        by=world.users.assistant,
    )
    task = give_task(
        task=Task(assignee=world.users.assistant, description="Wizyta", due_on=today + dt.timedelta(days=2)),
        meeting=meeting,
        by=world.users.assistant,
    )
    from cooperation.models import CardForm

    card_form = CardForm(
        procedure=procedure, kind="A", date=procedure.started_on, recorded_by=world.users.assistant
    )
    card_form.scan.save("nk-a.png", ContentFile(PNG), save=False)
    card_form.save()
    return SimpleNamespace(procedure=procedure, meeting=meeting, task=task, card_form=card_form)


def letter(world: SimpleNamespace):  # noqa: ANN201
    """A letter of the Alfowscy from a school, with its scan, awaiting a reply."""
    from cooperation.models import Letter

    letter = Letter(
        family=world.a.family,
        direction="received",
        date=timezone.localdate(),
        counterpart="Szkoła nr 2",
        subject="Prośba o informację",
        reply_by=timezone.localdate() + dt.timedelta(days=7),
        recorded_by=world.users.social_worker,
    )
    letter.scan.save("pismo.png", ContentFile(PNG), save=False)
    letter.save()
    return letter


def institution(world: SimpleNamespace):  # noqa: ANN201
    from cooperation.models import Institution

    return Institution.objects.create(kind="school", name="Szkoła Podstawowa nr 2")
