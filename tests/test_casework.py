"""Case-work rules: plan versions, the statutory content of actions, assessment due dates,
closure with monitoring and its end."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError

from asystent.errors import InvalidTransition
from asystent.models import Centre
from cases import services
from cases.enums import AssessmentStatus, CaseStatus, ClosureReason, Recommendation
from cases.models import AssessmentArea, PlanAction, ProblemArea
from cases.services import assessments, closure, plans
from cases.services.plans import ActionData, GoalData

from .factories import CaseFactory

pytestmark = pytest.mark.django_db


def _goals(deadline=dt.date(2027, 1, 31), effect="Dzieci chodzą do szkoły regularnie."):
    area = ProblemArea.objects.first()
    return [
        GoalData(
            area=area,
            description="Regularna nauka dzieci",
            actions=[
                ActionData(
                    description="Ustalenie planu dnia",
                    responsible="family_member",
                    deadline=deadline,
                    expected_effect=effect,
                )
            ],
        )
    ]


def test_first_plan_is_version_one_and_revision_keeps_the_old_version():
    case = CaseFactory()
    first = plans.save_plan_version(case=case, by=case.assistant, main_goal="Cel", goals=_goals())
    assert first.version == 1
    second = plans.save_plan_version(
        case=case, by=case.assistant, main_goal="Nowy cel", goals=_goals(), revision_reason="Zmiana"
    )
    assert second.version == 2
    first.refresh_from_db()
    assert first.main_goal == "Cel"
    assert first.goals.get().actions.count() == 1
    assert plans.current_plan(case) == second


def test_revision_needs_a_reason():
    case = CaseFactory()
    plans.save_plan_version(case=case, by=case.assistant, main_goal="Cel", goals=_goals())
    with pytest.raises(InvalidTransition):
        plans.save_plan_version(case=case, by=case.assistant, main_goal="Cel", goals=_goals())


@pytest.mark.parametrize("deadline,effect", [(None, "Efekt"), (dt.date(2027, 1, 1), "  ")])
def test_action_needs_deadline_and_expected_effect(deadline, effect):
    case = CaseFactory()
    with pytest.raises(InvalidTransition):
        plans.save_plan_version(case=case, by=case.assistant, main_goal="Cel", goals=_goals(deadline, effect))
    assert not case.plans.exists()


def test_database_refuses_an_action_without_expected_effect():
    case = CaseFactory()
    plan = plans.save_plan_version(case=case, by=case.assistant, main_goal="Cel", goals=_goals())
    goal = plan.goals.get()
    with pytest.raises(IntegrityError):
        PlanAction.objects.create(
            goal=goal,
            description="x",
            responsible="assistant",
            deadline=dt.date(2027, 1, 1),
            expected_effect="",
        )


def test_no_plan_on_a_closed_case():
    case = CaseFactory(closed=True)
    with pytest.raises(InvalidTransition):
        plans.save_plan_version(case=case, by=case.assistant, main_goal="Cel", goals=_goals())


def test_consultation_confirmed_only_by_the_cases_social_worker(other_social_worker):
    case = CaseFactory()
    plan = plans.save_plan_version(case=case, by=case.assistant, main_goal="Cel", goals=_goals())
    with pytest.raises(InvalidTransition):
        plans.confirm_consultation(plan=plan, by=other_social_worker)
    plan = plans.confirm_consultation(plan=plan, by=case.social_worker)
    assert plan.social_worker_confirmed_at is not None
    assert plan.social_worker_consulted_on is not None


def _ratings(value=3):
    return {area.pk: (value, "") for area in AssessmentArea.objects.filter(is_active=True)}


def test_assessment_due_six_months_after_start_then_after_last_assessment():
    case = CaseFactory(opened_on=dt.date(2026, 1, 31), started_on=dt.date(2026, 1, 31))
    # 31 January + 6 months is the last day of July, not a date that does not exist.
    assert assessments.next_assessment_due(case) == dt.date(2026, 7, 31)
    assessments.save_assessment(
        case=case,
        by=case.assistant,
        date=dt.date(2026, 5, 15),
        narrative="Opis",
        recommendation=Recommendation.CONTINUE,
        ratings=_ratings(),
        submit=True,
    )
    assert assessments.next_assessment_due(case) == dt.date(2026, 11, 15)


def test_draft_assessment_does_not_move_the_due_date_and_centre_interval_applies():
    centre = Centre.load()
    centre.assessment_interval_months = 3
    centre.save()
    case = CaseFactory(opened_on=dt.date(2026, 3, 1), started_on=dt.date(2026, 3, 1))
    assessments.save_assessment(
        case=case,
        by=case.assistant,
        date=dt.date(2026, 4, 1),
        narrative="Szkic",
        recommendation=Recommendation.CONTINUE,
        ratings={},
        submit=False,
    )
    assert assessments.next_assessment_due(case) == dt.date(2026, 6, 1)


def test_submitting_needs_every_area_and_ratings_on_the_scale():
    case = CaseFactory()
    with pytest.raises(InvalidTransition):
        assessments.save_assessment(
            case=case,
            by=case.assistant,
            date=dt.date(2026, 11, 1),
            narrative="Opis",
            recommendation=Recommendation.CONTINUE,
            ratings={},
            submit=True,
        )
    with pytest.raises(InvalidTransition):
        assessments.save_assessment(
            case=case,
            by=case.assistant,
            date=dt.date(2026, 11, 1),
            narrative="Opis",
            recommendation=Recommendation.CONTINUE,
            ratings=_ratings(6),
            submit=True,
        )


def test_trend_against_previous_assessment_and_acknowledgement(manager):
    case = CaseFactory()
    first = assessments.save_assessment(
        case=case,
        by=case.assistant,
        date=dt.date(2026, 5, 1),
        narrative="A",
        recommendation=Recommendation.CONTINUE,
        ratings=_ratings(2),
        submit=True,
    )
    second = assessments.save_assessment(
        case=case,
        by=case.assistant,
        date=dt.date(2026, 11, 1),
        narrative="B",
        recommendation=Recommendation.CONTINUE,
        ratings=_ratings(4),
        submit=True,
    )
    assert set(assessments.rating_trends(first).values()) == {None}
    assert set(assessments.rating_trends(second).values()) == {2}
    with pytest.raises(InvalidTransition):
        assessments.acknowledge_assessment(assessment=second, by=case.assistant)
    second = assessments.acknowledge_assessment(assessment=second, by=manager)
    assert second.status == AssessmentStatus.ACKNOWLEDGED
    with pytest.raises(InvalidTransition):
        assessments.acknowledge_assessment(assessment=second, by=manager)


@time_machine.travel(dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC), tick=False)
def test_closure_starts_monitoring_which_ends_on_its_date():
    case = CaseFactory()
    case = closure.close_with_monitoring(
        case=case,
        by=case.assistant,
        on=dt.date(2026, 11, 29),
        reason=ClosureReason.GOALS_ACHIEVED,
        final_assessment="Cele osiągnięte.",
    )
    assert case.status == CaseStatus.MONITORING
    assert case.monitoring_until == dt.date(2027, 5, 29)
    assert closure.end_due_monitoring(dt.date(2027, 5, 29)) == 0
    assert closure.end_due_monitoring(dt.date(2027, 5, 30)) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.ENDED
    with pytest.raises(InvalidTransition):
        plans.save_plan_version(case=case, by=case.assistant, main_goal="Cel", goals=_goals())
    with pytest.raises(InvalidTransition):
        services.ensure_writable(case)


def test_closure_needs_final_assessment_and_no_future_date():
    case = CaseFactory()
    with pytest.raises(InvalidTransition):
        closure.close_with_monitoring(
            case=case, by=case.assistant, on=dt.date(2026, 11, 1), reason="other", final_assessment=""
        )
    with pytest.raises(InvalidTransition):
        closure.close_with_monitoring(
            case=case, by=case.assistant, on=dt.date(2099, 1, 1), reason="other", final_assessment="x"
        )
