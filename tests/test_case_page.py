"""The case page (details, court notice flag, assignments, consents, audit) and reassigning a case
to another assistant under the caseload limit."""

import re

import pytest
from django.urls import reverse

from asystent.models import AccessLog, Centre
from cases.enums import CaseStatus
from cases.models import Assignment

from .factories import CaseFactory, ConsentFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_case_page_shows_the_case_and_writes_the_access_log(client, assistant):
    case = CaseFactory(assistant=assistant, family__name="Kowalscy")
    referral = ReferralFactory(family=case.family, status="assigned", case=case)
    ConsentFactory(case=case, scope="Praca w obszarze opieki nad dziećmi")
    client.force_login(assistant)

    response = client.get(reverse("cases:case-detail", args=[case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kowalscy" in html and str(assistant) in html
    assert "Praca w obszarze opieki nad dziećmi" in html
    assert reverse("referrals:referral-detail", args=[referral.pk]) in html
    assert reverse("cases:consent-create", args=[case.pk]) in html
    assert reverse("cases:case-reassign", args=[case.pk]) not in html
    log = AccessLog.objects.get()
    assert (log.user, log.family_id, log.object_type, log.object_id, log.action) == (
        assistant,
        case.family_id,
        "case",
        case.pk,
        "view",
    )


def test_court_notice_flag_is_shown_prominently(client, assistant):
    case = CaseFactory(assistant=assistant, court_ordered=True, court_notice_needed=True)
    client.force_login(assistant)
    response = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert response.context["case"].court_notice_needed
    assert 'class="alert alert-danger" role="alert"' in response.content.decode()


def test_awaiting_consent_is_explained(client, assistant):
    case = CaseFactory(assistant=assistant, awaiting_consent=True)
    client.force_login(assistant)
    response = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert "alert-warning" in response.content.decode()
    assert response.context["referral"] is None


def test_manager_gets_reassign_and_consent_actions(client, manager):
    case = CaseFactory()
    client.force_login(manager)
    html = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert reverse("cases:case-reassign", args=[case.pk]) in html
    assert reverse("cases:consent-create", args=[case.pk]) in html


def test_closed_case_offers_no_consent(client, assistant):
    case = CaseFactory(assistant=assistant, closed=True)
    client.force_login(assistant)
    html = client.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert reverse("cases:consent-create", args=[case.pk]) not in html


def test_social_worker_of_the_case_sees_it_without_consent_action(client, social_worker):
    case = CaseFactory(family__registered_by=social_worker, social_worker=social_worker)
    client.force_login(social_worker)
    response = client.get(reverse("cases:case-detail", args=[case.pk]))
    assert response.status_code == 200
    assert reverse("cases:consent-create", args=[case.pk]) not in response.content.decode()


def test_case_page_outsiders_wrong_role_and_method(client, assistant, other_assistant, admin_user):
    case = CaseFactory(assistant=assistant)
    url = reverse("cases:case-detail", args=[case.pk])
    client.force_login(other_assistant)
    assert client.get(url).status_code == 404
    client.force_login(admin_user)
    assert client.get(url).status_code == 403
    client.force_login(assistant)
    assert client.post(url).status_code == 405
    assert AccessLog.objects.filter(user=other_assistant).count() == 0


# Reassignment


def test_reassign_shows_each_assistants_load_against_the_limit(client, manager, assistant, other_assistant):
    case = CaseFactory(assistant=assistant)
    CaseFactory.create_batch(3, assistant=other_assistant)
    client.force_login(manager)

    response = client.get(reverse("cases:case-reassign", args=[case.pk]))

    assert response.status_code == 200
    field = response.context["form"].fields["assistant"]
    assert list(field.queryset) == [other_assistant]
    label = field.label_from_instance(other_assistant)
    assert label.startswith(str(other_assistant))
    assert re.search(rf"\b3\b.*\b{Centre.load().caseload_limit}\b", label)
    assert label in response.content.decode()


def test_reassign_hands_the_case_over_and_records_the_reason(client, manager, assistant, other_assistant):
    case = CaseFactory(assistant=assistant)
    client.force_login(manager)

    response = client.post(
        reverse("cases:case-reassign", args=[case.pk]),
        {"assistant": other_assistant.pk, "reason": "Urlop asystentki"},
    )

    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.assistant == other_assistant
    latest = Assignment.objects.filter(case=case).latest("pk")
    assert (latest.assistant, latest.reason, latest.assigned_by) == (
        other_assistant,
        "Urlop asystentki",
        manager,
    )
    assert Assignment.objects.get(case=case, assistant=assistant).ended_on is not None


def test_reassign_requires_a_reason(client, manager, assistant, other_assistant):
    case = CaseFactory(assistant=assistant)
    client.force_login(manager)
    response = client.post(reverse("cases:case-reassign", args=[case.pk]), {"assistant": other_assistant.pk})
    assert "reason" in response.context["form"].errors
    case.refresh_from_db()
    assert case.assistant == assistant


def test_reassign_to_an_assistant_at_the_limit_is_refused_next_to_the_field(
    client, manager, assistant, other_assistant
):
    centre = Centre.load()
    centre.caseload_limit = 2
    centre.save()
    case = CaseFactory(assistant=assistant)
    CaseFactory.create_batch(2, assistant=other_assistant)
    client.force_login(manager)

    response = client.post(
        reverse("cases:case-reassign", args=[case.pk]), {"assistant": other_assistant.pk, "reason": "Zmiana"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["assistant"]
    assert errors[0].code == "caseload_full"
    assert 'value="Zmiana"' in response.content.decode() or "Zmiana</textarea>" in response.content.decode()
    case.refresh_from_db()
    assert case.assistant == assistant


def test_reassign_of_a_closed_case_is_refused(client, manager, other_assistant):
    case = CaseFactory(closed=True)
    client.force_login(manager)
    response = client.post(
        reverse("cases:case-reassign", args=[case.pk]), {"assistant": other_assistant.pk, "reason": "Zmiana"}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.assistant != other_assistant


def test_reassign_offers_no_inactive_or_non_assistant(client, manager, assistant):
    case = CaseFactory(assistant=assistant)
    UserFactory(username="gone", assistant=True, is_active=False)
    UserFactory(username="sw", social_worker=True)
    client.force_login(manager)
    response = client.get(reverse("cases:case-reassign", args=[case.pk]))
    usernames = {u.username for u in response.context["form"].fields["assistant"].queryset}
    assert "gone" not in usernames and "sw" not in usernames


def test_reassign_is_for_the_manager_only(client, assistant, social_worker, manager):
    case = CaseFactory(assistant=assistant, family__registered_by=social_worker, social_worker=social_worker)
    url = reverse("cases:case-reassign", args=[case.pk])
    for user in (assistant, social_worker):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.put(url).status_code == 405
    assert client.get(reverse("cases:case-reassign", args=[999999])).status_code == 404
