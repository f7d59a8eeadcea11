"""The "Niebieska Karta" procedure: its deadlines counted in working days around weekends and
public holidays, the reminders of the daily sweep, who sees it (and that nobody else finds a
trace of it), the audit of every read, the tasks in the assistant's week, and that neither the
copy of a person's data nor the documents addressed to the family name it."""

import datetime as dt
import json
import subprocess

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from asystent.models import AccessLog
from cooperation import deadlines, services
from cooperation.enums import CardFormKind, LetterDirection, LetterSource, MeetingKind, ProcedureEnd
from cooperation.models import (
    CardForm,
    GroupMember,
    Institution,
    Letter,
    Meeting,
    PlanInstitution,
    Procedure,
    ProcedureTerms,
    Task,
    VisitInstitution,
)
from documents import services as document_services
from documents.enums import DocumentKind, DocumentStatus
from notifications.models import Notification
from notifications.reminders import send_reminders

from . import route_world
from .factories import UserFactory

pytestmark = pytest.mark.django_db

# Every free text of the procedure carries this word, so a search finds any leak.
MARK = "Przemocowiecki"

# --- the deadline rules, with worked dates ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Thursday before Easter 2026: Good Friday counts, Easter Monday (6.04) does not.
        (dt.date(2026, 4, 2), 5, dt.date(2026, 4, 10)),
        # Friday: the weekend is skipped.
        (dt.date(2026, 10, 30), 5, dt.date(2026, 11, 6)),
        (dt.date(2026, 11, 6), 3, dt.date(2026, 11, 12)),  # Independence Day (Wed 11.11) skipped
    ],
)
def test_the_form_reaches_the_team_in_working_days(start, days, due):
    assert deadlines.form_to_team_due(start, days) == due


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (dt.date(2026, 10, 30), 3, dt.date(2026, 11, 4)),  # Friday: Mon, Tue, Wed
        (dt.date(2026, 11, 10), 3, dt.date(2026, 11, 16)),  # 11.11 skipped, then the weekend
        (dt.date(2026, 4, 30), 3, dt.date(2026, 5, 6)),  # 1 May (Fri), the weekend, 3 May (Sun)
    ],
)
def test_the_group_is_formed_in_working_days(received, days, due):
    assert deadlines.group_formed_due(received, days) == due


@pytest.mark.parametrize(
    ("formed", "days", "due"),
    [
        # Christmas Eve (a holiday from 2025), Christmas, New Year's Day and two weekends.
        (dt.date(2026, 12, 23), 5, dt.date(2027, 1, 4)),
        (dt.date(2026, 12, 23), 3, dt.date(2026, 12, 30)),
        (dt.date(2027, 1, 5), 1, dt.date(2027, 1, 7)),  # Epiphany (Wed 6.01) skipped
    ],
)
def test_the_first_meeting_in_working_days(formed, days, due):
    assert deadlines.first_meeting_due(formed, days) == due


def test_a_rule_without_a_number_or_without_its_step_is_not_counted():
    assert deadlines.form_to_team_due(dt.date(2026, 4, 2), None) is None
    assert deadlines.group_formed_due(None, 3) is None
    assert deadlines.first_meeting_due(None, 5) is None


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture
def world():
    built = route_world.build()
    built.users.member = UserFactory(username="marta", social_worker=True)
    return built


def start(world, *, on=dt.date(2026, 4, 2)) -> Procedure:  # noqa: ANN001
    procedure = services.start_procedure(
        procedure=Procedure(started_on=on, started_by_body=f"Policja {MARK}", reference="NK/1/2026"),
        family=world.a.family,
        by=world.users.assistant,
    )
    services.add_member(
        member=GroupMember(user=world.users.member), procedure=procedure, by=world.users.assistant
    )
    return procedure


def set_terms(team=5, group=3, meeting=5) -> None:  # noqa: ANN001
    ProcedureTerms.objects.all().delete()
    ProcedureTerms.objects.create(form_to_team_days=team, group_formed_days=group, first_meeting_days=meeting)


def test_the_assistant_and_the_recorder_are_members_from_the_start(world):
    procedure = start(world)
    assert set(procedure.members.values_list("user__username", flat=True)) == {"anna", "marta"}


def test_the_deadlines_follow_the_steps(world):
    set_terms()
    procedure = start(world)
    [team] = deadlines.procedure_deadlines(procedure, ProcedureTerms.load(), None)
    assert (team.key, team.due, team.is_met) == ("team", dt.date(2026, 4, 10), False)
    procedure.team_received_on = dt.date(2026, 4, 9)
    procedure.group_formed_on = dt.date(2026, 4, 14)
    found = deadlines.procedure_deadlines(procedure, ProcedureTerms.load(), dt.date(2026, 4, 20))
    assert [(d.key, d.due, d.done_on) for d in found] == [
        ("team", dt.date(2026, 4, 10), dt.date(2026, 4, 9)),
        ("group", dt.date(2026, 4, 14), dt.date(2026, 4, 14)),
        ("meeting", dt.date(2026, 4, 21), dt.date(2026, 4, 20)),
    ]


# --- reminders ----------------------------------------------------------------------------------


def recipients(rule: str) -> set[str]:
    return set(Notification.objects.filter(rule=rule).values_list("recipient__username", flat=True))


def test_the_sweep_reminds_the_group_of_a_deadline_and_runs_once_a_day(world):
    set_terms()
    start(world)
    # Due on Friday 10.04; three days before is Tuesday 7.04 (after Easter Monday).
    send_reminders(dt.date(2026, 4, 6))
    assert not Notification.objects.filter(rule="blue_card_deadline").exists()
    send_reminders(dt.date(2026, 4, 7))
    assert recipients("blue_card_deadline") == {"anna", "marta"}
    count = Notification.objects.count()
    send_reminders(dt.date(2026, 4, 7))
    assert Notification.objects.count() == count
    # Overdue: once a day until the team's receipt is recorded.
    send_reminders(dt.date(2026, 4, 13))
    assert Notification.objects.filter(rule="blue_card_deadline", recipient__username="anna").count() == 2


def test_no_reminder_without_the_centres_numbers(world):
    start(world)
    send_reminders(dt.date(2026, 4, 30))
    assert not Notification.objects.filter(rule="blue_card_deadline").exists()


def test_a_task_and_the_next_meeting_are_reminded(world):
    procedure = start(world)
    meeting = services.record_meeting(
        meeting=Meeting(
            kind=MeetingKind.GROUP,
            date=dt.date(2026, 4, 8),
            participants="Asystentka, dzielnicowy",
            decisions=f"Plan pomocy {MARK}",
            next_meeting=dt.date(2026, 4, 22),
        ),
        procedure=procedure,
        by=world.users.assistant,
    )
    services.give_task(
        task=Task(assignee=world.users.assistant, description=f"Wizyta {MARK}", due_on=dt.date(2026, 4, 15)),
        meeting=meeting,
        by=world.users.assistant,
    )
    assert recipients("blue_card_task") == {"anna"}  # told at once
    send_reminders(dt.date(2026, 4, 13))
    assert Notification.objects.filter(rule="blue_card_task").count() == 2
    send_reminders(dt.date(2026, 4, 20))
    assert recipients("blue_card_meeting") == {"anna", "marta"}


def test_a_letter_awaiting_a_reply_is_reminded_until_replied(world):
    letter = services.record_letter(
        letter=Letter(
            direction=LetterDirection.RECEIVED,
            date=dt.date(2026, 4, 1),
            counterpart="Szkoła Podstawowa nr 1",
            subject="Prośba o informację",
            reply_by=dt.date(2026, 4, 14),
        ),
        family=world.a.family,
        by=world.users.social_worker,
    )
    send_reminders(dt.date(2026, 4, 10))
    assert not Notification.objects.filter(rule="letter_reply_due").exists()
    send_reminders(dt.date(2026, 4, 11))
    assert recipients("letter_reply_due") == {"anna", "paulina"}
    services.mark_replied(letter=letter, on=dt.date(2026, 4, 12), by=world.users.social_worker)
    before = Notification.objects.count()
    send_reminders(dt.date(2026, 4, 15))
    assert Notification.objects.count() == before


# --- access ---------------------------------------------------------------------------------------


def procedure_urls(
    procedure: Procedure, meeting: Meeting, task: Task, card_form: CardForm
) -> list[tuple[str, str]]:
    return [
        ("get", reverse("cooperation:card-form-create", args=[procedure.pk])),
        ("get", reverse("cooperation:card-form-scan", args=[card_form.pk])),
        ("get", reverse("cooperation:procedure-detail", args=[procedure.pk])),
        ("get", reverse("cooperation:procedure-edit", args=[procedure.pk])),
        ("get", reverse("cooperation:member-add", args=[procedure.pk])),
        ("get", reverse("cooperation:meeting-create", args=[procedure.pk])),
        ("get", reverse("cooperation:task-create", args=[meeting.pk])),
        ("post", reverse("cooperation:task-done", args=[task.pk])),
        ("get", reverse("cooperation:procedure-end", args=[procedure.pk])),
    ]


@pytest.fixture
def full(world):
    procedure = start(world, on=dt.date(2026, 4, 2))
    meeting = services.record_meeting(
        meeting=Meeting(date=dt.date(2026, 4, 8), participants="Grupa", decisions=f"Ustalenia {MARK}"),
        procedure=procedure,
        by=world.users.assistant,
    )
    task = services.give_task(
        task=Task(assignee=world.users.assistant, description=f"Zadanie {MARK}", due_on=dt.date(2026, 4, 15)),
        meeting=meeting,
        by=world.users.assistant,
    )
    card_form = CardForm(kind=CardFormKind.C, date=dt.date(2026, 4, 8), note=f"Formularz {MARK}")
    card_form.scan.save("nk-c.png", ContentFile(route_world.PNG), save=False)
    card_form = services.record_card_form(card_form=card_form, procedure=procedure, by=world.users.assistant)
    return procedure, meeting, task, card_form


@pytest.mark.parametrize("who", ["other_assistant", "other_social_worker", "social_worker", "administrator"])
def test_outside_the_circle_every_page_answers_404_and_leaves_no_trace(client, world, full, who):
    client.force_login(getattr(world.users, who))
    for method, url in procedure_urls(*full):
        assert getattr(client, method)(url).status_code == 404, (who, url)


def test_the_familys_social_worker_outside_the_group_finds_no_trace_on_the_family_page(client, world):
    client.force_login(world.users.social_worker)
    url = world.a.family.get_absolute_url()
    before = client.get(url).content.decode()
    procedure = start(world)
    after = client.get(url).content.decode()
    assert after.count("Niebieska") == before.count("Niebieska")
    assert reverse("cooperation:procedure-detail", args=[procedure.pk]) not in after
    assert MARK not in after and "NK/1/2026" not in after
    # Her colleague in the group sees it there (when the family is one of hers).
    GroupMember.objects.create(procedure=procedure, user=world.users.social_worker)
    assert reverse("cooperation:procedure-detail", args=[procedure.pk]) in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["assistant", "manager", "member"])
def test_the_circle_sees_the_procedure_and_every_read_is_audited(client, world, full, who):
    procedure = full[0]
    user = getattr(world.users, who)
    client.force_login(user)
    page = client.get(reverse("cooperation:procedure-detail", args=[procedure.pk]))
    assert page.status_code == 200
    assert f"Ustalenia {MARK}" in page.content.decode()
    assert AccessLog.objects.filter(
        user=user, family_id=world.a.family.pk, object_type="procedure", object_id=procedure.pk
    ).exists()


def test_the_family_page_shows_the_procedure_to_its_assistant_and_audits_it(client, world, full):
    client.force_login(world.users.assistant)
    html = client.get(world.a.family.get_absolute_url()).content.decode()
    assert reverse("cooperation:procedure-detail", args=[full[0].pk]) in html
    assert AccessLog.objects.filter(user=world.users.assistant, object_type="procedure").exists()


def test_a_case_handed_to_another_assistant_takes_the_procedure_away(client, world, full):
    world.a.case.assistant = world.users.other_assistant
    world.a.case.save()
    client.force_login(world.users.assistant)
    # Anna stays a member of the group but is no longer the family's assistant.
    assert client.get(reverse("cooperation:procedure-detail", args=[full[0].pk])).status_code == 404


def test_the_task_is_in_the_assistants_week(client, world, full):
    client.force_login(world.users.assistant)
    html = client.get(reverse("visits:my-week") + "?week=2026-W16").content.decode()
    assert f"Zadanie {MARK}" in html
    client.force_login(world.users.other_assistant)
    html = client.get(reverse("visits:my-week") + "?week=2026-W16").content.decode()
    assert MARK not in html


def test_the_end_of_the_procedure(client, world, full):
    procedure = full[0]
    client.force_login(world.users.assistant)
    url = reverse("cooperation:procedure-end", args=[procedure.pk])
    refused = client.post(url, {"ended_on": "2026-03-01", "end_reason": ProcedureEnd.UNFOUNDED})
    assert refused.status_code == 200
    assert "przed" in refused.content.decode() or "before" in refused.content.decode()
    response = client.post(url, {"ended_on": "2026-04-20", "end_reason": ProcedureEnd.VIOLENCE_STOPPED})
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.ended_on == dt.date(2026, 4, 20) and not procedure.is_open
    # An ended procedure is read, not changed.
    assert client.get(reverse("cooperation:meeting-create", args=[procedure.pk])).status_code == 403


# --- what the family receives never names it ------------------------------------------------------


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def test_the_copy_of_a_persons_data_and_the_familys_documents_leave_the_procedure_out(
    client, world, full, django_capture_on_commit_callbacks
):
    a, manager = world.a, world.users.manager
    client.force_login(manager)
    # The procedure's page shows the marker: the search below can find it.
    assert MARK in client.get(reverse("cooperation:procedure-detail", args=[full[0].pk])).content.decode()
    data = client.get(reverse("reports:subject-access-json", args=[a.adult.pk]))
    assert data.status_code == 200
    text = json.dumps(json.loads(data.content), ensure_ascii=False)
    assert a.adult.pesel in text and MARK not in text and "Niebieska" not in text
    with django_capture_on_commit_callbacks(execute=True):
        for kind, obj, version in (
            (DocumentKind.SUBJECT_ACCESS, a.adult, 20260420),
            (DocumentKind.WORK_PLAN, a.case, a.plan.version),
            (DocumentKind.ASSIGNMENT_LETTER, a.case, 1),
        ):
            document_services.request_document(kind=kind, obj=obj, version=version, by=manager)
    from documents.models import RenderedDocument

    documents = list(
        RenderedDocument.objects.filter(
            family=a.family,
            kind__in=[DocumentKind.SUBJECT_ACCESS, DocumentKind.WORK_PLAN, DocumentKind.ASSIGNMENT_LETTER],
        )
    )
    assert len(documents) == 3
    for document in documents:
        assert document.status == DocumentStatus.READY, document.error
        download = client.get(reverse("documents:download", args=[document.pk]))
        text = pdf_text(b"".join(download.streaming_content))
        assert a.family.name in text or a.adult.last_name in text, document.kind
        assert MARK not in text and "Niebieska" not in text, document.kind


def test_a_printed_answer_to_the_reporter_is_logged_in_the_correspondence(
    client, world, django_capture_on_commit_callbacks
):
    report = route_world.family_report(world)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_services.request_document(
            kind=DocumentKind.REPORT_ANSWER, obj=report, version=1, by=world.users.assistant
        )
    letter = Letter.objects.get(document=document)
    assert (letter.family, letter.direction, letter.source) == (
        world.a.family,
        LetterDirection.SENT,
        LetterSource.PRINTED,
    )
    client.force_login(world.users.social_worker)
    html = client.get(reverse("cooperation:letter-list", args=[world.a.family.pk])).content.decode()
    assert letter.subject in html


def test_a_letter_is_logged_through_its_page_with_polish_errors(client, world):
    client.force_login(world.users.assistant)
    url = reverse("cooperation:letter-list", args=[world.a.family.pk])
    with time_machine.travel(dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC)):
        refused = client.post(
            url,
            {"direction": "received", "date": "2026-04-10", "subject": "Pismo"},
            HTTP_ACCEPT_LANGUAGE="pl",
        )
        assert refused.status_code == 200
        assert "Wybierz instytucję" in refused.content.decode()
        assert 'value="Pismo"' in refused.content.decode()
        done = client.post(
            url,
            {
                "direction": "received",
                "date": "2026-04-10",
                "subject": "Pismo",
                "counterpart": "Kurator",
                "reply_by": "2026-04-24",
            },
        )
    assert done.status_code == 302
    assert Letter.objects.get(subject="Pismo").recorded_by == world.users.assistant
    client.force_login(world.users.other_assistant)
    assert client.get(url).status_code == 404


# --- the forms prepared within the procedure -------------------------------------------------------


def test_a_form_is_recorded_with_its_scan_and_the_scan_is_the_circles_alone(client, world, full):
    procedure = full[0]
    client.force_login(world.users.assistant)
    url = reverse("cooperation:card-form-create", args=[procedure.pk])
    # Before the procedure started (2.04.2026): refused, in Polish, with what was typed kept.
    refused = client.post(
        url, {"kind": CardFormKind.D, "date": "2026-03-30", "note": "Wezwanie"}, HTTP_ACCEPT_LANGUAGE="pl"
    )
    assert refused.status_code == 200
    assert "wcześniejszej niż wszczęcie procedury" in refused.content.decode()
    scan = ContentFile(route_world.PNG, name="nk-d.png")
    done = client.post(url, {"kind": CardFormKind.D, "date": "2026-04-14", "note": "Wezwanie", "scan": scan})
    assert done.status_code == 302
    card_form = CardForm.objects.get(kind=CardFormKind.D)
    assert (card_form.procedure, card_form.recorded_by) == (procedure, world.users.assistant)
    page = client.get(reverse("cooperation:procedure-detail", args=[procedure.pk])).content.decode()
    assert "Niebieska Karta – D" in page and "14.04.2026" in page
    scan_url = reverse("cooperation:card-form-scan", args=[card_form.pk])
    assert scan_url in page
    for who in ("assistant", "manager", "member"):
        user = getattr(world.users, who)
        client.force_login(user)
        response = client.get(scan_url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == route_world.PNG
        assert AccessLog.objects.filter(
            user=user, family_id=world.a.family.pk, object_type="cardform", object_id=card_form.pk
        ).exists(), who
    # The family's own social worker, outside the group, and everybody else: as if it did not exist.
    for who in ("social_worker", "other_assistant", "other_social_worker", "administrator"):
        client.force_login(getattr(world.users, who))
        assert client.get(scan_url).status_code == 404, who


def test_the_forms_and_their_scans_go_with_the_family_at_erasure(
    world, full, django_capture_on_commit_callbacks
):
    from cooperation.retention import anonymise

    card_form = full[3]
    storage, name = card_form.scan.storage, card_form.scan.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        anonymise([world.a.family.pk])
    assert not CardForm.objects.exists() and not Procedure.objects.exists()
    assert not storage.exists(name)


# --- institutions taking part in a visit and in a work plan --------------------------------------


def test_the_assistant_names_the_institutions_of_a_visit_and_those_who_see_it_read_them(client, world):
    school = Institution.objects.create(kind="school", name="Szkoła Podstawowa nr 7")
    police = Institution.objects.create(kind="police", name="Komisariat Policji")
    retired = Institution.objects.create(kind="ngo", name="Stowarzyszenie Dawne", is_active=False)
    visit = world.a.visit
    url = reverse("cooperation:visit-institutions", args=[visit.pk])
    client.force_login(world.users.assistant)
    form = client.get(url).content.decode()
    assert school.name in form and police.name in form and retired.name not in form
    assert AccessLog.objects.filter(
        user=world.users.assistant, object_type="visit", object_id=visit.pk
    ).exists()
    assert client.post(url, {"institutions": [school.pk, police.pk]}).status_code == 302
    assert client.post(url, {"institutions": [school.pk]}).status_code == 302
    assert set(VisitInstitution.objects.filter(visit=visit).values_list("institution__name", flat=True)) == {
        school.name
    }
    bad = client.post(url, {"institutions": ["10000000"]}, HTTP_ACCEPT_LANGUAGE="pl")
    assert bad.status_code == 200 and "Wybierz poprawną wartość" in bad.content.decode()
    # The family's social worker sees the visit and its institutions, but does not change them.
    client.force_login(world.users.social_worker)
    page = client.get(visit.get_absolute_url()).content.decode()
    assert school.name in page and url not in page
    assert client.get(url).status_code == 403
    # Whoever may not see the visit does not reach it.
    client.force_login(world.users.other_assistant)
    assert client.get(url).status_code == 404


def test_the_assistant_names_the_institutions_of_the_work_plan(client, world):
    curator = Institution.objects.create(kind="curator", name="Zespół Kuratorski")
    plan = world.a.plan
    url = reverse("cooperation:plan-institutions", args=[plan.pk])
    client.force_login(world.users.assistant)
    assert client.post(url, {"institutions": [curator.pk]}).status_code == 302
    assert PlanInstitution.objects.filter(plan=plan, institution=curator).exists()
    page = client.get(reverse("cases:plan-detail", args=[plan.pk])).content.decode()
    assert curator.name in page and url in page
    # An institution named stays choosable after it is retired from the register.
    Institution.objects.filter(pk=curator.pk).update(is_active=False)
    assert curator.name in client.get(url).content.decode()
    client.force_login(world.users.manager)
    assert curator.name in client.get(reverse("cases:plan-detail", args=[plan.pk])).content.decode()
    assert client.get(url).status_code == 403
    client.force_login(world.users.other_social_worker)
    assert client.get(url).status_code == 404
