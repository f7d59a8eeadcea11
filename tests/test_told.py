"""After an action others depend on, the confirmation names who was told ("Powiadomiono: …"), or
says that nobody was (asystent.told): a referral filed and decided, an opinion submitted, approved
and returned, a closure proposed and approved, consent recorded."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from asystent.told import record, recording, with_names
from cases.enums import ClosureReason, ConsentDecision, Relation
from cases.models import ClosureProposal
from courts import services as court_services
from referrals.enums import ReferralStatus

from .factories import CaseFactory, CourtRequestFactory, FamilyMemberFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def named_manager(db):
    return UserFactory(username="kierownik", first_name="Katarzyna", last_name="Kierownicka", manager=True)


def _said(response) -> list[str]:  # noqa: ANN001
    """The messages the response added (the client's session keeps those not shown yet)."""
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    return shown[-1:]


def test_outside_a_request_nothing_is_recorded_and_names_come_sorted(named_manager, assistant):
    record([named_manager])  # no recording open: ignored
    with recording():
        record([named_manager, assistant, named_manager])
        text = with_names("Done.")
    assert text == f"Done. Notified: {', '.join(sorted([str(assistant), 'Katarzyna Kierownicka']))}."
    with recording():
        assert with_names("Done.") == "Done. Nobody was notified."


def test_a_filed_referral_names_the_managers(client, social_worker, named_manager):
    draft = ReferralFactory(social_worker=social_worker, family__registered_by=social_worker)
    client.force_login(social_worker)
    response = client.post(reverse("referrals:referral-submit", args=[draft.pk]))
    assert response.status_code == 302
    assert _said(response) == [
        "The referral has been submitted to the manager. Notified: Katarzyna Kierownicka."
    ]
    assert named_manager.notifications.filter(
        url=reverse("referrals:referral-decide", args=[draft.pk])
    ).exists()


def test_a_decided_referral_names_the_social_worker(client, social_worker, named_manager):
    referral = ReferralFactory(
        social_worker=social_worker, family__registered_by=social_worker, submitted=True
    )
    client.force_login(named_manager)
    response = client.post(
        reverse("referrals:referral-decide", args=[referral.pk]),
        {"decision": "reject", "note": "Rodzina nie spełnia przesłanek.", "version": referral.version},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED
    assert _said(response) == [f"The decision has been recorded. Notified: {social_worker}."]


def _submitted_opinion(assistant):  # noqa: ANN001, ANN202
    request = CourtRequestFactory(case__assistant=assistant)
    opinion = court_services.draft_opinion(request=request, by=assistant)
    version = court_services.save_opinion(
        opinion=opinion,
        by=assistant,
        sections={"attitude": "Rodzina współpracuje.", "conclusions": "Kontynuacja pracy."},
    )
    return version


def test_an_opinion_submitted_approved_and_returned_names_who_was_told(client, assistant, named_manager):
    version = _submitted_opinion(assistant)
    client.force_login(assistant)
    response = client.post(reverse("courts:opinion-submit", args=[version.pk]))
    assert _said(response) == [
        "The opinion has been submitted to the manager for approval. Notified: Katarzyna Kierownicka."
    ]
    client.force_login(named_manager)
    response = client.post(reverse("courts:opinion-approve", args=[version.pk]))
    assert _said(response) == [
        f"The opinion has been approved. Its PDF is being prepared. Notified: {assistant}."
    ]

    returned = _submitted_opinion(assistant)
    court_services.submit_opinion(version=returned, by=assistant)
    response = client.post(
        reverse("courts:opinion-return", args=[returned.pk]), {"comment": "Proszę uzupełnić wnioski."}
    )
    assert _said(response) == [f"The opinion has been returned to the assistant. Notified: {assistant}."]


def test_a_closure_proposed_names_the_managers_and_its_approval_the_assistant(
    client, assistant, named_manager
):
    case = CaseFactory(assistant=assistant)
    client.force_login(assistant)
    response = client.post(
        reverse("cases:case-close", args=[case.pk]),
        {
            "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "reason": ClosureReason.GOALS_ACHIEVED,
            "final_assessment": "Rodzina samodzielnie organizuje opiekę nad dziećmi.",
            "recommendations": "",
        },
    )
    assert response.status_code == 302
    (said,) = _said(response)
    assert said.endswith(" Notified: Katarzyna Kierownicka.")
    proposal = ClosureProposal.objects.get(case=case)
    client.force_login(named_manager)
    response = client.post(reverse("cases:closure-approve", args=[proposal.pk]))
    (said,) = _said(response)
    assert said.endswith(f" Notified: {assistant}.")


def test_consent_recorded_says_nobody_was_told(client, assistant, named_manager):
    case = CaseFactory(assistant=assistant, awaiting_consent=True)
    mother = FamilyMemberFactory(family=case.family, relation=Relation.PARENT)
    client.force_login(assistant)
    response = client.post(
        reverse("cases:consent-create", args=[case.pk]),
        {
            "decision": ConsentDecision.REFUSED,
            "date": timezone.localdate().isoformat(),
            "signed_by": [mother.pk],
            "scope": "",
            "reason": "Rodzina nie chce współpracy.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _said(response) == ["The family's refusal has been recorded. Nobody was notified."]
