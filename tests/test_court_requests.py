"""Court requests: registering the court's letter from the case, the list of open requests by due
date (own cases for an assistant, all for a manager), the detail page and the audited scan."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from asystent.models import AccessLog
from courts.models import CourtRequest

from .factories import CaseFactory, CourtOrderFactory, CourtRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings, client):
    """Assertions read the English source strings: the Polish catalogue may reword them."""
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def case(assistant, social_worker):
    return CaseFactory(
        assistant=assistant,
        family__registered_by=social_worker,
        family__name="Wiśniewscy",
        court_ordered=True,
    )


def form_data(**overrides):
    today = timezone.localdate()
    data = {
        "court": "Sąd Rejonowy dla Łodzi-Śródmieścia w Łodzi",
        "division": "III Wydział Rodzinny i Nieletnich",
        "court_address": "ul. Kopcińskiego 56, 90-032 Łódź",
        "case_number": "III Nsm 321/26",
        "letter_date": (today - dt.timedelta(days=9)).isoformat(),
        "received_on": (today - dt.timedelta(days=5)).isoformat(),
        "due_date": (today + dt.timedelta(days=30)).isoformat(),
        "request_text": "Sąd prosi o opinię o rodzinie w terminie 30 dni.",
    }
    data.update(overrides)
    return data


# --- create ---------------------------------------------------------------------------------------


def test_the_assistant_registers_a_request_with_its_scan(client, case, assistant):
    client.force_login(assistant)
    scan = SimpleUploadedFile("pismo.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("courts:court-request-create", args=[case.pk]), form_data(scan=scan), follow=True
    )
    request = CourtRequest.objects.get()
    assert response.redirect_chain[-1][0] == reverse("courts:court-request-detail", args=[request.pk])
    assert request.case == case and request.registered_by == assistant
    assert request.status == "open" and request.case_number == "III Nsm 321/26"
    assert request.scan.name.startswith("court_requests/")
    assert request.history.count() == 1
    assert "III Nsm 321/26" in response.content.decode()


def test_the_form_is_prefilled_from_the_court_order(client, case, assistant):
    CourtOrderFactory(family=case.family, court="Sąd Rejonowy w Łodzi", case_number="III Nsm 9/26")
    client.force_login(assistant)
    response = client.get(reverse("courts:court-request-create", args=[case.pk]))
    assert response.status_code == 200
    assert response.context["form"].initial["case_number"] == "III Nsm 9/26"


def test_a_manager_may_register_a_request(client, case, manager):
    client.force_login(manager)
    response = client.post(reverse("courts:court-request-create", args=[case.pk]), form_data())
    assert response.status_code == 302
    assert CourtRequest.objects.get().registered_by == manager


def test_wrong_dates_are_shown_next_to_the_field_and_keep_the_input(client, case, assistant):
    client.force_login(assistant)
    today = timezone.localdate()
    response = client.post(
        reverse("courts:court-request-create", args=[case.pk]),
        form_data(
            received_on=(today - dt.timedelta(days=20)).isoformat(),
            due_date=(today - dt.timedelta(days=30)).isoformat(),
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "received_on" in form.errors and "due_date" in form.errors
    assert 'value="III Nsm 321/26"' in response.content.decode()
    assert not CourtRequest.objects.exists()


def test_a_non_scan_file_is_refused(client, case, assistant):
    client.force_login(assistant)
    bad = SimpleUploadedFile("pismo.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("courts:court-request-create", args=[case.pk]), form_data(scan=bad))
    assert response.status_code == 200
    assert "scan" in response.context["form"].errors
    assert not CourtRequest.objects.exists()


def test_create_access(client, case, other_assistant, social_worker, admin_user):
    url = reverse("courts:court-request-create", args=[case.pk])
    client.force_login(other_assistant)  # not their family: it does not exist for them
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    client.force_login(social_worker)  # sees the family, but does not write opinions
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    client.force_login(admin_user)
    assert client.get(url).status_code == 404
    assert not CourtRequest.objects.exists()


def test_create_refuses_other_methods(client, case, assistant):
    client.force_login(assistant)
    assert client.put(reverse("courts:court-request-create", args=[case.pk])).status_code == 405


# --- list -------------------------------------------------------------------------------------------


def test_the_assistant_sees_the_open_requests_of_own_cases_by_due_date(client, assistant, other_assistant):
    today = timezone.localdate()
    later = CourtRequestFactory(case__assistant=assistant, due_date=today + dt.timedelta(days=20))
    sooner = CourtRequestFactory(case__assistant=assistant, due_date=today + dt.timedelta(days=3))
    CourtRequestFactory(case__assistant=assistant, answered=True)
    CourtRequestFactory(case__assistant=other_assistant)
    client.force_login(assistant)
    response = client.get(reverse("courts:court-request-list"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["requests"]] == [sooner.pk, later.pk]


def test_the_manager_sees_every_open_request_and_overdue_ones_first(
    client, manager, django_assert_max_num_queries
):
    today = timezone.localdate()
    overdue = CourtRequestFactory(
        letter_date=today - dt.timedelta(days=60),
        received_on=today - dt.timedelta(days=55),
        due_date=today - dt.timedelta(days=2),
    )
    for _ in range(5):
        CourtRequestFactory()
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("courts:court-request-list"))
    requests = response.context["requests"]
    assert len(requests) == 6 and requests[0].pk == overdue.pk
    assert "overdue" in response.content.decode()


@pytest.mark.parametrize("role", ["social_worker", "administrator"])
def test_the_list_is_for_assistants_and_managers(client, role_users, role):
    client.force_login(role_users[role])
    assert client.get(reverse("courts:court-request-list")).status_code == 403


def test_the_list_refuses_post(client, assistant):
    client.force_login(assistant)
    assert client.post(reverse("courts:court-request-list")).status_code == 405


# --- detail and scan ---------------------------------------------------------------------------------


def test_detail_is_audited_and_hidden_from_outsiders(client, assistant, other_assistant, social_worker):
    court_request = CourtRequestFactory(case__assistant=assistant, case__family__registered_by=social_worker)
    url = reverse("courts:court-request-detail", args=[court_request.pk])
    client.force_login(assistant)
    response = client.get(url)
    assert response.status_code == 200
    assert "Draft the opinion" in response.content.decode()
    assert AccessLog.objects.filter(user=assistant, object_type="courtrequest", action="view").count() == 1
    client.force_login(social_worker)  # may see the family, but does not draft opinions
    response = client.get(url)
    assert response.status_code == 200 and "Draft the opinion" not in response.content.decode()
    client.force_login(other_assistant)
    assert client.get(url).status_code == 404
    client.force_login(assistant)
    assert client.post(url).status_code == 405


def test_the_scan_download_is_audited(client, assistant, other_assistant):
    court_request = CourtRequestFactory(case__assistant=assistant)
    court_request.scan = SimpleUploadedFile("pismo.pdf", PDF_BYTES)
    court_request.save()
    url = reverse("courts:court-request-scan", args=[court_request.pk])
    client.force_login(other_assistant)
    assert client.get(url).status_code == 404
    assert not AccessLog.objects.exists()
    client.force_login(assistant)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id, log.family_id) == (
        assistant,
        "download",
        court_request.pk,
        court_request.case.family_id,
    )
    assert client.post(url).status_code == 405


def test_no_scan_is_404(client, assistant):
    court_request = CourtRequestFactory(case__assistant=assistant)
    client.force_login(assistant)
    assert client.get(reverse("courts:court-request-scan", args=[court_request.pk])).status_code == 404


def test_a_deactivated_user_sees_nothing(client):
    former = UserFactory(assistant=True, is_active=False)
    court_request = CourtRequestFactory(case__assistant=former)
    client.force_login(former)
    response = client.get(reverse("courts:court-request-detail", args=[court_request.pk]))
    assert response.status_code in (302, 404)
