"""The reminder sweep: each rule across its boundaries (time travel), the recipients, the
idempotence, the administrator's thresholds, the command, and the constant number of queries."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from asystent.models import Centre
from cases.enums import ActionStatus, AssessmentStatus, CaseStatus, LegalBasis, Recommendation
from cases.models import Assessment, Case, Family, Goal, PlanAction, ProblemArea, WorkPlan
from cases.services import plans
from cases.services.plans import ActionData, GoalData
from cooperation.models import ProcedureTerms
from courts.enums import CourtRequestStatus
from courts.models import CourtRequest
from notifications.models import Notification, ReminderSettings
from notifications.reminders import SWEEP_KINDS, add_working_days, send_reminders
from notifications.tasks import send_reminders_task
from referrals.enums import ReferralStatus
from referrals.models import Referral
from visits.models import Visit

from .factories import CaseFactory, ReferralFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


def on(day: dt.date, hour: int = 6):
    """Travel to `day` at 06:00 in Warsaw, when the beat schedule runs the sweep."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=WARSAW), tick=False)


def sweep(day: dt.date) -> dict[str, int]:
    with on(day):
        return send_reminders()


def recipients(rule: str) -> set[str]:
    return set(Notification.objects.filter(rule=rule).values_list("recipient__username", flat=True))


def active_case(assistant, started_on: dt.date, **kwargs) -> Case:
    return CaseFactory(assistant=assistant, opened_on=started_on, started_on=started_on, **kwargs)


# --- periodic assessment (art. 15 ust. 1 pkt 15) ------------------------------------------------


def test_assessment_due_within_14_days_reminds_the_assistant_and_overdue_the_managers(assistant, manager):
    active_case(assistant, dt.date(2026, 1, 10))  # due 10.07.2026 (6 months)

    assert sweep(dt.date(2026, 6, 25))["assessment_due"] == 0  # 15 days before
    assert sweep(dt.date(2026, 6, 26))["assessment_due"] == 1  # 14 days before
    assert recipients("assessment_due") == {"anna"}
    note = Notification.objects.get(rule="assessment_due")
    assert note.key.endswith(":2026-07-10")
    assert "10.07.2026" in note.message

    on_due_day = sweep(dt.date(2026, 7, 10))
    assert on_due_day["assessment_due"] == 0
    assert on_due_day["assessment_overdue"] == 0
    assert sweep(dt.date(2026, 7, 11))["assessment_overdue"] == 2
    assert recipients("assessment_overdue") == {"anna", "kasia"}
    assert sweep(dt.date(2026, 7, 12))["assessment_overdue"] == 0  # one per due date, not daily


def test_assessment_counts_from_the_last_submitted_assessment_not_a_draft(assistant, manager):
    case = active_case(assistant, dt.date(2025, 6, 1))
    for day, status in [(dt.date(2026, 4, 1), AssessmentStatus.SUBMITTED), (dt.date(2026, 5, 1), "draft")]:
        Assessment.objects.create(
            case=case,
            date=day,
            narrative="Sytuacja rodziny się poprawia.",
            recommendation=Recommendation.CONTINUE,
            status=status,
            author=assistant,
        )

    assert sweep(dt.date(2026, 9, 16))["assessment_due"] == 0
    assert sweep(dt.date(2026, 9, 17))["assessment_due"] == 1  # 01.10.2026 minus 14 days
    assert Notification.objects.get(rule="assessment_due").key == f"assessment_due:{case.pk}:2026-10-01"
    assert not Notification.objects.filter(rule="assessment_overdue").exists()


def test_assessment_due_at_a_month_end_is_found(assistant):
    active_case(assistant, dt.date(2025, 8, 31))  # + 6 months = 28.02.2026

    assert sweep(dt.date(2026, 2, 13))["assessment_due"] == 0
    assert sweep(dt.date(2026, 2, 14))["assessment_due"] == 1
    assert Notification.objects.get(rule="assessment_due").key.endswith(":2026-02-28")


def test_the_centre_s_shorter_assessment_interval_is_used(assistant):
    centre = Centre.load()
    centre.assessment_interval_months = 3
    centre.save()
    active_case(assistant, dt.date(2026, 1, 10))  # due 10.04.2026

    assert sweep(dt.date(2026, 3, 27))["assessment_due"] == 1


def test_closed_cases_get_no_assessment_reminder(assistant):
    active_case(assistant, dt.date(2025, 1, 10), closed=True)

    assert sweep(dt.date(2026, 7, 11))["assessment_overdue"] == 0


# --- court opinion (art. 15 ust. 1 pkt 17) ------------------------------------------------------


def court_request(case: Case, due: dt.date, **fields) -> CourtRequest:
    return CourtRequest.objects.create(
        case=case,
        court="Sąd Rejonowy w Zielonej Dolinie",
        division="III Wydział Rodzinny i Nieletnich",
        case_number="III Nsm 123/26",
        letter_date=due - dt.timedelta(days=30),
        received_on=due - dt.timedelta(days=28),
        due_date=due,
        request_text="Sąd prosi o opinię o rodzinie.",
        registered_by=case.assistant,
        **fields,
    )


def test_court_opinion_due_within_7_days_then_overdue(assistant, manager):
    case = active_case(assistant, dt.date(2026, 1, 5), court_ordered=True)
    request = court_request(case, dt.date(2026, 3, 20))

    assert sweep(dt.date(2026, 3, 12))["court_due"] == 0  # 8 days before
    assert sweep(dt.date(2026, 3, 13))["court_due"] == 1  # 7 days before
    assert recipients("court_due") == {"anna"}
    assert sweep(dt.date(2026, 3, 20))["court_overdue"] == 0  # the due day itself
    assert sweep(dt.date(2026, 3, 21))["court_overdue"] == 2
    assert recipients("court_overdue") == {"anna", "kasia"}
    assert Notification.objects.get(rule="court_due").key == f"court_due:{request.pk}:2026-03-20"


def test_an_answered_court_request_reminds_nobody(assistant, manager):
    case = active_case(assistant, dt.date(2026, 1, 5), court_ordered=True)
    court_request(
        case, dt.date(2026, 3, 20), status=CourtRequestStatus.ANSWERED, answered_on=dt.date(2026, 3, 18)
    )

    created = sweep(dt.date(2026, 3, 25))
    assert created["court_due"] == created["court_overdue"] == 0


# --- no visit or contact --------------------------------------------------------------------------


def test_no_contact_for_14_days_reminds_the_assistant_and_30_days_the_managers(assistant, manager):
    case = active_case(assistant, dt.date(2026, 1, 5))
    with on(dt.date(2026, 3, 1)):
        VisitFactory(case=case, date=dt.date(2026, 3, 1))
    with on(dt.date(2026, 3, 10)):
        VisitFactory(case=case, date=dt.date(2026, 3, 10), draft=True)  # a draft is not a contact

    assert sweep(dt.date(2026, 3, 14))["no_contact"] == 0  # 13 days
    assert sweep(dt.date(2026, 3, 15))["no_contact"] == 1  # 14 days
    assert recipients("no_contact") == {"anna"}
    assert sweep(dt.date(2026, 3, 16))["no_contact"] == 0  # same last contact, same reminder
    assert sweep(dt.date(2026, 3, 30))["no_contact_escalation"] == 0  # 29 days
    assert sweep(dt.date(2026, 3, 31))["no_contact_escalation"] == 2  # 30 days
    assert recipients("no_contact_escalation") == {"anna", "kasia"}
    assert "01.03.2026" in Notification.objects.filter(rule="no_contact_escalation").first().message


def test_a_new_visit_restarts_the_count(assistant):
    case = active_case(assistant, dt.date(2026, 1, 5))
    with on(dt.date(2026, 3, 1)):
        VisitFactory(case=case, date=dt.date(2026, 3, 1))
    sweep(dt.date(2026, 3, 15))
    with on(dt.date(2026, 3, 20)):
        VisitFactory(case=case, date=dt.date(2026, 3, 20), phone=True)

    assert sweep(dt.date(2026, 4, 2))["no_contact"] == 0  # 13 days after the phone call
    assert sweep(dt.date(2026, 4, 3))["no_contact"] == 1
    keys = set(Notification.objects.filter(rule="no_contact").values_list("key", flat=True))
    assert keys == {f"no_contact:{case.pk}:2026-03-15", f"no_contact:{case.pk}:2026-04-03"}


def test_without_visits_the_count_starts_with_the_work(assistant):
    active_case(assistant, dt.date(2026, 3, 2))

    assert sweep(dt.date(2026, 3, 15))["no_contact"] == 0
    assert sweep(dt.date(2026, 3, 16))["no_contact"] == 1


def test_only_active_cases_miss_contacts(assistant):
    CaseFactory(assistant=assistant, awaiting_consent=True, opened_on=dt.date(2026, 1, 5))
    active_case(
        assistant,
        dt.date(2025, 6, 1),
        status=CaseStatus.MONITORING,
        closed_on=dt.date(2026, 1, 5),
        closure_reason="goals_achieved",
        monitoring_until=dt.date(2026, 7, 5),
    )

    created = sweep(dt.date(2026, 3, 15))
    assert created["no_contact"] == created["no_contact_escalation"] == 0


# --- consent (art. 8 ust. 3) ----------------------------------------------------------------------


def test_a_voluntary_case_awaiting_consent_for_more_than_14_days(assistant, manager):
    case = CaseFactory(assistant=assistant, awaiting_consent=True, opened_on=dt.date(2026, 3, 1))

    assert sweep(dt.date(2026, 3, 15))["consent_pending"] == 0  # 14 days: not more than 14
    assert sweep(dt.date(2026, 3, 16))["consent_pending"] == 2
    assert recipients("consent_pending") == {"anna", "kasia"}
    assert Notification.objects.filter(key=f"consent_pending:{case.pk}:2026-03-15").count() == 2


# --- referral waiting for the head's decision (art. 11 ust. 4) -----------------------------------


def test_a_referral_waiting_more_than_7_days_reminds_the_managers(manager, social_worker):
    late_evening = dt.datetime(2026, 3, 2, 23, 30, tzinfo=WARSAW)  # 22:30 UTC, still 2 March in Warsaw
    referral = ReferralFactory(submitted=True, submitted_at=late_evening)
    for status in (ReferralStatus.WAITLISTED, ReferralStatus.DRAFT):
        ReferralFactory(status=status, submitted_at=late_evening)

    assert sweep(dt.date(2026, 3, 9))["referral_waiting"] == 0  # 7 days
    assert sweep(dt.date(2026, 3, 10))["referral_waiting"] == 1  # 8 days
    assert recipients("referral_waiting") == {"kasia"}
    note = Notification.objects.get(rule="referral_waiting")
    assert note.key == f"referral_waiting:{referral.pk}:2026-03-09"
    assert note.url == referral.get_absolute_url()


# --- plan actions (art. 15 ust. 3) ---------------------------------------------------------------


def _plan(case: Case, deadline: dt.date, reason: str = "") -> None:
    plans.save_plan_version(
        case=case,
        by=case.assistant,
        main_goal="Poprawa organizacji życia rodzinnego",
        goals=[
            GoalData(
                area=ProblemArea.objects.first(),
                description="Regularna nauka dzieci",
                actions=[
                    ActionData(
                        description="Ustalenie planu dnia z dziećmi",
                        responsible="family_member",
                        deadline=deadline,
                        expected_effect="Dzieci odrabiają lekcje codziennie.",
                    )
                ],
            )
        ],
        revision_reason=reason,
    )


def test_plan_actions_of_the_current_version_due_within_7_days_or_past(assistant, manager):
    case = active_case(assistant, dt.date(2026, 1, 5))
    with on(dt.date(2026, 2, 1)):
        _plan(case, dt.date(2026, 3, 20))
        _plan(case, dt.date(2026, 3, 25), reason="Zmiana sytuacji rodziny")
    current = PlanAction.objects.get(goal__plan__version=2)

    assert sweep(dt.date(2026, 3, 17))["action_due"] == 0  # the old version's action is not reminded
    assert sweep(dt.date(2026, 3, 18))["action_due"] == 1  # 7 days before 25.03
    assert recipients("action_due") == {"anna"}
    assert sweep(dt.date(2026, 3, 25))["action_overdue"] == 0
    assert sweep(dt.date(2026, 3, 26))["action_overdue"] == 1
    assert recipients("action_overdue") == {"anna"}
    assert Notification.objects.get(rule="action_overdue").key == f"action_overdue:{current.pk}:2026-03-25"


def test_a_done_action_is_not_reminded(assistant):
    case = active_case(assistant, dt.date(2026, 1, 5))
    with on(dt.date(2026, 2, 1)):
        _plan(case, dt.date(2026, 3, 20))
    PlanAction.objects.update(status=ActionStatus.DONE)

    created = sweep(dt.date(2026, 3, 25))
    assert created["action_due"] == created["action_overdue"] == 0


# --- monitoring (art. 15 ust. 1 pkt 16) -----------------------------------------------------------


def test_monitoring_ending_within_7_days_reminds_the_assistant(assistant, manager):
    active_case(
        assistant,
        dt.date(2025, 6, 1),
        status=CaseStatus.MONITORING,
        closed_on=dt.date(2025, 9, 20),
        closure_reason="goals_achieved",
        monitoring_until=dt.date(2026, 3, 20),
    )

    assert sweep(dt.date(2026, 3, 12))["monitoring_ending"] == 0
    assert sweep(dt.date(2026, 3, 13))["monitoring_ending"] == 1
    assert recipients("monitoring_ending") == {"anna"}


# --- recipients, idempotence, thresholds --------------------------------------------------------


def test_an_inactive_assistant_gets_nothing_but_the_managers_still_do(manager):
    gone = UserFactory(username="ewa", assistant=True, is_active=False)
    active_case(gone, dt.date(2026, 1, 10))

    sweep(dt.date(2026, 7, 11))
    assert recipients("assessment_overdue") == {"kasia"}
    assert recipients("assessment_due") == set()


def test_an_assistant_s_coordinator_is_told_instead_of_every_manager(assistant, manager):
    """In a large centre the managers split the assistants into teams: an overdue deadline goes
    to the assistant's coordinator only; an assistant without one still escalates to everyone."""
    coordinator = UserFactory(username="marta", manager=True)
    assistant.coordinator = coordinator
    assistant.save()
    loner = UserFactory(username="ewa", assistant=True)
    mine = active_case(assistant, dt.date(2025, 6, 1), court_ordered=True)
    court_request(mine, dt.date(2026, 2, 20))
    CaseFactory(assistant=assistant, awaiting_consent=True, opened_on=dt.date(2026, 2, 1))
    theirs = active_case(loner, dt.date(2025, 6, 1))
    ReferralFactory(submitted=True, submitted_at=dt.datetime(2026, 2, 1, 9, tzinfo=WARSAW))

    sweep(dt.date(2026, 3, 2))

    def told(rule: str, case: Case) -> set[str]:
        return set(
            Notification.objects.filter(
                rule=rule, url=reverse("cases:case-detail", args=[case.pk])
            ).values_list("recipient__username", flat=True)
        )

    assert told("assessment_overdue", mine) == {"anna", "marta"}
    assert told("assessment_overdue", theirs) == {"ewa", "kasia", "marta"}
    assert told("no_contact_escalation", mine) == {"anna", "marta"}
    assert told("court_overdue", mine) == {"anna", "marta"}
    assert recipients("consent_pending") == {"anna", "marta"}
    assert recipients("referral_waiting") == {"kasia", "marta"}  # no assistant yet: every manager

    # A coordinator who leaves (or is no longer a manager) hands the escalations back to everyone.
    coordinator.is_active = False
    coordinator.save()
    sweep(dt.date(2026, 8, 2))
    assert told("assessment_overdue", mine) == {"anna", "marta", "kasia"}


def test_only_an_assistant_has_a_coordinator_and_not_themselves(assistant, manager, social_worker):
    social_worker.coordinator = manager
    with pytest.raises(ValidationError) as caught:
        social_worker.full_clean()
    assert "coordinator" in caught.value.message_dict
    manager.is_assistant = True
    manager.coordinator = manager
    with pytest.raises(ValidationError) as caught:
        manager.full_clean()
    assert "coordinator" in caught.value.message_dict
    assistant.coordinator = social_worker  # not a manager: the admin form offers managers only
    with pytest.raises(ValidationError):
        assistant.full_clean()
    assistant.coordinator = manager
    assistant.full_clean()


def test_running_twice_creates_nothing_the_second_time(assistant, manager):
    active_case(assistant, dt.date(2025, 6, 1))
    CaseFactory(assistant=assistant, awaiting_consent=True, opened_on=dt.date(2026, 2, 1))
    ReferralFactory(submitted=True, submitted_at=dt.datetime(2026, 2, 1, 9, tzinfo=WARSAW))

    first = sweep(dt.date(2026, 3, 2))
    total = Notification.objects.count()
    second = sweep(dt.date(2026, 3, 2))

    assert sum(first.values()) == total > 0
    assert second == dict.fromkeys(SWEEP_KINDS, 0)
    assert Notification.objects.count() == total


def test_the_database_refuses_a_second_notification_with_the_same_key(assistant):
    Notification.objects.create(
        recipient=assistant, rule="no_contact", key="no_contact:1:2026-03-15", message="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=assistant, rule="no_contact", key="no_contact:1:2026-03-15", message="y"
        )


def test_the_administrator_s_thresholds_are_used(assistant, manager):
    settings_row = ReminderSettings.load()
    settings_row.no_contact_days = 7
    settings_row.consent_wait_days = 3
    settings_row.save()
    active_case(assistant, dt.date(2026, 3, 2))
    CaseFactory(assistant=assistant, awaiting_consent=True, opened_on=dt.date(2026, 3, 2))

    assert sweep(dt.date(2026, 3, 5))["consent_pending"] == 0  # 3 days
    assert sweep(dt.date(2026, 3, 6))["consent_pending"] == 2  # more than 3 days
    assert sweep(dt.date(2026, 3, 8))["no_contact"] == 0
    assert sweep(dt.date(2026, 3, 9))["no_contact"] == 1  # 7 days


def test_the_managers_cannot_be_told_before_the_assistant():
    row = ReminderSettings.load()
    row.no_contact_days, row.no_contact_escalation_days = 30, 14
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "no_contact_escalation_days" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_settings_are_one_row_with_the_defaults():
    first = ReminderSettings.load()
    assert ReminderSettings.load().pk == first.pk
    assert (first.assessment_due_days, first.no_contact_days, first.no_contact_escalation_days) == (
        14,
        14,
        30,
    )
    assert (first.consent_wait_days, first.referral_wait_days, first.action_due_days) == (14, 7, 7)


# --- the command and the task ---------------------------------------------------------------------


def test_the_command_prints_how_many_of_each_kind_it_created(assistant, manager):
    active_case(assistant, dt.date(2025, 6, 1))
    out = StringIO()
    with on(dt.date(2026, 3, 2)), translation.override("en"):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=(again := StringIO()))

    lines = out.getvalue().splitlines()
    assert "Periodic assessment overdue: 2 notifications created" in lines
    assert "No visit or contact for a long time: 2 notifications created" in lines
    assert "Monitoring ending soon: 0 notifications created" in lines
    assert lines[-1] == "In total 4 notifications created."
    assert again.getvalue().splitlines()[-1] == "In total 0 notifications created."


def test_the_command_in_the_embedded_mode_prints_counts_and_keeps_the_e_mails_in_the_mail_log(
    assistant, manager, settings, tmp_path, django_capture_on_commit_callbacks, capsys
):
    from asystent.celery import app as celery_app

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"  # as with DEBUG on
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.SITE_URL = "http://127.0.0.1:8101"
    assistant.email_notifications = "immediate"
    assistant.save()
    active_case(assistant, dt.date(2025, 6, 1))
    out = StringIO()
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # the embedded mode runs tasks in-process
    try:
        with (
            on(dt.date(2026, 3, 2)),
            translation.override("en"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("send_reminders", stdout=out)
    finally:
        celery_app.conf.task_always_eager = saved

    printed = out.getvalue() + "".join(capsys.readouterr())
    assert "In total 4 notifications created." in printed
    assert "Subject:" not in printed and "http://127.0.0.1:8101" not in printed
    logged = "".join(path.read_text() for path in tmp_path.iterdir())
    assert "Subject:" in logged and "http://127.0.0.1:8101/" in logged
    assert assistant.email in logged


def test_the_command_runs_as_on_a_given_date(assistant):
    active_case(assistant, dt.date(2026, 1, 10))
    out = StringIO()
    with translation.override("en"):
        call_command("send_reminders", "--date", "2026-06-26", stdout=out)
    assert "Periodic assessment due soon: 1 notification created" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "26.06.2026")


def test_the_task_runs_the_sweep(assistant):
    active_case(assistant, dt.date(2026, 1, 10))
    with on(dt.date(2026, 6, 26)):
        send_reminders_task.delay()
    assert recipients("assessment_due") == {"anna"}


# --- working days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,n,expected",
    [
        (dt.date(2026, 3, 6), 1, dt.date(2026, 3, 9)),  # Friday + 1 = Monday
        (dt.date(2026, 3, 9), 0, dt.date(2026, 3, 9)),
        (dt.date(2026, 4, 3), 1, dt.date(2026, 4, 7)),  # over Easter Monday
        (dt.date(2025, 12, 23), 1, dt.date(2025, 12, 29)),  # 24 December is a holiday from 2025
        (dt.date(2026, 4, 27), 14, dt.date(2026, 5, 18)),  # 1 and 3 May; the interview's 14 days
        (dt.date(2025, 12, 29), -1, dt.date(2025, 12, 23)),
    ],
)
def test_add_working_days_skips_weekends_and_polish_holidays(start, n, expected):
    assert add_working_days(start, n) == expected


# --- the number of queries does not grow with the number of cases --------------------------------


def build_cases(n: int, *, today: dt.date, assistant, social_worker) -> None:
    """n families and cases made with bulk_create; every fourth case of each kind, so that every
    rule except the court's has something to say."""
    families = Family.objects.bulk_create(
        Family(
            name=f"Rodzina {i}",
            street="ul. Polna 1",
            postal_code="00-001",
            city="Zielona Dolina",
            registered_by=social_worker,
        )
        for i in range(n)
    )
    long_ago = today - dt.timedelta(days=400)
    recently = today - dt.timedelta(days=170)  # assessment due in 10-12 days
    kinds = [
        {"status": CaseStatus.ACTIVE, "opened_on": long_ago, "started_on": long_ago},
        {"status": CaseStatus.ACTIVE, "opened_on": recently, "started_on": recently},
        {"status": CaseStatus.AWAITING_CONSENT, "opened_on": today - dt.timedelta(days=20)},
        {
            "status": CaseStatus.MONITORING,
            "opened_on": long_ago,
            "started_on": long_ago,
            "closed_on": today - dt.timedelta(days=170),
            "closure_reason": "goals_achieved",
            "monitoring_until": today + dt.timedelta(days=3),
        },
    ]
    cases = Case.objects.bulk_create(
        Case(family=family, assistant=assistant, legal_basis=LegalBasis.VOLUNTARY, **kinds[i % 4])
        for i, family in enumerate(families)
    )
    with_plan = cases[0::4]
    plans = WorkPlan.objects.bulk_create(
        WorkPlan(case=case, main_goal="Cel główny", created_by=assistant) for case in with_plan
    )
    area = ProblemArea.objects.first()
    goals = Goal.objects.bulk_create(Goal(plan=plan, area=area, description="Cel") for plan in plans)
    PlanAction.objects.bulk_create(
        PlanAction(
            goal=goal,
            description="Działanie",
            responsible="assistant",
            deadline=today - dt.timedelta(days=1),
            expected_effect="Efekt",
        )
        for goal in goals
    )
    Visit.objects.bulk_create(
        Visit(
            case=case,
            date=today - dt.timedelta(days=14),
            duration_minutes=60,
            kind="home_visit",
            place="home",
            topics="Rozmowa",
            status="final",
            finalised_at=timezone.now(),
            author=assistant,
        )
        for case in cases[1::4]
    )
    Referral.objects.bulk_create(
        Referral(
            family=case.family,
            social_worker=social_worker,
            legal_basis=LegalBasis.VOLUNTARY,
            justification="Uzasadnienie",
            status=ReferralStatus.SUBMITTED,
            submitted_at=timezone.now() - dt.timedelta(days=10),
        )
        for case in cases[2::4]
    )


def test_the_sweep_makes_the_same_number_of_queries_for_10_and_1000_cases(assistant, manager, social_worker):
    today = dt.date(2026, 3, 2)
    Centre.load()
    ReminderSettings.load()
    ProcedureTerms.load()  # the singletons exist once the centre is set up
    with on(today):
        build_cases(10, today=today, assistant=assistant, social_worker=social_worker)
        with CaptureQueriesContext(connection) as small:
            few = send_reminders()
        Notification.objects.all().delete()
        build_cases(990, today=today, assistant=assistant, social_worker=social_worker)
        with CaptureQueriesContext(connection) as large:
            many = send_reminders()

    expected = {
        "assessment_due",
        "assessment_overdue",
        "no_contact",
        "no_contact_escalation",
        "consent_pending",
        "referral_waiting",
        "action_overdue",
        "monitoring_ending",
    }
    assert {kind for kind, count in few.items() if count} == expected
    assert all(many[kind] > 20 * few[kind] for kind in expected)
    assert Notification.objects.count() == sum(many.values()) > 2000
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


# --- the administrator edits the thresholds -------------------------------------------------------


def test_the_administrator_edits_the_thresholds_in_the_admin(client, admin_user):
    client.force_login(admin_user)

    listing = client.get(reverse("admin:notifications_remindersettings_changelist"))
    assert listing.status_code == 302  # one row: the list is the row
    form = client.get(listing.url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["no_contact_days"] = 10
    assert client.post(listing.url, data).status_code == 302

    assert ReminderSettings.load().no_contact_days == 10
    assert ReminderSettings.objects.count() == 1
    assert client.get(reverse("admin:notifications_remindersettings_add")).status_code == 403


def test_the_scheduler_s_tables_are_not_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    index = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for name in ("Periodic tasks", "Crontabs", "Solar events", "Intervals", "Clocked", "django_celery_beat"):
        assert name not in index
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 404
    assert client.get("/admin/django_celery_beat/crontabschedule/").status_code == 404


def test_the_hour_of_the_daily_sweep_is_one_polish_setting_that_moves_the_schedule(client, admin_user):
    from django_celery_beat.models import PeriodicTask

    from asystent.schedules import ensure_schedules

    ensure_schedules()
    client.force_login(admin_user)
    url = reverse("admin:notifications_remindersettings_change", args=[ReminderSettings.load().pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
    assert "Godzina codziennego wysyłania przypomnień" in page.content.decode()
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    assert data["sweep_hour"] == 6

    assert client.post(url, {**data, "sweep_hour": 24}, HTTP_ACCEPT_LANGUAGE="pl").status_code == 200
    assert client.post(url, {**data, "sweep_hour": 8}).status_code == 302

    task = PeriodicTask.objects.select_related("crontab").get(task="notifications.send_reminders")
    assert (task.crontab.hour, task.crontab.minute) == ("8", "0")
    assert task.crontab.timezone.key == "Europe/Warsaw"
    # The other daily jobs keep their times.
    digest = PeriodicTask.objects.select_related("crontab").get(task="notifications.send_digests")
    assert digest.crontab.hour == "7"


def test_other_roles_cannot_edit_the_thresholds(client, manager):
    client.force_login(manager)
    response = client.get(reverse("admin:notifications_remindersettings_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_every_manager_is_told_once_and_the_second_run_adds_nobody(assistant, manager):
    # On PostgreSQL the managers are multiplied in the database (one row per reminder sent).
    others = [UserFactory(username=f"kierownik{n}", manager=True) for n in range(3)]
    UserFactory(username="byla", manager=True, is_active=False)
    active_case(assistant, dt.date(2026, 1, 10))  # the assessment is due on 10.07.2026

    assert sweep(dt.date(2026, 7, 11))["assessment_overdue"] == 5
    assert recipients("assessment_overdue") == {"anna", "kasia", *(u.username for u in others)}
    assert Notification.objects.filter(rule="assessment_overdue").values("key").distinct().count() == 1
    assert sweep(dt.date(2026, 7, 11))["assessment_overdue"] == 0
    assert Notification.objects.filter(rule="assessment_overdue").count() == 5
