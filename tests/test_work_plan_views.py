"""The work plan pages: writing a plan with goals and actions (the statutory deadline and expected
effect), adding rows without JavaScript, revisions that keep the earlier versions, the
consultation with the social worker and the foster-care coordinator, and access per role."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from asystent.models import AccessLog
from cases.enums import CaseStatus, Placement
from cases.models import ProblemArea, WorkPlan
from cases.services import plans
from cases.services.plans import ActionData, GoalData

from .factories import CaseFactory, FamilyMemberFactory, ProblemAreaFactory, UserFactory

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2027, 3, 31)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def area():
    return ProblemAreaFactory(name="Opieka i wychowanie dzieci")


@pytest.fixture
def case(assistant, social_worker):
    case = CaseFactory(assistant=assistant, family__registered_by=social_worker, family__name="Kowalscy")
    FamilyMemberFactory(family=case.family, first_name="Ewa", last_name="Kowalska")
    FamilyMemberFactory(family=case.family, child=True, first_name="Zosia", last_name="Kowalska")
    return case


def action(**overrides):
    data = {
        "description": "Ustalenie stałego planu dnia z dziećmi",
        "responsible": "family_member",
        "responsible_name": "Ewa Kowalska",
        "deadline": DEADLINE.isoformat(),
        "expected_effect": "Dzieci wstają na czas i chodzą do szkoły.",
        "status": "planned",
    }
    data.update(overrides)
    return data


def plan_data(area, *, main_goal="Dzieci bezpieczne i pod dobrą opieką", goals=None, **extra):
    """What the plan form posts: the plan, then goals with their actions, each with its prefix."""
    goals = goals if goals is not None else [{"description": "Regularna nauka dzieci", "actions": [action()]}]
    data = {"main_goal": main_goal, "goals-TOTAL_FORMS": len(goals), "goals-INITIAL_FORMS": 0}
    for i, goal in enumerate(goals):
        data[f"goals-{i}-area"] = goal.get("area", area.pk)
        data[f"goals-{i}-description"] = goal["description"]
        if goal.get("delete"):
            data[f"goals-{i}-DELETE"] = "on"
        actions = goal["actions"]
        data[f"goals-{i}-actions-TOTAL_FORMS"] = len(actions)
        data[f"goals-{i}-actions-INITIAL_FORMS"] = 0
        for j, fields in enumerate(actions):
            for name, value in fields.items():
                data[f"goals-{i}-actions-{j}-{name}"] = value
    data.update(extra)
    return data


def first_plan(case, area, main_goal="Pierwszy cel główny"):
    return plans.save_plan_version(
        case=case,
        by=case.assistant,
        main_goal=main_goal,
        goals=[
            GoalData(
                area=area,
                description="Budżet domowy pod kontrolą",
                actions=[
                    ActionData(
                        description="Zapisywanie wydatków",
                        responsible="family_member",
                        responsible_name="Ewa",
                        deadline=DEADLINE,
                        expected_effect="Rodzina nie ma zaległości w opłatach.",
                    )
                ],
            )
        ],
    )


def field_error(html: str, field_id: str) -> str:
    """The error message shown next to the field with this id (crispy's invalid-feedback)."""
    match = re.search(rf'id="error_\d+_{re.escape(field_id)}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    return match.group(1).strip() if match else ""


# --- writing the plan ----------------------------------------------------------------------------


def test_the_assistant_writes_the_first_plan(client, case, area):
    client.force_login(case.assistant)
    url = reverse("cases:plan-create", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Every action needs a deadline and an expected effect." in page.text
    # Without a plan there is nothing to revise: no reason for a revision is asked for.
    assert 'name="revision_reason"' not in page.text

    response = client.post(url, plan_data(area))
    plan = WorkPlan.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:plan-detail", args=[plan.pk])
    assert plan.version == 1
    assert plan.created_by == case.assistant
    goal = plan.goals.get()
    assert goal.area == area
    action_saved = goal.actions.get()
    assert action_saved.deadline == DEADLINE
    assert action_saved.expected_effect == "Dzieci wstają na czas i chodzą do szkoły."
    assert action_saved.responsible_name == "Ewa Kowalska"

    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "Ustalenie stałego planu dnia z dziećmi" in detail.text
    assert "31.03.2027" in detail.text
    assert AccessLog.objects.filter(object_type="workplan", object_id=plan.pk, user=case.assistant).exists()


@pytest.mark.parametrize(
    "missing,field,message",
    [
        ("deadline", "deadline", "Give the deadline of the action."),
        ("expected_effect", "expected_effect", "Describe the expected effect of the action."),
    ],
)
def test_an_action_without_deadline_or_expected_effect_is_refused_next_to_the_field(
    client, case, area, missing, field, message
):
    client.force_login(case.assistant)
    data = plan_data(
        area, goals=[{"description": "Regularna nauka dzieci", "actions": [action(**{missing: ""})]}]
    )
    response = client.post(reverse("cases:plan-create", args=[case.pk]), data)
    assert response.status_code == 200
    assert not WorkPlan.objects.filter(case=case).exists()
    assert field_error(response.text, f"id_goals-0-actions-0-{field}") == message
    # What was typed is still there.
    assert "Dzieci bezpieczne i pod dobrą opieką" in response.text
    assert "Ustalenie stałego planu dnia z dziećmi" in response.text
    assert "Regularna nauka dzieci" in response.text


def test_a_plan_needs_a_goal_with_an_action(client, case, area):
    client.force_login(case.assistant)
    data = plan_data(area, goals=[{"description": "Cel bez działań", "actions": [action(description="")]}])
    data.update({f"goals-0-actions-0-{name}": "" for name in ("responsible", "deadline", "expected_effect")})
    response = client.post(reverse("cases:plan-create", args=[case.pk]), data)
    assert response.status_code == 200
    assert field_error(response.text, "id_goals-0-actions-0-description") == "Describe the action."
    assert not WorkPlan.objects.filter(case=case).exists()


def test_a_named_person_or_institution_is_required_for_them(client, case, area):
    client.force_login(case.assistant)
    data = plan_data(
        area,
        goals=[
            {"description": "Zdrowie", "actions": [action(responsible="institution", responsible_name="")]}
        ],
    )
    response = client.post(reverse("cases:plan-create", args=[case.pk]), data)
    assert response.status_code == 200
    assert (
        field_error(response.text, "id_goals-0-actions-0-responsible_name")
        == "Name the family member or the institution."
    )


def test_add_goal_keeps_the_input_and_adds_an_empty_goal(client, case, area):
    client.force_login(case.assistant)
    url = reverse("cases:plan-create", args=[case.pk])
    response = client.post(url, plan_data(area, add_goal="1"))
    assert response.status_code == 200
    assert not WorkPlan.objects.filter(case=case).exists()
    html = response.text
    assert "Dzieci bezpieczne i pod dobrą opieką" in html
    assert "Regularna nauka dzieci" in html
    assert f'value="{DEADLINE.isoformat()}"' in html
    assert 'name="goals-TOTAL_FORMS" value="2"' in html
    assert 'name="goals-1-area"' in html
    assert 'name="goals-1-actions-0-deadline"' in html
    # Adding a row is not a submission: nothing is marked as an error.
    assert "invalid-feedback" not in html
    assert "alert-danger" not in html


def test_add_action_keeps_the_input_and_adds_an_empty_action_to_that_goal(client, case, area):
    client.force_login(case.assistant)
    url = reverse("cases:plan-create", args=[case.pk])
    goals = [
        {"description": "Regularna nauka dzieci", "actions": [action()]},
        {"description": "Budżet domowy", "actions": [action(description="Zapisywanie wydatków")]},
    ]
    response = client.post(url, plan_data(area, goals=goals, add_action_1="1"))
    assert response.status_code == 200
    html = response.text
    assert 'name="goals-0-actions-TOTAL_FORMS" value="1"' in html
    assert 'name="goals-1-actions-TOTAL_FORMS" value="2"' in html
    assert "Zapisywanie wydatków" in html
    assert 'name="goals-1-actions-1-description"' in html
    assert "autofocus" in html

    # The page posted back as it is now, after filling the new row in, saves both actions.
    data = plan_data(
        area,
        goals=[
            goals[0],
            {
                "description": "Budżet domowy",
                "actions": [goals[1]["actions"][0], action(description="Wizyta w banku")],
            },
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    plan = WorkPlan.objects.get(case=case)
    assert [g.actions.count() for g in plan.goals.order_by("order")] == [1, 2]


def test_add_row_with_htmx_returns_only_the_editor(client, case, area):
    client.force_login(case.assistant)
    response = client.post(
        reverse("cases:plan-create", args=[case.pk]),
        plan_data(area, add_goal="1"),
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="plan-editor">')
    assert "<html" not in response.text
    assert 'name="goals-1-area"' in response.text


def test_a_blank_extra_goal_is_ignored_and_a_removed_goal_is_not_saved(client, case, area):
    client.force_login(case.assistant)
    blank = {"area": "", "description": "", "actions": [{"status": "planned"}]}
    removed = {"description": "Niepotrzebny cel", "delete": True, "actions": [action()]}
    data = plan_data(
        area, goals=[{"description": "Regularna nauka dzieci", "actions": [action()]}, blank, removed]
    )
    response = client.post(reverse("cases:plan-create", args=[case.pk]), data)
    assert response.status_code == 302
    plan = WorkPlan.objects.get(case=case)
    assert list(plan.goals.values_list("description", flat=True)) == ["Regularna nauka dzieci"]


# --- revisions ---------------------------------------------------------------------------------------


def test_a_revision_starts_from_the_current_version_and_keeps_the_old_one(client, case, area):
    v1 = first_plan(case, area)
    client.force_login(case.assistant)
    url = reverse("cases:plan-create", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Pierwszy cel główny" in page.text
    assert "Zapisywanie wydatków" in page.text
    assert 'name="revision_reason"' in page.text

    without_reason = client.post(url, plan_data(area, main_goal="Nowy cel główny"))
    assert without_reason.status_code == 200
    assert field_error(without_reason.text, "id_revision_reason") == "Give the reason for revising the plan."

    response = client.post(url, plan_data(area, main_goal="Nowy cel główny", revision_reason="Nowa sytuacja"))
    v2 = WorkPlan.objects.get(case=case, version=2)
    assert response["Location"] == reverse("cases:plan-detail", args=[v2.pk])
    assert v2.revision_reason == "Nowa sytuacja"

    old = client.get(reverse("cases:plan-detail", args=[v1.pk]))
    assert old.status_code == 200
    assert "archived version" in old.text
    assert "Pierwszy cel główny" in old.text
    assert "Zapisywanie wydatków" in old.text
    assert "Revise the plan" not in old.text
    current = client.get(reverse("cases:plan-detail", args=[v2.pk]))
    assert "archived version" not in current.text
    assert "Nowy cel główny" in current.text
    assert "Revise the plan" in current.text
    # The version selector lists both versions.
    assert reverse("cases:plan-detail", args=[v1.pk]) in current.text


# --- consultation ------------------------------------------------------------------------------------


def test_the_cases_social_worker_confirms_the_consultation(client, case, area):
    plan = first_plan(case, area)
    client.force_login(case.social_worker)
    page = client.get(reverse("cases:plan-detail", args=[plan.pk]))
    assert "Confirm the consultation" in page.text
    response = client.post(reverse("cases:plan-confirm", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.social_worker_confirmed_by == case.social_worker
    assert plan.social_worker_confirmed_at is not None
    assert "Confirm the consultation" not in client.get(reverse("cases:plan-detail", args=[plan.pk])).text


def test_only_the_cases_social_worker_confirms(client, case, area, manager):
    plan = first_plan(case, area)
    # Another social worker who sees the family (she referred it) but is not the case's.
    other = UserFactory(username="zofia", social_worker=True)
    case.social_worker = other
    case.save()
    referring = case.family.registered_by
    client.force_login(referring)
    assert "Confirm the consultation" not in client.get(reverse("cases:plan-detail", args=[plan.pk])).text
    assert client.post(reverse("cases:plan-confirm", args=[plan.pk])).status_code == 403
    client.force_login(case.assistant)
    assert client.post(reverse("cases:plan-confirm", args=[plan.pk])).status_code == 403
    client.force_login(manager)
    assert client.post(reverse("cases:plan-confirm", args=[plan.pk])).status_code == 403
    plan.refresh_from_db()
    assert plan.social_worker_confirmed_at is None
    client.force_login(other)
    assert client.post(reverse("cases:plan-confirm", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.social_worker_confirmed_by == other


def test_confirm_is_post_only(client, case, area):
    plan = first_plan(case, area)
    client.force_login(case.social_worker)
    assert client.get(reverse("cases:plan-confirm", args=[plan.pk])).status_code == 405


def test_the_foster_care_coordinator_is_required_when_a_child_is_in_foster_care(client, case, area):
    FamilyMemberFactory(
        family=case.family,
        child=True,
        first_name="Jan",
        placement=Placement.FOSTER_FAMILY,
        foster_coordinator="Maria Nowak, PCPR",
    )
    client.force_login(case.assistant)
    url = reverse("cases:plan-create", args=[case.pk])
    page = client.get(url)
    assert 'name="foster_coordinator_consulted_on"' in page.text
    assert "Maria Nowak, PCPR" in page.text  # pre-filled from the child's record

    response = client.post(url, plan_data(area))
    assert response.status_code == 200
    assert not WorkPlan.objects.filter(case=case).exists()
    assert field_error(response.text, "id_foster_coordinator_consulted_on") == (
        "Give the date of the consultation with the foster-care coordinator."
    )
    assert (
        field_error(response.text, "id_foster_coordinator_name")
        == "Give the name of the foster-care coordinator."
    )

    # art. 15 ust. 1 pkt 2: the plan names the child's help plan.
    assert (
        field_error(response.text, "id_child_help_plan_date")
        == "Give the date of the child&#x27;s help plan."
    )
    assert (
        field_error(response.text, "id_child_help_plan_keeper")
        == "Give the body that keeps the child&#x27;s help plan."
    )

    consulted = dt.date.today() - dt.timedelta(days=2)
    response = client.post(
        url,
        plan_data(
            area,
            foster_coordinator_consulted_on=consulted.isoformat(),
            foster_coordinator_name="Maria Nowak",
            social_worker_consulted_on=consulted.isoformat(),
            child_help_plan_date=(consulted - dt.timedelta(days=30)).isoformat(),
            child_help_plan_keeper="PCPR w Zielonej Dolinie",
        ),
    )
    assert response.status_code == 302
    plan = WorkPlan.objects.get(case=case)
    assert plan.foster_coordinator_name == "Maria Nowak"
    assert plan.foster_coordinator_consulted_on == consulted
    assert plan.child_help_plan_keeper == "PCPR w Zielonej Dolinie"
    assert plan.social_worker_consulted_on == consulted
    detail = client.get(reverse("cases:plan-detail", args=[plan.pk])).text
    assert "PCPR w Zielonej Dolinie" in detail


def test_the_service_refuses_a_plan_without_the_childs_help_plan(case, area):
    from asystent.errors import InvalidTransition
    from cases.services import plans

    FamilyMemberFactory(family=case.family, child=True, placement=Placement.RESIDENTIAL)
    goals = [
        plans.GoalData(
            area=area,
            description="Kontakty z dzieckiem",
            actions=[
                plans.ActionData(
                    description="Odwiedziny w placówce",
                    responsible="family_member",
                    deadline=dt.date.today() + dt.timedelta(days=30),
                    expected_effect="Regularne kontakty",
                )
            ],
        )
    ]
    with pytest.raises(InvalidTransition):
        plans.save_plan_version(
            case=case, by=case.assistant, main_goal="Powrót dziecka", goals=goals, foster_coordinator_name="M"
        )
    plan = plans.save_plan_version(
        case=case,
        by=case.assistant,
        main_goal="Powrót dziecka",
        goals=goals,
        foster_coordinator_name="Maria Nowak",
        child_help_plan_date=dt.date.today() - dt.timedelta(days=40),
        child_help_plan_keeper="PCPR",
    )
    assert plan.child_help_plan_date == dt.date.today() - dt.timedelta(days=40)


def test_no_foster_care_fields_without_a_child_in_foster_care(client, case):
    client.force_login(case.assistant)
    page = client.get(reverse("cases:plan-create", args=[case.pk]))
    assert 'name="foster_coordinator_consulted_on"' not in page.text


# --- access --------------------------------------------------------------------------------------------


def test_another_assistant_gets_404(client, case, area, other_assistant, other_social_worker):
    plan = first_plan(case, area)
    client.force_login(other_assistant)
    assert client.get(reverse("cases:plan-create", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:plan-detail", args=[plan.pk])).status_code == 404
    # A social worker with nothing to do with the family does not learn the plan exists.
    client.force_login(other_social_worker)
    assert client.get(reverse("cases:plan-detail", args=[plan.pk])).status_code == 404
    assert client.post(reverse("cases:plan-confirm", args=[plan.pk])).status_code == 404


def test_other_roles_may_not_write_the_plan(client, case, area, manager, admin_user):
    for user in (manager, case.social_worker, admin_user):
        client.force_login(user)
        assert client.get(reverse("cases:plan-create", args=[case.pk])).status_code == 403
        assert client.post(reverse("cases:plan-create", args=[case.pk]), plan_data(area)).status_code == 403
    assert not WorkPlan.objects.exists()


def test_an_assistant_who_sees_the_family_but_not_this_case_gets_403(client, case, area, other_assistant):
    # An earlier case of the same family was hers: she sees the family, not the right to write here.
    CaseFactory(family=case.family, assistant=other_assistant, closed=True)
    client.force_login(other_assistant)
    assert client.get(reverse("cases:plan-create", args=[case.pk])).status_code == 403


def test_the_manager_and_the_social_worker_read_the_plan(client, case, area, manager):
    plan = first_plan(case, area)
    for user in (manager, case.social_worker):
        client.force_login(user)
        page = client.get(reverse("cases:plan-detail", args=[plan.pk]))
        assert page.status_code == 200
        assert "Revise the plan" not in page.text


def test_wrong_methods(client, case, area):
    plan = first_plan(case, area)
    client.force_login(case.assistant)
    assert client.delete(reverse("cases:plan-create", args=[case.pk])).status_code == 405
    assert client.post(reverse("cases:plan-detail", args=[plan.pk])).status_code == 405


@pytest.mark.parametrize("status", [CaseStatus.ENDED, CaseStatus.MONITORING, CaseStatus.CLOSED])
def test_no_plan_on_a_case_no_longer_in_progress(client, case, area, status):
    case.status = status
    case.closure_reason = "goals_achieved"
    case.closed_on = dt.date.today()
    case.save()
    client.force_login(case.assistant)
    url = reverse("cases:plan-create", args=[case.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "This can be done only while the work with the family is in progress." in response.text
    response = client.post(url, plan_data(area), follow=True)
    assert response.status_code == 200
    assert not WorkPlan.objects.filter(case=case).exists()


def test_the_areas_carry_their_point_of_art_15_and_the_plan_groups_by_it(client, case):
    from cases.enums import StatutoryTask
    from cases.services import plans

    household = ProblemArea.objects.get(name="Prowadzenie gospodarstwa domowego")
    children = ProblemArea.objects.get(name="Opieka i wychowanie dzieci")
    assert (household.task, children.task) == (StatutoryTask.LIFE_SITUATION, StatutoryTask.UPBRINGING)

    def goal(area, text):
        action = plans.ActionData(
            description="Działanie",
            responsible="family_member",
            deadline=dt.date.today() + dt.timedelta(days=30),
            expected_effect="Efekt",
        )
        return plans.GoalData(area=area, description=text, actions=[action])

    plan = plans.save_plan_version(
        case=case,
        by=case.assistant,
        main_goal="Samodzielność",
        goals=[goal(children, "Nauka dzieci"), goal(household, "Budżet")],
    )
    client.force_login(case.assistant)
    page = client.get(reverse("cases:plan-detail", args=[plan.pk])).text
    listed = page[page.index('id="goals-by-task"') :]
    # Grouped in the order of the points: pkt 3 before pkt 6.
    assert listed.index("pkt 3") < listed.index("pkt 6")
