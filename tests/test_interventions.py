"""Interventions when a child's safety is at risk (art. 15 ust. 1 pkt 12): recorded by the case's
assistant, the case marked, and every active manager told at once, exactly once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from asystent.errors import InvalidTransition
from asystent.models import AccessLog
from cases.enums import CaseStatus
from notifications.models import Notification
from visits.models import Intervention
from visits.services import notify_managers_of_intervention, record_intervention

from .factories import CaseFactory, InterventionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read the English source texts; Polish rendering is tested elsewhere."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def case(assistant, social_worker):
    return CaseFactory(assistant=assistant, family__registered_by=social_worker, family__name="Wiśniewscy")


@pytest.fixture
def managers(manager):
    second = UserFactory(username="marek", manager=True)
    retired = UserFactory(username="teresa", manager=True, is_active=False)
    return {"active": [manager, second], "inactive": retired}


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides):
    now = timezone.now()
    data = {
        "date": _local(now - dt.timedelta(hours=2)),
        "description": "Ojciec pod wpływem alkoholu, dzieci same w mieszkaniu. Wezwano policję.",
        "informed_police": "on",
        "informed_at": _local(now - dt.timedelta(hours=1)),
        "reference_numbers": "RSD-451/26",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def service_data(**overrides):
    now = timezone.now()
    data = {
        "date": now - dt.timedelta(hours=2),
        "description": "Dzieci bez opieki.",
        "informed_police": True,
        "informed_court": False,
        "informed_other": False,
        "other_informed": "",
        "informed_at": now - dt.timedelta(hours=1),
        "reference_numbers": "",
    }
    data.update(overrides)
    return data


def test_the_assistant_records_an_intervention_and_the_managers_are_told(client, assistant, case, managers):
    client.force_login(assistant)
    url = reverse("visits:intervention-create", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(informed_court="on"), follow=True)
    intervention = Intervention.objects.get()
    assert response.redirect_chain == [(intervention.get_absolute_url(), 302)]
    # The confirmation names the managers told (asystent.told), never the inactive one.
    names = ", ".join(sorted(str(manager) for manager in managers["active"]))
    assert f"The intervention has been recorded. Notified: {names}." in response.content.decode()
    assert intervention.author == assistant
    assert intervention.informed_list == ["the police", "the family court"]
    case.refresh_from_db()
    assert case.has_intervention and case.version == 2
    for manager in managers["active"]:
        note = Notification.objects.get(recipient=manager)
        assert note.rule == "intervention"
        assert note.url == intervention.get_absolute_url()
        assert note.family_id == case.family_id
        assert "Wiśniewscy" in note.message
    assert not Notification.objects.filter(recipient__in=[managers["inactive"], assistant]).exists()


def test_the_manager_sees_it_at_once_and_reads_it(client, assistant, case, manager):
    intervention = record_intervention(case=case, data=service_data(), by=assistant)
    client.force_login(manager)
    note = Notification.objects.get(recipient=manager)
    response = client.get(note.url)
    assert response.status_code == 200
    assert "Dzieci bez opieki." in response.content.decode()
    log = AccessLog.objects.get(user=manager)
    assert (log.family_id, log.object_type, log.object_id) == (
        case.family_id,
        "intervention",
        intervention.pk,
    )


def test_notifying_again_creates_no_duplicates(assistant, case, managers):
    intervention = record_intervention(case=case, data=service_data(), by=assistant)
    assert notify_managers_of_intervention(intervention=intervention) == 0
    assert notify_managers_of_intervention(intervention=intervention) == 0
    for manager in managers["active"]:
        assert (
            Notification.objects.filter(recipient=manager, key=f"intervention:{intervention.pk}").count() == 1
        )


def test_each_intervention_is_its_own_notification(assistant, case, manager):
    record_intervention(case=case, data=service_data(), by=assistant)
    record_intervention(case=case, data=service_data(description="Druga sytuacja."), by=assistant)
    assert Notification.objects.filter(recipient=manager, rule="intervention").count() == 2


def test_the_monitored_family_can_still_get_an_intervention(assistant, manager):
    case = CaseFactory(
        assistant=assistant,
        status=CaseStatus.MONITORING,
        closed_on=timezone.localdate() - dt.timedelta(days=30),
        closure_reason="goals_achieved",
    )
    record_intervention(case=case, data=service_data(), by=assistant)
    case.refresh_from_db()
    assert case.has_intervention


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.ENDED])
def test_no_intervention_on_a_closed_or_ended_case(client, assistant, manager, status):
    case = CaseFactory(
        assistant=assistant, status=status, closed_on=timezone.localdate(), closure_reason="other"
    )
    with pytest.raises(InvalidTransition):
        record_intervention(case=case, data=service_data(), by=assistant)
    client.force_login(assistant)
    url = reverse("visits:intervention-create", args=[case.pk])
    assert 'name="description"' not in client.get(url).content.decode()
    client.post(url, form_data())
    assert not Intervention.objects.exists()
    assert not Notification.objects.exists()
    case.refresh_from_db()
    assert not case.has_intervention


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"informed_police": None}, "informed_police"),
        ({"informed_other": "on", "other_informed": ""}, "other_informed"),
        ({"date": _local(timezone.now() + dt.timedelta(days=1))}, "date"),
        ({"informed_at": _local(timezone.now() - dt.timedelta(days=1))}, "informed_at"),
    ],
    ids=["nobody-informed", "other-unnamed", "future-event", "informed-before-event"],
)
def test_the_form_explains_what_is_missing(client, assistant, case, manager, overrides, field):
    client.force_login(assistant)
    response = client.post(reverse("visits:intervention-create", args=[case.pk]), form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Ojciec pod wpływem alkoholu" in response.content.decode()  # what was typed stays
    assert not Intervention.objects.exists() and not Notification.objects.exists()


def test_the_service_refuses_an_intervention_without_anyone_informed(assistant, case):
    with pytest.raises(ValidationError):
        record_intervention(case=case, data=service_data(informed_police=False), by=assistant)
    assert not Intervention.objects.exists()


def test_the_database_refuses_an_intervention_without_anyone_informed(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionFactory(case=case, informed_police=False)


def test_only_the_cases_assistant_records_interventions(other_assistant, manager, case):
    for user in (other_assistant, manager):
        with pytest.raises(PermissionDenied):
            record_intervention(case=case, data=service_data(), by=user)
    case.refresh_from_db()
    assert not case.has_intervention


@pytest.mark.parametrize("role", ["social_worker", "manager"])
def test_who_may_see_the_case_but_is_not_its_assistant_gets_403(client, role_users, case, role):
    client.force_login(role_users[role])
    url = reverse("visits:intervention-create", args=[case.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert not Intervention.objects.exists()


def test_an_outsider_gets_404(client, other_assistant, admin_user, case):
    intervention = InterventionFactory(case=case)
    for user in (other_assistant, admin_user):
        client.force_login(user)
        assert client.get(reverse("visits:intervention-create", args=[case.pk])).status_code == 404
        assert (
            client.post(reverse("visits:intervention-create", args=[case.pk]), form_data()).status_code == 404
        )
        assert client.get(intervention.get_absolute_url()).status_code == 404
    assert Intervention.objects.count() == 1


@pytest.mark.parametrize("role", ["assistant", "social_worker", "manager"])
def test_who_may_see_the_case_reads_the_intervention_audited(client, role_users, case, role):
    intervention = InterventionFactory(case=case)
    client.force_login(role_users[role])
    assert client.get(intervention.get_absolute_url()).status_code == 200
    assert (
        AccessLog.objects.filter(
            user=role_users[role], object_type="intervention", object_id=intervention.pk, action="view"
        ).count()
        == 1
    )


def test_wrong_methods_get_405(client, assistant, case):
    intervention = InterventionFactory(case=case)
    client.force_login(assistant)
    assert client.put(reverse("visits:intervention-create", args=[case.pk])).status_code == 405
    assert client.post(intervention.get_absolute_url()).status_code == 405


def test_the_case_list_shows_the_interventions(client, social_worker, case):
    intervention = InterventionFactory(case=case)
    client.force_login(social_worker)
    html = client.get(reverse("visits:case-visits", args=[case.pk])).content.decode()
    assert intervention.get_absolute_url() in html
    assert "Record an intervention" not in html


def test_history_records_the_intervention_and_the_case_flag(assistant, case):
    intervention = record_intervention(case=case, data=service_data(), by=assistant)
    assert intervention.history.get().history_user == assistant
    latest = case.history.first()
    assert latest.has_intervention and latest.history_user == assistant
