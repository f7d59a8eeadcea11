"""Two people (or two windows) editing the same record: the second save is refused with a clear
message, the first one's changes are kept and the refused form still shows what was typed. The
family and the visit have a version counter (their own tests: test_families.py, test_visits.py);
the opinion's edit form carries the version it was opened at and when that version last changed;
the draft referral, the manager's decision, a family member, the draft assessment and the work
plan are tested here."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cases import services as cases_services
from cases.enums import AssessmentStatus
from cases.models import Assessment, AssessmentArea, FamilyMember
from cases.services import assessments
from courts import services
from courts.enums import OpinionStatus
from courts.models import OPINION_SECTIONS
from referrals import services as referral_services
from referrals.enums import Decision, ReferralStatus
from referrals.models import Referral

from .factories import (
    AssessmentFactory,
    CaseFactory,
    CourtRequestFactory,
    FamilyMemberFactory,
    PlanActionFactory,
    ProblemAreaFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def opinion(assistant):
    court_request = CourtRequestFactory(case__assistant=assistant)
    return services.draft_opinion(request=court_request, by=assistant)


def form_of(client, opinion) -> dict:  # noqa: ANN001
    """What the edit page would post back unchanged: its sections and the hidden `seen`."""
    form = client.get(reverse("courts:opinion-edit", args=[opinion.pk])).context["form"]
    data = {name: form[name].value() or "" for name in OPINION_SECTIONS}
    return data | {"seen": form["seen"].value(), "action": "save"}


def test_the_second_of_two_windows_is_refused_and_the_first_text_stays(client, assistant, opinion):
    client.force_login(assistant)
    first, second = form_of(client, opinion), form_of(client, opinion)

    assert (
        client.post(
            reverse("courts:opinion-edit", args=[opinion.pk]), first | {"conclusions": "Pierwsze"}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("courts:opinion-edit", args=[opinion.pk]), second | {"conclusions": "Drugie"}
    )

    assert response.status_code == 200
    assert "was changed elsewhere after you opened it" in response.content.decode()
    assert response.context["form"]["conclusions"].value() == "Drugie"  # what they typed is still there
    assert opinion.current_version().conclusions == "Pierwsze"


def test_a_form_opened_before_approval_does_not_make_a_version(client, assistant, manager, opinion):
    client.force_login(assistant)
    stale = form_of(client, opinion)
    version = services.save_opinion(
        opinion=opinion, by=assistant, sections=dict.fromkeys(OPINION_SECTIONS, "Treść.")
    )
    services.submit_opinion(version=version, by=assistant)
    services.approve_opinion(version=version, by=manager)

    response = client.post(
        reverse("courts:opinion-edit", args=[opinion.pk]), stale | {"conclusions": "Stare"}
    )

    assert response.status_code == 200
    assert opinion.versions.count() == 1
    assert opinion.current_version().status == OpinionStatus.APPROVED


def test_the_next_version_of_a_frozen_one_is_made_once(client, assistant, manager, opinion):
    version = services.save_opinion(
        opinion=opinion, by=assistant, sections=dict.fromkeys(OPINION_SECTIONS, "Treść.")
    )
    services.submit_opinion(version=version, by=assistant)
    services.approve_opinion(version=version, by=manager)
    client.force_login(assistant)
    first, second = form_of(client, opinion), form_of(client, opinion)
    url = reverse("courts:opinion-edit", args=[opinion.pk])

    assert client.post(url, first | {"conclusions": "Wersja 2"}).status_code == 302
    assert client.post(url, second | {"conclusions": "Inna wersja 2"}).status_code == 200

    assert list(opinion.versions.order_by("number").values_list("number", "conclusions")) == [
        (1, "Treść."),
        (2, "Wersja 2"),
    ]


def test_saving_again_from_the_fresh_page_works(client, assistant, opinion):
    client.force_login(assistant)
    url = reverse("courts:opinion-edit", args=[opinion.pk])
    assert client.post(url, form_of(client, opinion) | {"conclusions": "Raz"}).status_code == 302
    assert client.post(url, form_of(client, opinion) | {"conclusions": "Dwa"}).status_code == 302
    assert opinion.current_version().conclusions == "Dwa"


# --- the generic two-window check of a plain form ---------------------------------------------


def posted(form) -> dict:  # noqa: ANN001
    """What a browser posts back from `form` unchanged, hidden fields included."""
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = "" if value is None else value
    return data


def opened(client, url: str) -> dict:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200
    return posted(response.context["form"])


# --- the draft referral -------------------------------------------------------------------------


@pytest.fixture
def draft_referral(social_worker):
    referral = ReferralFactory(family__registered_by=social_worker, social_worker=social_worker)
    referral.problem_areas.add(ProblemAreaFactory())
    return referral


def test_a_referral_saved_in_another_window_is_not_overwritten(client, social_worker, draft_referral):
    client.force_login(social_worker)
    url = reverse("referrals:referral-edit", args=[draft_referral.pk])
    first, second = opened(client, url), opened(client, url)
    assert first["version"] == 1

    saved = client.post(url, first | {"justification": "Pierwsze uzasadnienie", "action": "draft"})
    refused = client.post(url, second | {"justification": "Drugie uzasadnienie", "action": "draft"})

    assert saved.status_code == 302
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "This referral was changed elsewhere after you opened it" in html
    assert refused.context["form"]["justification"].value() == "Drugie uzasadnienie"
    assert "Drugie uzasadnienie" in html  # what was typed is still in the form
    draft_referral.refresh_from_db()
    assert (draft_referral.justification, draft_referral.version) == ("Pierwsze uzasadnienie", 2)
    # Sending the refused form again does not get it through either.
    assert client.post(url, second | {"justification": "Drugie uzasadnienie"}).status_code == 200

    fresh = opened(client, url)
    assert client.post(url, fresh | {"justification": "Po ponownym otwarciu"}).status_code == 302
    draft_referral.refresh_from_db()
    assert (draft_referral.justification, draft_referral.version) == ("Po ponownym otwarciu", 3)


def test_a_referral_submitted_in_another_window_keeps_the_typed_text(client, social_worker, draft_referral):
    client.force_login(social_worker)
    url = reverse("referrals:referral-edit", args=[draft_referral.pk])
    first, second = opened(client, url), opened(client, url)

    assert client.post(url, first | {"action": "submit"}).status_code == 302
    refused = client.post(url, second | {"justification": "Dopisane później", "action": "draft"})

    assert refused.status_code == 200
    assert "Only a draft referral can be changed." in refused.content.decode()
    assert refused.context["form"]["justification"].value() == "Dopisane później"
    draft_referral.refresh_from_db()
    assert draft_referral.status == ReferralStatus.SUBMITTED
    assert draft_referral.justification != "Dopisane później"


def test_saving_a_referral_from_a_stale_read_is_refused(social_worker, draft_referral):
    stale = Referral.objects.get(pk=draft_referral.pk)
    referral_services.save_referral(
        referral=draft_referral, data={"justification": "Pierwsze"}, version=1, by=social_worker
    )

    with pytest.raises(ValidationError) as refused:
        referral_services.save_referral(referral=stale, data={"justification": "Drugie"}, by=social_worker)

    assert refused.value.code == "stale_version"
    draft_referral.refresh_from_db()
    assert (draft_referral.justification, draft_referral.version) == ("Pierwsze", 2)


# --- the manager's decision ------------------------------------------------------------------------


def test_a_decision_on_a_page_opened_before_another_managers_decision_is_refused(client, manager):
    other_manager = UserFactory(manager=True)
    referral = ReferralFactory(submitted=True)
    url = reverse("referrals:referral-decide", args=[referral.pk])
    client.force_login(manager)
    mine = opened(client, url)
    client.force_login(other_manager)
    theirs = opened(client, url)

    client.force_login(manager)
    assert client.post(url, mine | {"decision": Decision.WAITLIST}).status_code == 302
    client.force_login(other_manager)
    refused = client.post(url, theirs | {"decision": Decision.REJECT, "note": "Brak podstaw do wsparcia"})

    assert refused.status_code == 200
    assert "Someone else recorded a decision on this referral" in refused.content.decode()
    assert refused.context["form"]["note"].value() == "Brak podstaw do wsparcia"
    referral.refresh_from_db()
    assert (referral.status, referral.decided_by, referral.decision_note) == (
        ReferralStatus.WAITLISTED,
        manager,
        "",
    )

    fresh = opened(client, url)
    assert client.post(url, fresh | {"decision": Decision.REJECT, "note": "Brak podstaw"}).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.decided_by) == (ReferralStatus.REJECTED, other_manager)


# --- a family member ----------------------------------------------------------------------------


@pytest.fixture
def member(social_worker):
    return FamilyMemberFactory(family__registered_by=social_worker, first_name="Anna", last_name="Nowak")


def test_a_member_corrected_by_someone_else_meanwhile_is_not_overwritten(
    client, social_worker, manager, member
):
    url = reverse("cases:member-edit", args=[member.pk])
    client.force_login(social_worker)
    mine = opened(client, url)
    client.force_login(manager)
    theirs = opened(client, url)

    client.force_login(social_worker)
    assert client.post(url, mine | {"first_name": "Anna Maria"}).status_code == 302
    client.force_login(manager)
    refused = client.post(url, theirs | {"last_name": "Nowak-Kowalska"})

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Someone else changed this person&#x27;s details while you were editing them." in html
    assert refused.context["form"]["last_name"].value() == "Nowak-Kowalska"
    assert 'value="Nowak-Kowalska"' in html  # what the manager typed stays in the form
    assert "Anna Maria" in html  # and the first name now on file is shown beside it
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.version) == ("Anna Maria", "Nowak", 2)

    fresh = opened(client, url)
    assert fresh["first_name"] == "Anna Maria"
    assert client.post(url, fresh | {"last_name": "Nowak-Kowalska"}).status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.version) == ("Anna Maria", "Nowak-Kowalska", 3)


def test_a_member_removed_while_being_edited_is_not_saved(client, social_worker, member):
    client.force_login(social_worker)
    url = reverse("cases:member-edit", args=[member.pk])
    form = opened(client, url)
    cases_services.remove_member(member=member, by=social_worker, reason="Dodana przez pomyłkę")

    response = client.post(url, form | {"first_name": "Anna Maria"})

    assert response.status_code == 404  # a removed person is not reached through the family any more
    member = FamilyMember.all_objects.get(pk=member.pk)
    assert (member.first_name, member.version) == ("Anna", 2)


def test_updating_a_member_from_a_stale_read_is_refused(social_worker, member):
    stale = FamilyMember.objects.get(pk=member.pk)
    cases_services.update_member(member=member, data={"first_name": "Anna Maria"}, by=social_worker)

    with pytest.raises(ValidationError) as refused:
        cases_services.update_member(member=stale, data={"last_name": "Kowalska"}, by=social_worker)
    assert refused.value.code == "stale_version"

    cases_services.remove_member(member=member, by=social_worker, reason="Dodana przez pomyłkę")
    with pytest.raises(ValidationError) as removed:
        cases_services.update_member(
            member=member, data={"last_name": "Kowalska"}, version=3, by=social_worker
        )
    assert removed.value.code == "removed"
    member = FamilyMember.all_objects.get(pk=member.pk)
    assert (member.first_name, member.last_name, member.version) == ("Anna Maria", "Nowak", 3)


# --- a draft assessment -----------------------------------------------------------------------------


@pytest.fixture
def draft_assessment(assistant):
    return AssessmentFactory(case__assistant=assistant, narrative="Na początku")


def test_an_assessment_saved_in_another_window_is_not_overwritten(client, assistant, draft_assessment):
    client.force_login(assistant)
    url = reverse("cases:assessment-edit", args=[draft_assessment.pk])
    first, second = opened(client, url), opened(client, url)

    saved = client.post(url, first | {"narrative": "Pierwszy opis", "save_draft": "1"})
    refused = client.post(url, second | {"narrative": "Drugi opis", "save_draft": "1"})

    assert saved.status_code == 302
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "This assessment was changed elsewhere after you opened it" in html
    assert refused.context["form"]["narrative"].value() == "Drugi opis"
    assert "Drugi opis" in html
    draft_assessment.refresh_from_db()
    assert (draft_assessment.narrative, draft_assessment.version) == ("Pierwszy opis", 2)

    fresh = opened(client, url)
    assert client.post(url, fresh | {"narrative": "Trzeci opis", "save_draft": "1"}).status_code == 302
    draft_assessment.refresh_from_db()
    assert (draft_assessment.narrative, draft_assessment.version) == ("Trzeci opis", 3)


def test_an_assessment_submitted_in_another_window_keeps_the_typed_text(client, assistant, draft_assessment):
    client.force_login(assistant)
    url = reverse("cases:assessment-edit", args=[draft_assessment.pk])
    first, second = opened(client, url), opened(client, url)
    ratings = {f"rating_{area.pk}": "3" for area in AssessmentArea.objects.filter(is_active=True)}

    assert client.post(url, first | ratings | {"submit": "1"}).status_code == 302
    refused = client.post(url, second | {"narrative": "Dopisane później", "save_draft": "1"})

    assert refused.status_code == 200
    assert "A submitted assessment cannot be changed." in refused.content.decode()
    assert refused.context["form"]["narrative"].value() == "Dopisane później"
    draft_assessment.refresh_from_db()
    assert draft_assessment.status == AssessmentStatus.SUBMITTED
    assert draft_assessment.narrative == "Na początku"


def test_saving_an_assessment_from_a_stale_read_is_refused(assistant, manager, draft_assessment):
    stale = Assessment.objects.get(pk=draft_assessment.pk)

    def save(assessment: Assessment, narrative: str) -> Assessment:
        return assessments.save_assessment(
            case=assessment.case,
            by=assistant,
            date=assessment.date,
            narrative=narrative,
            recommendation=assessment.recommendation,
            ratings={},
            submit=False,
            assessment=assessment,
        )

    save(draft_assessment, "Pierwszy")
    with pytest.raises(ValidationError) as refused:
        save(stale, "Drugi")

    assert refused.value.code == "stale_version"
    draft_assessment.refresh_from_db()
    assert (draft_assessment.narrative, draft_assessment.version) == ("Pierwszy", 2)


# --- the work plan --------------------------------------------------------------------------------


def plan_posted(editor, **changes) -> dict:  # noqa: ANN001
    """What the plan page posts back: the plan form, the goals and their actions, as shown."""
    data = posted(editor.plan_form)
    for formset in (editor.goals, *editor.actions):
        data |= {
            f"{formset.prefix}-TOTAL_FORMS": formset.total_form_count(),
            f"{formset.prefix}-INITIAL_FORMS": 0,
        }
        for form in formset.forms:
            data |= {form.add_prefix(name): value for name, value in posted(form).items()}
    return data | {"save": "1"} | changes


@pytest.fixture
def plan_case(assistant):
    case = CaseFactory(assistant=assistant)
    PlanActionFactory(goal__plan__case=case, goal__area=ProblemAreaFactory())
    return case


def test_a_plan_revised_in_another_window_is_not_replaced(client, assistant, plan_case):
    client.force_login(assistant)
    url = reverse("cases:plan-create", args=[plan_case.pk])
    first = client.get(url).context["editor"]
    second = client.get(url).context["editor"]
    assert first.plan_form["based_on"].value() == 1

    saved = client.post(url, plan_posted(first, main_goal="Wersja druga", revision_reason="Nowe potrzeby"))
    refused = client.post(url, plan_posted(second, main_goal="Inna wersja", revision_reason="Inne potrzeby"))

    assert saved.status_code == 302
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "The work plan was saved elsewhere after you opened this form" in html
    assert "Inna wersja" in html  # what was typed is still in the form
    assert list(plan_case.plans.order_by("version").values_list("version", "main_goal"))[-1] == (
        2,
        "Wersja druga",
    )
    assert plan_case.plans.count() == 2

    fresh = client.get(url).context["editor"]
    assert fresh.plan_form["based_on"].value() == 2
    again = client.post(url, plan_posted(fresh, main_goal="Wersja trzecia", revision_reason="Po rozmowie"))
    assert again.status_code == 302
    assert plan_case.plans.order_by("-version").first().main_goal == "Wersja trzecia"


def test_two_windows_writing_the_first_plan_make_one(client, assistant):
    case = CaseFactory(assistant=assistant)
    area = ProblemAreaFactory()
    client.force_login(assistant)
    url = reverse("cases:plan-create", args=[case.pk])
    windows = [client.get(url).context["editor"] for _ in range(2)]
    action = {
        "description": "Plan dnia",
        "responsible": "family_member",
        "responsible_name": "Matka",
        "deadline": "2099-01-31",
        "expected_effect": "Dzieci chodzą do szkoły.",
        "status": "planned",
    }
    typed = {"goals-0-area": area.pk, "goals-0-description": "Nauka"} | {
        f"goals-0-actions-0-{name}": value for name, value in action.items()
    }

    assert client.post(url, plan_posted(windows[0], main_goal="Pierwszy plan") | typed).status_code == 302
    refused = client.post(url, plan_posted(windows[1], main_goal="Drugi plan") | typed)

    assert refused.status_code == 200
    assert "The work plan was saved elsewhere after you opened this form" in refused.content.decode()
    assert list(case.plans.values_list("version", "main_goal")) == [(1, "Pierwszy plan")]


# --- reassignment -----------------------------------------------------------------------------------


def test_a_reassignment_chosen_before_another_managers_is_refused(
    client, manager, assistant, other_assistant
):
    third = UserFactory(username="trzecia", assistant=True)
    case = CaseFactory(assistant=assistant)
    url = reverse("cases:case-reassign", args=[case.pk])
    client.force_login(manager)
    first = opened(client, url)
    second = opened(client, url)
    first.update(assistant=other_assistant.pk, reason="Urlop")
    assert client.post(url, first).status_code == 302

    second.update(assistant=third.pk, reason="Przeprowadzka rodziny")
    response = client.post(url, second)

    assert response.status_code == 200
    assert "Meanwhile someone else handed this case to" in response.content.decode()
    case.refresh_from_db()
    assert case.assistant == other_assistant
    assert case.assignments.count() == 2
    # The typed reason stays; sending the form again is now a deliberate choice over the new state.
    again = posted(response.context["form"])
    assert again["reason"] == "Przeprowadzka rodziny"
    assert client.post(url, again).status_code == 302
    case.refresh_from_db()
    assert case.assistant == third


def test_reassigning_from_a_stale_read_is_refused(manager, assistant, other_assistant):
    case = CaseFactory(assistant=assistant)
    cases_services.reassign_case(case=case, assistant=other_assistant, by=manager, reason="Urlop")
    with pytest.raises(ValidationError) as refused:
        cases_services.reassign_case(
            case=case,
            assistant=UserFactory(assistant=True),
            by=manager,
            reason="Inny powód",
            seen_assistant_id=assistant.pk,
        )
    assert refused.value.code == "stale_version"
    case.refresh_from_db()
    assert case.assistant == other_assistant


# --- the centre's settings ----------------------------------------------------------------------


def test_centre_settings_saved_in_another_window_are_not_overwritten(client, admin_user):
    from asystent.models import Centre

    url = reverse("centre-edit")
    client.force_login(admin_user)
    first, second = opened(client, url), opened(client, url)
    first.update(caseload_limit=12, logo="")
    assert client.post(url, first).status_code == 302

    second.update(name="MOPS w Zielonej Dolinie", logo="")
    response = client.post(url, second)

    assert response.status_code == 200
    refusal = response.context["form"].non_field_errors()[0]
    assert refusal.startswith("Someone else changed the centre's settings")
    assert escape(refusal) in response.content.decode()
    centre = Centre.load()
    assert (centre.caseload_limit, centre.version) == (12, 2)
    assert centre.name != "MOPS w Zielonej Dolinie"
    assert response.context["form"]["name"].value() == "MOPS w Zielonej Dolinie"
    # From a freshly opened page the change goes through.
    fresh = opened(client, url)
    fresh.update(name="MOPS w Zielonej Dolinie", logo="")
    assert client.post(url, fresh).status_code == 302
    assert Centre.load().name == "MOPS w Zielonej Dolinie"
