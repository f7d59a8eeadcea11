"""Erasure reaches every app and every file: after a destruction protocol nothing in any table
(history included) or under MEDIA_ROOT names the family, while the statistics stay the same; one
family's failure never blocks the others."""

import datetime as dt
import os
import subprocess

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cases import retention
from cases.enums import CaseStatus, ClosureProposalStatus, LegalBasis
from cases.models import Case, ClosureProposal, DestructionProtocol, Family, FamilyMember
from cooperation import services as cooperation_services
from cooperation.models import CardForm, GroupMember, Letter, Meeting, Procedure, Task
from courts import services as court_services
from courts.models import CourtNotice, NonCooperation
from documents import services as document_services
from documents.enums import DocumentKind, DocumentStatus, Owner
from documents.file_documents import period_version
from documents.kinds import KINDS, month_version
from documents.models import RenderedDocument
from notifications.models import Notification
from notifications.services import notify
from referrals.enums import ReferralStatus, ZaZyciemEligibility
from referrals.models import CatalogueHandover, FamilyReport, ZaZyciemRequest
from reports.statistics import Period
from visits.models import Visit

from .factories import (
    AssessmentFactory,
    AssessmentRatingFactory,
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
    VisitFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

BUILT = dt.datetime(2024, 3, 15, 12, 0, tzinfo=dt.UTC)
ENDED = dt.date(2024, 5, 1)
ERASED_ON = dt.datetime(2036, 6, 1, 12, 0, tzinfo=dt.UTC)
# Every free text of the family carries this word, so one search finds any that is left.
SECRET = "Tajemnicaxyz"
NAMES = ("Zawadziakowie", "Bożydara", "Zawadziakowa", "Ksenofont")


def _scan(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + f"{SECRET} {NAMES[0]}".encode() + b"\n%%EOF\n")


def _build_family(assistant, manager, django_capture_on_commit_callbacks):
    """A family with one of every kind of record, each naming it."""
    family = FamilyFactory(name=NAMES[0], street=f"ul. {SECRET} 5", phone="600100200")
    mother = FamilyMemberFactory(
        family=family, first_name=NAMES[1], last_name=NAMES[2], foster_coordinator=f"{SECRET} koordynator"
    )
    child = FamilyMemberFactory(family=family, child=True, first_name=NAMES[3], last_name=NAMES[2])
    # A change of details leaves an older version in the history.
    mother.first_name = NAMES[1]
    mother.save()
    interview = CommunityInterviewFactory(family=family, summary=f"{SECRET} wywiad")
    referral = ReferralFactory(
        family=family, interview=interview, justification=f"{SECRET} uzasadnienie", submitted=True
    )
    court_order = CourtOrderFactory(family=family, case_number=f"III Nsm {SECRET}", scan=_scan("order.pdf"))
    case = CaseFactory(
        family=family,
        assistant=assistant,
        court_ordered=True,
        opened_on=dt.date(2023, 3, 1),
        started_on=dt.date(2023, 3, 1),
    )
    ConsentFactory(case=case, scope=f"{SECRET} zakres", scan=_scan("consent.pdf"), date=dt.date(2023, 3, 2))
    VisitFactory(
        case=case,
        place="other",
        place_description=f"{SECRET} kawiarnia",
        topics=f"{SECRET} rozmowa z {NAMES[1]}",
        child_safety_notes=f"{SECRET} bezpieczeństwo",
    )
    InterventionFactory(case=case, description=f"{SECRET} interwencja", reference_numbers=f"RSD {SECRET}")
    plan = WorkPlanFactory(case=case, main_goal=f"{SECRET} cel", foster_coordinator_name=f"{SECRET} k")
    PlanActionFactory(
        goal=GoalFactory(plan=plan, description=f"{SECRET} cel szczegółowy"),
        description=f"{SECRET} działanie",
        responsible_name=f"{SECRET} osoba",
        expected_effect=f"{SECRET} efekt",
    )
    assessment = AssessmentFactory(case=case, narrative=f"{SECRET} ocena", submitted=True)
    AssessmentRatingFactory(assessment=assessment, comment=f"{SECRET} komentarz")
    proposal = ClosureProposal.objects.create(
        case=case,
        closing_on=dt.date(2024, 3, 10),
        reason="goals_achieved",
        summary=f"{SECRET} podsumowanie",
        proposed_by=assistant,
        status=ClosureProposalStatus.APPROVED,
        decided_by=manager,
    )
    court_request = CourtRequestFactory(
        case=case,
        court=f"Sąd {SECRET}",
        case_number=f"III Nsm {SECRET}/24",
        request_text=f"{SECRET} pytanie sądu o rodzinę {NAMES[0]}",
        scan=_scan("court.pdf"),
    )
    opinion = court_services.draft_opinion(request=court_request, by=assistant)
    sections = {name: f"{SECRET} {NAMES[1]} {name}" for name in ("composition", "attitude", "conclusions")}
    sections |= {
        name: f"{SECRET} {name}"
        for name in ("period_and_basis", "contacts", "goals_progress", "care_per_child")
    }
    version = court_services.save_opinion(opinion=opinion, by=assistant, sections=sections)
    version = court_services.save_opinion(
        opinion=opinion, by=assistant, sections=sections | {"health": f"{SECRET} zdrowie"}
    )
    court_services.submit_opinion(version=version, by=assistant)
    with django_capture_on_commit_callbacks(execute=True):
        court_services.approve_opinion(version=version, by=manager)
        # The corrected text is the next version.
        court_services.save_opinion(opinion=opinion, by=assistant, sections=sections | {"health": SECRET})
        for kind, version_number in (
            (DocumentKind.WORK_PLAN, plan.version),
            (DocumentKind.MONTHLY_VISITS, month_version(2024, 3)),
            (DocumentKind.ASSIGNMENT_LETTER, 1),
        ):
            document_services.request_document(kind=kind, obj=case, version=version_number, by=assistant)
        # The mother's copy of her data belongs to the family, not to the case.
        document_services.request_document(
            kind=DocumentKind.SUBJECT_ACCESS, obj=mother, version=20240315, by=manager
        )
        # A court-ordered family that does not cooperate: the facts and the notice to the court.
        notice = CourtNotice.objects.create(
            case=case, court_order=court_order, due_date=dt.date(2023, 4, 1), prepared_by=manager
        )
        NonCooperation.objects.create(
            case=case,
            date=dt.date(2023, 3, 20),
            description=f"{SECRET} rodzina nie otworzyła drzwi",
            notice=notice,
            recorded_by=assistant,
        )
        document_services.request_document(kind=DocumentKind.COURT_NOTICE, obj=notice, version=1, by=manager)
        # Who reported the family, and the catalogue handed over: their documents too.
        report = FamilyReport.objects.create(
            family=family,
            reporter_kind="person",
            reporter_name=f"{SECRET} sąsiad",
            reporter_address=f"ul. {SECRET} 7",
            channel="phone",
            learned_on=dt.date(2023, 2, 20),
            social_worker=family.registered_by,
            recorded_by=family.registered_by,
        )
        handover = CatalogueHandover.objects.create(
            case=case, handed_on=dt.date(2023, 3, 3), handed_by=assistant, entries=[]
        )
        document_services.request_document(
            kind=DocumentKind.REPORT_ANSWER, obj=report, version=1, by=assistant
        )
        document_services.request_document(
            kind=DocumentKind.SUPPORT_CATALOGUE, obj=handover, version=1, by=assistant
        )
        # The "Za życiem" authorisation for signing, printed from the request the case came from.
        za_request = ZaZyciemRequest.objects.create(
            family=family,
            referral=ReferralFactory(
                family=family, legal_basis=LegalBasis.ZA_ZYCIEM, status=ReferralStatus.ASSIGNED, case=case
            ),
            requested_on=dt.date(2023, 2, 25),
            requested_by="matka",
            eligibility=ZaZyciemEligibility.PREGNANCY,
            recorded_by=family.registered_by,
        )
        document_services.request_document(
            kind=DocumentKind.ZA_ZYCIEM_AUTHORISATION, obj=za_request, version=1, by=assistant
        )
        # The documents of the file (issue 17), and the assistant's monthly report naming the family.
        for kind, obj, version_number, by in (
            (DocumentKind.CONSENT_FORM, case, 1, assistant),
            (DocumentKind.ASSESSMENT, assessment, assessment.version, assistant),
            (DocumentKind.WORK_CARD, case, period_version(dt.date(2024, 3, 1), BUILT.date()), assistant),
            (DocumentKind.CLOSURE_REPORT, proposal, 1, assistant),
            (DocumentKind.REFERRAL, referral, 1, manager),
            (DocumentKind.MONTHLY_REPORT, assistant, month_version(2024, 3), assistant),
        ):
            document_services.request_document(kind=kind, obj=obj, version=version_number, by=by)
        Case.objects.filter(pk=case.pk).update(closed_on=dt.date(2024, 3, 10))
        case.refresh_from_db()
        document_services.request_document(
            kind=DocumentKind.MONITORING_NOTE, obj=case, version=1, by=assistant
        )
        _assistants_month(case, assistant, manager)
        # The centre's reports count the family but name no family: they stay after the erasure.
        document_services.request_document(
            kind=DocumentKind.SEMIANNUAL_REPORT, obj=Period(2023, "H1"), version=0, by=manager
        )
        document_services.request_document(kind=DocumentKind.ANNUAL_REPORT, obj=2023, version=0, by=manager)
    # The "Niebieska Karta" procedure with its group, meeting and task, and a letter with its scan.
    procedure = cooperation_services.start_procedure(
        procedure=Procedure(
            started_on=dt.date(2023, 3, 5), started_by_body=f"Policja {SECRET}", reference=f"NK {SECRET}"
        ),
        family=family,
        by=assistant,
    )
    GroupMember.objects.create(procedure=procedure, name=f"{SECRET} dzielnicowy", role=SECRET)
    meeting = Meeting.objects.create(
        procedure=procedure,
        date=dt.date(2023, 3, 8),
        participants=f"{SECRET} {NAMES[1]}",
        decisions=f"{SECRET} ustalenia",
        recorded_by=assistant,
    )
    Task.objects.create(meeting=meeting, assignee=assistant, description=SECRET, due_on=dt.date(2023, 3, 20))
    CardForm.objects.create(
        procedure=procedure,
        kind="C",
        date=dt.date(2023, 3, 8),
        note=SECRET,
        scan=_scan("nk-c.pdf"),
        recorded_by=assistant,
    )
    Letter.objects.create(
        family=family,
        direction="received",
        date=dt.date(2023, 3, 9),
        counterpart=f"Szkoła {SECRET}",
        subject=f"Pismo o rodzinie {NAMES[0]}",
        notes=SECRET,
        scan=_scan("letter.pdf"),
        recorded_by=assistant,
    )
    # The manager reads a daily digest: the e-mail waits in the outbox.
    manager.email_notifications = "digest"
    manager.save()
    notify(
        [assistant, manager],
        rule="test",
        key=f"family-{family.pk}",
        message=f"Rodzina {NAMES[0]}: {SECRET}",
        family_id=family.pk,
    )
    return family, case, [mother.pesel, child.pesel]


def _assistants_month(case, assistant, manager):
    """The assistant's approved time sheet and mileage log of March 2023, printed; a trip's
    destination is the family's street."""
    from decimal import Decimal

    from timesheets import services as timesheet_services
    from timesheets.models import Trip

    sheet = timesheet_services.open_timesheet(assistant=assistant, year=2023, month=3)
    timesheet_services.save_days(
        timesheet=sheet, by=assistant, hours={dt.date(2023, 3, 6): {"travel": Decimal(1)}}
    )
    log = timesheet_services.open_mileage_log(assistant=assistant, year=2023, month=3)
    Trip.objects.create(
        log=log,
        date=dt.date(2023, 3, 6),
        origin="Biuro",
        destination=f"ul. {SECRET} 5",
        case=case,
        km=Decimal(4),
    )
    timesheet_services.set_allowance(
        assistant=assistant,
        by=manager,
        vehicle="car_large",
        rate_per_km=Decimal("1.15"),
        monthly_limit_km=300,
    )
    timesheet_services.submit_timesheet(timesheet=sheet, by=assistant)
    timesheet_services.submit_mileage_log(log=log, by=assistant)
    for record, kind in ((sheet, DocumentKind.TIMESHEET), (log, DocumentKind.MILEAGE_LOG)):
        timesheet_services.approve(record=record, by=manager)
        document_services.request_document(kind=kind, obj=record, version=1, by=assistant)


# The assistant's own documents: about no family (the mileage log's trips are erased on their own).
STAFF_KINDS = {DocumentKind.TIMESHEET, DocumentKind.MILEAGE_LOG}


def _text_columns(model):
    return [
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.FileField | models.JSONField)
    ]


def _rows_naming(needles: list[str]) -> list[str]:
    """Every (table, column) of every installed model, historical ones and m2m tables included,
    holding one of the needles."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for column in _text_columns(model):
            for needle in needles:
                if model._default_manager.filter(**{f"{column}__icontains": needle}).exists():
                    found.append(f"{model._meta.db_table}.{column}: {needle}")
    return found


def _files_naming(needles: list[str]) -> list[str]:
    found = []
    for folder, _dirs, files in os.walk(settings.MEDIA_ROOT):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                data = handle.read()
            text = data.decode("utf-8", "replace")
            if data.startswith(b"%PDF"):
                text += subprocess.run(["pdftotext", path, "-"], capture_output=True).stdout.decode(
                    "utf-8", "replace"
                )
            found += [f"{path}: {needle}" for needle in needles if needle.lower() in (name + text).lower()]
    return found


def _figures(periods):
    from reports.statistics import semiannual_report

    return {p.key: {f.key: f.value for f in semiannual_report(p)} for p in periods}


def test_a_protocol_leaves_nothing_that_names_the_family_and_the_statistics_stay(
    client, assistant, manager, django_capture_on_commit_callbacks
):
    with time_machine.travel(BUILT, tick=False):
        family, case, pesels = _build_family(assistant, manager, django_capture_on_commit_callbacks)
    documents = list(
        RenderedDocument.objects.filter(Q(family=family) | Q(mentioned_families=family)).distinct()
    )
    centre_kinds = {kind for kind, spec in KINDS.items() if spec.owner == Owner.CENTRE}
    assert centre_kinds == {DocumentKind.SEMIANNUAL_REPORT, DocumentKind.ANNUAL_REPORT}
    assert {d.kind for d in documents} == set(DocumentKind.values) - centre_kinds - STAFF_KINDS
    staff_documents = list(RenderedDocument.objects.filter(kind__in=STAFF_KINDS))
    assert {d.kind for d in staff_documents} == STAFF_KINDS
    reports = list(RenderedDocument.objects.filter(kind__in=centre_kinds))
    assert {d.kind for d in reports} == centre_kinds
    assert all(d.status == DocumentStatus.READY for d in documents + staff_documents + reports)
    assert Notification.objects.filter(family_id=family.pk, emailed_at__isnull=True).exists()
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.ENDED, closed_on=ENDED, ended_on=ENDED, closure_reason="goals_achieved"
    )
    needles = [SECRET, *NAMES, *pesels]
    # The world is as described: every kind of record names the family before the erasure.
    before_rows = _rows_naming(needles)
    for table in (
        "courts_courtrequest",
        "courts_historicalcourtrequest",
        "courts_opinionversion",
        "courts_historicalopinionversion",
        "notifications_notification",
        "visits_visit",
        "cases_historicalfamilymember",
        "cooperation_procedure",
        "cooperation_meeting",
        "cooperation_letter",
        "cooperation_groupmember",
        "cooperation_task",
        "cooperation_cardform",
    ):
        assert any(row.startswith(f"{table}.") for row in before_rows), table
    assert _files_naming(needles)

    periods = [Period(year, part) for year in (2023, 2024) for part in ("H1", "H2", "Y")]
    with time_machine.travel(ERASED_ON, tick=False):
        before = _figures(periods)
        client.force_login(manager)
        client.post(reverse("cases:retention-prepare"))
        protocol = DestructionProtocol.objects.get()
        assert protocol.family_ids == [family.pk]
        response = client.post(protocol.get_absolute_url(), {"confirm": "yes"})
        assert response.status_code == 302
        protocol.refresh_from_db()
        assert protocol.executed_at is not None and protocol.failures == []
        assert Family.objects.get(pk=family.pk).anonymised_at is not None
        assert _rows_naming(needles) == []
        assert _files_naming(needles) == []
        for document in documents:
            download = client.get(reverse("documents:download", args=[document.pk]))
            assert download.status_code == 404
        for document in reports:
            assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200
        assert _figures(periods) == before
        assert any(value for figures in before.values() for value in figures.values())
    assert FamilyMember.objects.filter(family=family).count() == 2


@pytest.fixture
def an_app_failing_for(request):
    """An app whose eraser breaks a database rule for one family (as the visit log's did for a
    meeting at another place): the family ids it fails for."""
    failing: list[int] = []

    def erase(family_ids):
        Visit.all_objects.filter(case__family_id__in=set(family_ids) & set(failing)).update(
            place_description=""
        )

    retention.register_anonymiser(erase, order=1000)
    yield failing
    retention._anonymisers.pop(erase)


@time_machine.travel(ERASED_ON, tick=False)
def test_a_visit_at_another_place_is_erased_and_a_failing_family_blocks_no_other(
    client, manager, an_app_failing_for
):
    def ended_case():
        return CaseFactory(
            status=CaseStatus.ENDED,
            closed_on=ENDED,
            ended_on=ENDED,
            closure_reason="goals_achieved",
            opened_on=dt.date(2023, 1, 10),
            started_on=dt.date(2023, 1, 10),
        )

    elsewhere = ended_case()
    VisitFactory(
        case=elsewhere, date=dt.date(2023, 2, 1), place="other", place_description="Kawiarnia Pod Lipą"
    )
    failing = ended_case()
    FamilyMemberFactory(family=failing.family, last_name="Niezniszczalni")
    VisitFactory(case=failing, date=dt.date(2023, 2, 1), place="other", place_description="Park")
    an_app_failing_for.append(failing.family_id)
    client.force_login(manager)
    client.post(reverse("cases:retention-prepare"))
    protocol = DestructionProtocol.objects.get()
    assert sorted(protocol.family_ids) == sorted([elsewhere.family_id, failing.family_id])

    response = client.post(protocol.get_absolute_url(), {"confirm": "yes"})
    assert response.status_code == 302
    protocol.refresh_from_db()
    assert protocol.executed_at is not None
    assert Family.objects.get(pk=elsewhere.family_id).anonymised_at is not None
    visit = elsewhere.visits.get()
    assert "Lipą" not in visit.place_description and visit.place_description
    # The failing family keeps all its data, in every app, for a person to check.
    assert Family.objects.get(pk=failing.family_id).anonymised_at is None
    assert FamilyMember.objects.filter(last_name="Niezniszczalni").exists()
    assert failing.visits.get().place_description == "Park"
    assert [failure["family_id"] for failure in protocol.failures] == [failing.family_id]
    assert "visit_other_place_described" in protocol.failures[0]["error"]
    assert "Park" not in str(protocol.failures)
    page = client.get(protocol.get_absolute_url())
    assert page.status_code == 200
    assert "visit_other_place_described" in page.content.decode()
    # The family that failed is on the next protocol; the erased one is not.
    assert list(retention.families_past_retention().values_list("pk", flat=True)) == [failing.family_id]
