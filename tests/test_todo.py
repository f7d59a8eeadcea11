"""The "Do zrobienia" list of the start page (asystent.todo): what each role finds there, in what
order, with links to where it is done; never what the role may not see; a fixed number of queries
whatever the number of records (10 and 100)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from asystent.models import Centre
from asystent.todo import sources, todo_for
from cases.enums import ClosureProposalStatus, ClosureReason
from cases.models import ClosureProposal
from courts import services as court_services
from notifications.models import Notification
from referrals.models import FamilyReport

from .factories import (
    AssessmentFactory,
    CaseFactory,
    CourtRequestFactory,
    FamilyFactory,
    GoalFactory,
    PlanActionFactory,
    ReferralFactory,
    UserFactory,
    VisitFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def _labels(user) -> list[str]:  # noqa: ANN001
    return [str(item.label) for item in todo_for(user, timezone.localdate()).items]


def _world(count: int, *, assistant, social_worker, manager) -> None:  # noqa: ANN001
    """`count` records of every kind each role's list shows."""
    today = timezone.localdate()
    for n in range(count):
        family = FamilyFactory(registered_by=social_worker, street=f"ul. Lipowa {n + 1}")
        # An active case whose periodic assessment is overdue (opened 8 months ago).
        case = CaseFactory(
            family=family,
            assistant=assistant,
            opened_on=today - dt.timedelta(days=240),
        )
        plan = WorkPlanFactory(case=case)
        PlanActionFactory(goal=GoalFactory(plan=plan), deadline=today + dt.timedelta(days=2))
        VisitFactory(case=case, author=assistant, draft=True, date=today - dt.timedelta(days=1))
        FamilyReport.objects.create(
            family=family,
            reporter_kind="institution",
            reporter_name="Szkoła Podstawowa nr 1",
            channel="letter",
            learned_on=today - dt.timedelta(days=2),
            social_worker=social_worker,
            recorded_by=social_worker,
        )
        ReferralFactory(family=family, social_worker=social_worker, submitted=True)
        other = CaseFactory(family__registered_by=social_worker, assistant=UserFactory(assistant=True))
        AssessmentFactory(case=other, submitted=True)
        ClosureProposal.objects.create(
            case=other,
            closing_on=today - dt.timedelta(days=1),
            reason=ClosureReason.GOALS_ACHIEVED,
            summary="Cele osiągnięte.",
            proposed_by=other.assistant,
            status=ClosureProposalStatus.PENDING,
        )
        CourtRequestFactory(case__assistant=assistant, due_date=today + dt.timedelta(days=5))
        UserFactory()  # an account without a role


def test_every_app_registered_its_sources():
    assert {source.key for source in sources()} >= {
        "asystent-users-without-role",
        "asystent-centre-incomplete",
        "cases-plan-consultations",
        "cases-overdue-assessments",
        "cases-plan-actions",
        "cases-assessment-drafts",
        "cases-assessments-to-acknowledge",
        "cases-closures-to-approve",
        "referrals-interviews",
        "referrals-court-waiting",
        "referrals-decided",
        "referrals-drafts",
        "referrals-decisions",
        "courts-opinions-due",
        "courts-opinions-to-approve",
        "courts-notices-to-send",
        "visits-today",
        "visits-drafts",
        "reports-deadlines-passed",
        "reports-assistants-at-limit",
        "notifications-failed-reminders",
    }


def test_each_role_finds_its_own_work(assistant, social_worker, manager, admin_user):
    _world(1, assistant=assistant, social_worker=social_worker, manager=manager)
    assert set(_labels(assistant)) >= {
        "Write the periodic assessment",
        "Finish the draft visit",
        "Write the court opinion",
    }
    assert any(label.startswith("Plan action: ") for label in _labels(assistant))
    assert set(_labels(social_worker)) >= {
        "Carry out the community interview",
        "Confirm the consultation of the work plan",
    }
    assert set(_labels(manager)) >= {
        "Decide on the referral",
        "Acknowledge the periodic assessment",
        "Approve or return the closure of the work",
    }
    assert "1 periodic assessment is overdue" in _labels(manager)
    admin_labels = _labels(admin_user)
    assert any(label.startswith("Give a role to ") for label in admin_labels)
    assert any(label.startswith("Complete the centre's details: ") for label in admin_labels)
    # Nobody sees another role's work.
    assert "Decide on the referral" not in _labels(assistant) + _labels(social_worker) + admin_labels
    assert "Write the periodic assessment" not in _labels(manager) + _labels(social_worker) + admin_labels
    assert not any(label.startswith("Give a role") for label in _labels(manager))


def test_another_assistant_sees_nothing_of_these_families(assistant, other_assistant, social_worker, manager):
    _world(2, assistant=assistant, social_worker=social_worker, manager=manager)
    assert _labels(other_assistant) == []
    other_worker = UserFactory(social_worker=True)
    assert _labels(other_worker) == []


def test_the_most_urgent_come_first_with_their_family_told_apart(client, assistant, social_worker, manager):
    today = timezone.localdate()
    case = CaseFactory(
        assistant=assistant,
        family__name="Nowakowie",
        family__street="ul. Polna 1",
        opened_on=today - dt.timedelta(days=20),
    )
    twin = CaseFactory(
        assistant=assistant,
        family__name="Nowakowie",
        family__street="ul. Leśna 9",
        opened_on=today - dt.timedelta(days=20),
    )
    plan = WorkPlanFactory(case=case)
    PlanActionFactory(
        goal=GoalFactory(plan=plan), deadline=today + dt.timedelta(days=5), description="Później"
    )
    twin_plan = WorkPlanFactory(case=twin)
    PlanActionFactory(
        goal=GoalFactory(plan=twin_plan), deadline=today - dt.timedelta(days=3), description="Zaległe"
    )
    VisitFactory(case=case, author=assistant, date=today - dt.timedelta(days=7), next_meeting=today)
    items = todo_for(assistant, today).items
    assert [(str(item.label), item.subject) for item in items] == [
        ("Plan action: Zaległe", "Nowakowie (ul. Leśna 9)"),
        ("Today's visit: log it", "Nowakowie (ul. Polna 1)"),
        ("Plan action: Później", "Nowakowie (ul. Polna 1)"),
    ]
    client.force_login(assistant)
    page = client.get(reverse("home")).content.decode()
    # The list leads the page, before the agenda's week.
    assert page.index('id="h-todo"') < page.index('id="h-week"')
    assert reverse("visits:visit-create", args=[case.pk]) in page
    assert "Nowakowie (ul. Leśna 9)" in page and "overdue" in page


def test_a_manager_approves_opinions_of_others_only(assistant, manager, social_worker):
    request = CourtRequestFactory(
        case__assistant=assistant, due_date=timezone.localdate() + dt.timedelta(days=5)
    )
    opinion = court_services.draft_opinion(request=request, by=assistant)
    version = court_services.save_opinion(
        opinion=opinion,
        by=assistant,
        sections={"attitude": "Rodzina współpracuje.", "conclusions": "Kontynuacja pracy."},
    )
    assert "Finish the court opinion" in _labels(assistant)
    court_services.submit_opinion(version=version, by=assistant)
    assert "Finish the court opinion" not in _labels(assistant)
    items = [item for item in todo_for(manager, timezone.localdate()).items if "opinion" in str(item.label)]
    assert [str(item.label) for item in items] == ["Approve or return the court opinion"]
    assert request.case_number in items[0].subject and request.court in items[0].subject
    assert items[0].url == version.get_absolute_url()


def test_the_administrator_is_told_of_reminders_that_failed(admin_user, manager):
    manager.email = "kierownik@example.org"
    manager.email_notifications = "immediate"
    manager.save()
    note = Notification.objects.create(recipient=manager, rule="intervention", key="k1", message="x")
    assert not any("could not be sent" in label for label in _labels(admin_user))
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert "1 reminder could not be sent by e-mail: check the mail server" in _labels(admin_user)
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    assert not any("could not be sent" in label for label in _labels(admin_user))


def test_a_complete_centre_is_not_listed(admin_user):
    centre = Centre.load()
    for name, value in {
        "street": "ul. Główna 1",
        "postal_code": "00-001",
        "city": "Zielona Dolina",
        "phone": "123 456 789",
        "email": "mops@example.org",
        "logo": "centre/logo.png",
    }.items():
        setattr(centre, name, value)
    centre.save()
    assert not any(label.startswith("Complete the centre") for label in _labels(admin_user))


def _home_queries(client, user) -> int:  # noqa: ANN001
    client.force_login(user)
    client.get(reverse("home"))  # warm the caches (the centre, the session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def test_the_start_page_costs_the_same_with_10_and_100_records(
    client, assistant, social_worker, manager, admin_user
):
    _world(10, assistant=assistant, social_worker=social_worker, manager=manager)
    users = {"assistant": assistant, "social_worker": social_worker, "manager": manager, "admin": admin_user}
    with_10 = {role: _home_queries(client, user) for role, user in users.items()}
    assert len(todo_for(manager, timezone.localdate()).items) >= 10
    _world(90, assistant=assistant, social_worker=social_worker, manager=manager)
    with_100 = {role: _home_queries(client, user) for role, user in users.items()}
    assert with_100 == with_10
    # ...and the list shows at most 25 items, counting the rest.
    listed = todo_for(manager, timezone.localdate())
    assert len(listed.items) == 25 and listed.more > 0


def test_a_role_change_waits_on_the_second_persons_list_not_the_requesters(admin_user, manager):
    from asystent.enums import Role, RoleChangeStatus
    from asystent.models import RoleChangeRequest

    newcomer = UserFactory(first_name="Nowa", last_name="Pracownica")  # no role yet
    assert "Give a role to Nowa Pracownica" in _labels(admin_user)
    change = RoleChangeRequest.objects.create(
        user=newcomer, requested_by=admin_user, requested_as=Role.ADMINISTRATOR, is_assistant=True
    )
    # The administrator asked: the account leaves their list and waits on the manager's.
    assert not any("Nowa Pracownica" in label for label in _labels(admin_user))
    items = [i for i in todo_for(manager, timezone.localdate()).items if "Nowa Pracownica" in str(i.label)]
    assert [str(i.label) for i in items] == ["Confirm or reject the roles of Nowa Pracownica"]
    assert items[0].url == reverse("role-change-list")
    # Decided: gone from both lists.
    RoleChangeRequest.objects.filter(pk=change.pk).update(status=RoleChangeStatus.REJECTED)
    assert not any("Nowa Pracownica" in label for label in _labels(manager))
    assert "Give a role to Nowa Pracownica" in _labels(admin_user)
