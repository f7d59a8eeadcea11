"""Who is told of a periodic assessment (the assistant's coordinator, or every manager) and of a
plan version waiting for the social worker's consultation; an assessment is acknowledged by a
manager other than its author. Through the services and through the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from asystent.errors import InvalidTransition
from cases.enums import AssessmentStatus, Recommendation, Responsible
from cases.models import AssessmentArea, ProblemArea
from cases.services import assessments, plans
from cases.services.plans import ActionData, GoalData
from notifications.models import Notification

from .factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def _ratings(value=3):
    return {area.pk: (value, "") for area in AssessmentArea.objects.filter(is_active=True)}


def submit(case, by=None):
    return assessments.save_assessment(
        case=case,
        by=by or case.assistant,
        date=dt.date.today() - dt.timedelta(days=1),
        narrative="Sytuacja rodziny stabilna.",
        recommendation=Recommendation.CONTINUE,
        ratings=_ratings(),
        submit=True,
    )


def test_a_submitted_assessment_goes_to_every_manager_when_the_assistant_has_no_coordinator(manager):
    other = UserFactory(manager=True)
    case = CaseFactory()
    assessment = submit(case)
    told = set(Notification.objects.filter(rule="assessment_submitted").values_list("recipient", flat=True))
    assert told == {manager.pk, other.pk}
    assert (
        Notification.objects.filter(rule="assessment_submitted").first().url == assessment.get_absolute_url()
    )


def test_a_submitted_assessment_goes_to_the_assistants_coordinator_only(manager, assistant):
    coordinator = UserFactory(manager=True)
    assistant.coordinator = coordinator
    assistant.save()
    case = CaseFactory(assistant=assistant)
    # A draft tells nobody.
    assessments.save_assessment(
        case=case,
        by=assistant,
        date=dt.date.today(),
        narrative="Szkic",
        recommendation=Recommendation.CONTINUE,
        ratings={},
        submit=False,
    )
    assert not Notification.objects.filter(rule="assessment_submitted").exists()
    submit(case, by=assistant)
    told = list(Notification.objects.filter(rule="assessment_submitted").values_list("recipient", flat=True))
    assert told == [coordinator.pk]


def test_a_manager_does_not_acknowledge_their_own_assessment(client, manager):
    author = UserFactory(manager=True, assistant=True)
    case = CaseFactory(assistant=author)
    assessment = submit(case, by=author)
    with pytest.raises(InvalidTransition, match="other than its author"):
        assessments.acknowledge_assessment(assessment=assessment, by=author)
    assert author.has_perm("cases.acknowledge_assessment", assessment) is False

    client.force_login(author)
    url = reverse("cases:assessment-acknowledge", args=[assessment.pk])
    page = client.get(assessment.get_absolute_url())
    assert f'action="{url}"' not in page.text
    assert "another manager acknowledges it" in page.text
    response = client.post(url, follow=True)
    assert "other than its author" in response.text
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED

    client.force_login(manager)
    assert f'action="{url}"' in client.get(assessment.get_absolute_url()).text
    client.post(url)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.acknowledged_by) == (AssessmentStatus.ACKNOWLEDGED, manager)


def _goals():
    return [
        GoalData(
            area=ProblemArea.objects.first(),
            description="Regularna nauka dzieci",
            actions=[
                ActionData(
                    description="Kontakt ze szkołą",
                    responsible=Responsible.FAMILY_MEMBER,
                    deadline=dt.date.today() + dt.timedelta(days=30),
                    expected_effect="Dzieci chodzą do szkoły.",
                )
            ],
        )
    ]


def test_a_plan_version_asks_the_social_worker_until_they_confirm(client, social_worker):
    case = CaseFactory(family__registered_by=social_worker)
    plan = plans.save_plan_version(case=case, by=case.assistant, main_goal="Samodzielność", goals=_goals())
    notice = Notification.objects.get(rule="plan_consultation")
    assert notice.recipient == social_worker and notice.read_at is None
    assert notice.url == reverse("cases:plan-detail", args=[plan.pk])
    second = plans.save_plan_version(
        case=case, by=case.assistant, main_goal="Samodzielność", goals=_goals(), revision_reason="Zmiana"
    )
    assert Notification.objects.filter(rule="plan_consultation", recipient=social_worker).count() == 2

    client.force_login(social_worker)
    client.post(reverse("cases:plan-confirm", args=[second.pk]))
    second.refresh_from_db()
    assert second.social_worker_confirmed_at is not None
    answered = Notification.objects.get(key=f"plan-consultation:{second.pk}")
    assert answered.read_at is not None
    # The first version still waits for its own confirmation.
    assert Notification.objects.get(key=f"plan-consultation:{plan.pk}").read_at is None
