"""Recording the family's consent, refusal or withdrawal with the signed form's scan, its effect on
the case, the upload checks, and the scan's download (only to those who may see the family)."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from asystent.models import AccessLog
from cases.enums import CaseStatus, ClosureReason, ConsentDecision, Relation
from cases.models import Consent

from .factories import CaseFactory, ConsentFactory, FamilyMemberFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def voluntary_case(assistant):
    case = CaseFactory(assistant=assistant, awaiting_consent=True, family__name="Kowalscy")
    FamilyMemberFactory(family=case.family, first_name="Anna")
    FamilyMemberFactory(family=case.family, first_name="Jan", child=True)
    return case


def post_consent(client, case, **fields):
    mother = case.family.members.exclude(relation=Relation.CHILD).first()
    data = {
        "decision": ConsentDecision.GIVEN,
        "date": timezone.localdate().isoformat(),
        "signed_by": [mother.pk],
        "scope": "Wsparcie w opiece nad dziećmi",
        "reason": "",
        **fields,
    }
    return client.post(reverse("cases:consent-create", args=[case.pk]), data)


def test_form_says_consent_is_not_consent_to_data_processing_and_offers_adults(
    client, assistant, voluntary_case
):
    client.force_login(assistant)
    response = client.get(reverse("cases:consent-create", args=[voluntary_case.pk]))
    assert response.status_code == 200
    assert 'role="note"' in response.content.decode()
    signers = {m.first_name for m in response.context["form"].fields["signed_by"].queryset}
    assert signers == {"Anna"}


def test_consent_given_with_a_png_scan_makes_the_case_active(client, assistant, voluntary_case):
    client.force_login(assistant)

    response = post_consent(
        client, voluntary_case, scan=SimpleUploadedFile("zgoda.png", png_bytes(), content_type="image/png")
    )

    assert response.status_code == 302 and response["Location"] == voluntary_case.get_absolute_url()
    voluntary_case.refresh_from_db()
    assert voluntary_case.status == CaseStatus.ACTIVE
    assert voluntary_case.started_on == timezone.localdate()
    consent = Consent.objects.get()
    assert consent.scan.name.startswith("consents/") and consent.recorded_by == assistant
    assert [m.first_name for m in consent.signed_by.all()] == ["Anna"]


def test_consent_with_a_pdf_scan_is_accepted(client, assistant, voluntary_case):
    client.force_login(assistant)
    response = post_consent(client, voluntary_case, scan=SimpleUploadedFile("zgoda.pdf", PDF))
    assert response.status_code == 302
    assert Consent.objects.get().scan


def test_text_file_named_pdf_is_refused_and_input_kept(client, assistant, voluntary_case):
    client.force_login(assistant)

    response = post_consent(
        client, voluntary_case, scan=SimpleUploadedFile("zgoda.pdf", b"just some text, not a PDF at all")
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["scan"][0].code == "file_type"
    assert "Wsparcie w opiece nad dziećmi" in response.content.decode()
    assert not Consent.objects.exists()
    voluntary_case.refresh_from_db()
    assert voluntary_case.status == CaseStatus.AWAITING_CONSENT


def test_too_large_scan_is_refused(client, assistant, voluntary_case, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(assistant)
    big = PDF + b"0" * 2048
    response = post_consent(client, voluntary_case, scan=SimpleUploadedFile("zgoda.pdf", big))
    assert response.context["form"].errors.as_data()["scan"][0].code == "file_too_large"
    assert not Consent.objects.exists()


def test_consent_needs_a_signer_and_no_future_date(client, assistant, voluntary_case):
    client.force_login(assistant)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = post_consent(client, voluntary_case, signed_by=[], date=tomorrow)
    errors = response.context["form"].errors
    assert "signed_by" in errors and "date" in errors
    assert not Consent.objects.exists()


def test_refusal_of_voluntary_work_closes_the_case(client, assistant, voluntary_case):
    client.force_login(assistant)
    response = post_consent(
        client,
        voluntary_case,
        decision=ConsentDecision.REFUSED,
        signed_by=[],
        reason="Rodzina nie chce pomocy",
    )
    assert response.status_code == 302
    voluntary_case.refresh_from_db()
    assert voluntary_case.status == CaseStatus.CLOSED
    assert voluntary_case.closure_reason == ClosureReason.REFUSED
    assert voluntary_case.closed_on == timezone.localdate()


def test_refusal_needs_a_reason(client, assistant, voluntary_case):
    client.force_login(assistant)
    response = post_consent(client, voluntary_case, decision=ConsentDecision.REFUSED, signed_by=[])
    assert response.context["form"].errors.as_data()["reason"][0].code == "required"
    voluntary_case.refresh_from_db()
    assert voluntary_case.status == CaseStatus.AWAITING_CONSENT


def test_refusal_of_court_ordered_work_flags_the_case_for_the_court(client, assistant):
    case = CaseFactory(assistant=assistant, court_ordered=True)
    FamilyMemberFactory(family=case.family)
    client.force_login(assistant)

    response = post_consent(
        client, case, decision=ConsentDecision.REFUSED, signed_by=[], reason="Odmowa współpracy"
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.court_notice_needed
    page = client.get(case.get_absolute_url())
    assert page.context["case"].court_notice_needed


def test_withdrawal_closes_the_case_with_reason_withdrew(client, assistant, voluntary_case):
    client.force_login(assistant)
    post_consent(client, voluntary_case)
    response = post_consent(
        client, voluntary_case, decision=ConsentDecision.WITHDRAWN, signed_by=[], reason="Rodzina rezygnuje"
    )
    assert response.status_code == 302
    voluntary_case.refresh_from_db()
    assert voluntary_case.status == CaseStatus.CLOSED
    assert voluntary_case.closure_reason == ClosureReason.WITHDREW


def test_refused_transition_is_shown_on_the_form(client, assistant, voluntary_case):
    client.force_login(assistant)
    response = post_consent(
        client, voluntary_case, decision=ConsentDecision.WITHDRAWN, signed_by=[], reason="Rezygnacja"
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Consent.objects.exists()


def test_manager_may_record_consent(client, manager, voluntary_case):
    client.force_login(manager)
    assert post_consent(client, voluntary_case).status_code == 302
    assert Consent.objects.get().recorded_by == manager


def test_consent_form_access(client, voluntary_case, other_assistant, social_worker):
    url = reverse("cases:consent-create", args=[voluntary_case.pk])
    client.force_login(other_assistant)
    assert client.get(url).status_code == 404
    # The social worker of the family sees the case but does not record consent.
    voluntary_case.social_worker = social_worker
    voluntary_case.save()
    client.force_login(social_worker)
    assert client.get(url).status_code == 403
    client.force_login(voluntary_case.assistant)
    assert client.delete(url).status_code == 405


# Downloading the scan


@pytest.fixture
def consent_with_scan(assistant):
    consent = ConsentFactory(case=CaseFactory(assistant=assistant))
    consent.scan.save("zgoda.png", ContentFile(png_bytes()))
    return consent


def test_scan_download_is_an_attachment_typed_by_content_and_audited(client, assistant, consent_with_scan):
    client.force_login(assistant)

    response = client.get(reverse("cases:consent-scan", args=[consent_with_scan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == png_bytes()
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_type, log.object_id, log.family_id) == (
        assistant,
        "download",
        "consent",
        consent_with_scan.pk,
        consent_with_scan.case.family_id,
    )


def test_scan_is_404_to_an_outsider_and_not_logged(
    client, other_assistant, other_social_worker, consent_with_scan
):
    url = reverse("cases:consent-scan", args=[consent_with_scan.pk])
    for outsider in (other_assistant, other_social_worker):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    assert not AccessLog.objects.exists()


def test_scan_of_a_consent_without_one_is_404(client, assistant):
    consent = ConsentFactory(case=CaseFactory(assistant=assistant))
    client.force_login(assistant)
    assert client.get(reverse("cases:consent-scan", args=[consent.pk])).status_code == 404


def test_scan_download_refuses_post_and_the_administrator(client, assistant, admin_user, consent_with_scan):
    url = reverse("cases:consent-scan", args=[consent_with_scan.pk])
    client.force_login(assistant)
    assert client.post(url).status_code == 405
    client.force_login(admin_user)
    assert client.get(url).status_code == 403


def test_scan_is_not_stored_under_a_public_path(consent_with_scan, settings):
    path = consent_with_scan.scan.path
    assert path.startswith(str(settings.MEDIA_ROOT / "private"))
    with pytest.raises(ValueError):
        consent_with_scan.scan.url  # noqa: B018


def _action_links(page: str) -> dict[str, str]:
    """text -> class of each link in the case page's actions group."""
    from lxml import html

    group = html.fromstring(page).xpath('//div[@role="group"]')
    return {" ".join(a.text_content().split()): a.get("class") for g in group for a in g.xpath(".//a")}


def test_after_consent_the_case_page_shows_its_state_and_offers_withdrawal(client, assistant, voluntary_case):
    client.force_login(assistant)
    before = _action_links(
        client.get(voluntary_case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    )
    assert "btn-primary" in before["Odnotuj zgodę"]

    post_consent(client, voluntary_case, date=(timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page = client.get(voluntary_case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    links = _action_links(page)
    assert "Odnotuj zgodę" not in links
    assert "btn-primary" not in links["Wycofanie zgody"]
    day = (timezone.localdate() - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    assert f"Zgoda rodziny udzielona {day}" in " ".join(page.split())

    form = client.get(reverse("cases:consent-create", args=[voluntary_case.pk]), HTTP_ACCEPT_LANGUAGE="pl")
    assert [value for value, _label in form.context["form"].fields["decision"].choices] == [
        ConsentDecision.WITHDRAWN
    ]
    assert "<h1" in form.content.decode() and "Wycofanie zgody" in form.content.decode()
