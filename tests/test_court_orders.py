"""Court orders: the intake form (case number, dates, scan) and the scan served only to those who
may see the family, every download recorded."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from asystent.models import AccessLog
from cases.enums import LegalBasis
from referrals.enums import ReferralStatus
from referrals.models import CourtOrder, Referral

from .factories import CaseFactory, CourtOrderFactory, FamilyFactory, ReferralFactory

TODAY = timezone.localdate
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
CASE_NUMBER_MESSAGE = (
    "Enter the case number as it appears on the order, e.g. III Nsm 123/24: the division "
    "in Roman numerals, the repertory letters, then the number and the two-digit year."
)


def url(name: str, *args: int) -> str:
    return reverse(f"referrals:{name}", args=args)


def assert_field_error(response, field: str, message: str) -> None:  # noqa: ANN001
    assert message in response.context["form"].errors[field]
    pattern = rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>{re.escape(escape(message))}</strong>'
    assert re.search(pattern, response.content.decode()), f"{message!r} is not shown next to {field}"


def order_data(**overrides) -> dict:
    data = {
        "court": "Sąd Rejonowy w Zielonej Dolinie",
        "division": "III Wydział Rodzinny i Nieletnich",
        "case_number": "III Nsm 123/26",
        "order_date": (TODAY() - dt.timedelta(days=10)).isoformat(),
        "received_on": (TODAY() - dt.timedelta(days=2)).isoformat(),
        "justification": "",
        "scan": SimpleUploadedFile("postanowienie.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


@pytest.fixture
def family(social_worker):
    return FamilyFactory(registered_by=social_worker)


# --- the intake form --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_social_worker_registers_a_court_order(client, social_worker, family, settings):
    client.force_login(social_worker)
    assert client.get(url("court-order-create", family.pk)).status_code == 200
    response = client.post(url("court-order-create", family.pk), order_data())
    order = CourtOrder.objects.get(family=family)
    referral = order.referral
    assert response.status_code == 302
    assert response.url == url("referral-detail", referral.pk)
    assert (referral.status, referral.legal_basis) == (ReferralStatus.SUBMITTED, LegalBasis.COURT_ORDER)
    assert referral.social_worker == social_worker
    assert referral.submitted_at is not None
    assert order.case_number == "III Nsm 123/26"
    assert order.registered_by == social_worker
    # Kept under MEDIA_ROOT/private, which has no URL.
    stored = Path(order.scan.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT) / "private")
    assert stored.read_bytes() == PDF


@pytest.mark.django_db
def test_the_manager_registers_one_for_the_familys_social_worker(client, manager, social_worker, family):
    client.force_login(manager)
    response = client.get(url("court-order-create", family.pk))
    assert response.context["form"].initial["social_worker"] == social_worker.pk
    client.post(url("court-order-create", family.pk), order_data(social_worker=social_worker.pk))
    referral = Referral.objects.get(family=family)
    assert referral.social_worker == social_worker
    assert referral.court_order.registered_by == manager


@pytest.mark.django_db
def test_a_social_worker_is_not_asked_whose_order_it_is(client, social_worker, family):
    client.force_login(social_worker)
    response = client.get(url("court-order-create", family.pk))
    assert "social_worker" not in response.context["form"].fields


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("III Nsm 123/24", "III Nsm 123/24"),
        ("I RC 7/25", "I RC 7/25"),
        ("XI Nkd 1045/26", "XI Nkd 1045/26"),
        ("iii Nsm 5/24", "III Nsm 5/24"),
        ("  IV   Nmo  12/26 ", "IV Nmo 12/26"),
    ],
)
def test_plausible_case_numbers_are_accepted(client, social_worker, family, typed, stored):
    client.force_login(social_worker)
    response = client.post(url("court-order-create", family.pk), order_data(case_number=typed))
    assert response.status_code == 302
    assert CourtOrder.objects.get().case_number == stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "123/24",
        "Nsm 123/24",
        "3 Nsm 123/24",
        "IIII Nsm 123/24",
        "III 123/24",
        "III Nsm 123",
        "III Nsm 123/2024",
    ],
)
def test_an_implausible_case_number_is_explained_and_kept(client, social_worker, family, typed):
    client.force_login(social_worker)
    response = client.post(url("court-order-create", family.pk), order_data(case_number=typed))
    assert response.status_code == 200
    assert_field_error(response, "case_number", gettext(CASE_NUMBER_MESSAGE))
    html = response.content.decode()
    assert f'value="{escape(typed)}"' in html
    assert escape("Sąd Rejonowy w Zielonej Dolinie") in html
    assert not CourtOrder.objects.exists()


@pytest.mark.django_db
def test_an_order_cannot_be_received_before_it_was_issued(client, social_worker, family):
    client.force_login(social_worker)
    response = client.post(
        url("court-order-create", family.pk),
        order_data(
            order_date=(TODAY() - dt.timedelta(days=2)).isoformat(),
            received_on=(TODAY() - dt.timedelta(days=5)).isoformat(),
        ),
    )
    assert_field_error(
        response, "received_on", gettext("The order cannot be received before the date it was issued.")
    )
    assert not response.context["form"].non_field_errors()
    assert not CourtOrder.objects.exists()


@pytest.mark.django_db
def test_dates_in_the_future_are_refused(client, social_worker, family):
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    client.force_login(social_worker)
    response = client.post(
        url("court-order-create", family.pk), order_data(order_date=tomorrow, received_on=tomorrow)
    )
    assert_field_error(response, "order_date", gettext("The date of the order cannot be in the future."))
    assert_field_error(response, "received_on", gettext("The date received cannot be in the future."))
    assert f'value="{tomorrow}"' in response.content.decode()
    assert not CourtOrder.objects.exists()


@pytest.mark.django_db
def test_a_scan_is_required(client, social_worker, family):
    client.force_login(social_worker)
    data = order_data()
    del data["scan"]
    response = client.post(url("court-order-create", family.pk), data)
    assert_field_error(response, "scan", gettext("Attach the scan of the order."))
    assert not CourtOrder.objects.exists()


@pytest.mark.django_db
def test_a_png_scan_is_accepted(client, social_worker, family):
    client.force_login(social_worker)
    scan = SimpleUploadedFile("skan.png", PNG, content_type="image/png")
    assert client.post(url("court-order-create", family.pk), order_data(scan=scan)).status_code == 302
    assert CourtOrder.objects.get().scan.read() == PNG


@pytest.mark.django_db
def test_a_file_that_is_not_a_scan_is_refused_whatever_its_name(client, social_worker, family):
    client.force_login(social_worker)
    fake = SimpleUploadedFile(
        "postanowienie.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
    )
    response = client.post(url("court-order-create", family.pk), order_data(scan=fake))
    assert_field_error(response, "scan", gettext("Only PDF, JPEG or PNG scans can be uploaded."))
    assert not CourtOrder.objects.exists()


@pytest.mark.django_db
def test_a_scan_over_the_size_limit_is_refused(client, social_worker, family, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("duzy.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    client.force_login(social_worker)
    response = client.post(url("court-order-create", family.pk), order_data(scan=big))
    assert_field_error(response, "scan", gettext("The file is too large (at most %(mb)d MB).") % {"mb": 1})
    assert not CourtOrder.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("other_social_worker", 404), ("assistant", 403), ("admin_user", 403)]
)
def test_who_may_register_a_court_order(client, request, family, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("court-order-create", family.pk)).status_code == status
    assert client.post(url("court-order-create", family.pk), order_data()).status_code == status
    assert not CourtOrder.objects.exists()


@pytest.mark.django_db
def test_the_court_order_form_answers_only_get_and_post(client, social_worker, family):
    client.force_login(social_worker)
    assert client.put(url("court-order-create", family.pk)).status_code == 405


@pytest.mark.django_db
def test_a_registered_order_heads_the_managers_queue(client, social_worker, manager, family):
    ReferralFactory(status=ReferralStatus.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=50))
    client.force_login(social_worker)
    client.post(url("court-order-create", family.pk), order_data())
    client.force_login(manager)
    queue = client.get(url("queue")).context["submitted"]
    assert queue[0].family == family
    assert queue[0].is_court_ordered


# --- the scan ---------------------------------------------------------------------------------


@pytest.fixture
def order_with_scan(client, social_worker, family):
    client.force_login(social_worker)
    client.post(url("court-order-create", family.pk), order_data())
    client.logout()
    return CourtOrder.objects.get()


@pytest.mark.django_db
def test_the_scan_is_downloaded_by_whoever_sees_the_family_and_recorded(
    client, order_with_scan, social_worker, manager, assistant
):
    CaseFactory(family=order_with_scan.family, assistant=assistant, court_ordered=True)
    for user in (social_worker, manager, assistant):
        client.force_login(user)
        response = client.get(url("court-order-scan", order_with_scan.pk))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    logs = AccessLog.objects.filter(action="download", object_type="courtorder", object_id=order_with_scan.pk)
    assert {log.user for log in logs} == {social_worker, manager, assistant}
    assert {log.family_id for log in logs} == {order_with_scan.family_id}


@pytest.mark.django_db
def test_the_scan_is_404_to_those_who_do_not_see_the_family(
    client, order_with_scan, other_social_worker, other_assistant
):
    CaseFactory(assistant=other_assistant)  # works, but with another family
    for user in (other_social_worker, other_assistant):
        client.force_login(user)
        assert client.get(url("court-order-scan", order_with_scan.pk)).status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_the_administrator_never_gets_the_scan(client, order_with_scan, admin_user):
    client.force_login(admin_user)
    assert client.get(url("court-order-scan", order_with_scan.pk)).status_code == 403


@pytest.mark.django_db
def test_an_order_without_a_scan_has_nothing_to_download(client, manager):
    order = CourtOrderFactory()
    client.force_login(manager)
    assert client.get(url("court-order-scan", order.pk)).status_code == 404


@pytest.mark.django_db
def test_the_scan_answers_only_get(client, order_with_scan, social_worker):
    client.force_login(social_worker)
    assert client.post(url("court-order-scan", order_with_scan.pk)).status_code == 405


@pytest.mark.django_db
def test_the_scan_needs_a_login(client, order_with_scan):
    response = client.get(url("court-order-scan", order_with_scan.pk))
    assert response.status_code == 302
    assert reverse("login") in response.url
