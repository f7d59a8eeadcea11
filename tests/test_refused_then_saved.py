"""Forms with an edit version: a submission refused by validation leaves the page holding the
version on file, so the person corrects what was refused and saves without a false "changed
elsewhere". Each test sends what the page shows back, as the browser would."""

import pytest
from django.urls import reverse
from django.utils import translation

from asystent.models import Centre
from cases.models import AssessmentArea
from courts import services as court_services
from courts.enums import OpinionStatus
from referrals.enums import Decision, ReferralStatus
from visits.enums import VisitStatus

from .factories import (
    AssessmentFactory,
    CaseFactory,
    CourtRequestFactory,
    FamilyMemberFactory,
    PlanActionFactory,
    ProblemAreaFactory,
    ReferralFactory,
    VisitFactory,
)
from .helpers import assert_error_summary
from .test_concurrent_edits import plan_posted, posted

pytestmark = pytest.mark.django_db

STALE = "changed elsewhere"


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def page_form(response) -> dict:  # noqa: ANN001
    """What the page the person is left on would send back: its form as rendered."""
    assert response.status_code == 200
    form = response.context["form"]
    files = {name for name, field in form.fields.items() if field.widget.needs_multipart_form}
    return {name: value for name, value in posted(form).items() if name not in files}


def refused_then_saved(client, url: str, *, refused: dict, corrected: dict):  # noqa: ANN001
    """Open the page, send it refused, send what the refused page holds corrected; returns the
    refused and the saving responses."""
    first = client.post(url, page_form(client.get(url)) | refused, follow=True)
    assert first.status_code == 200
    html = first.content.decode()
    assert STALE not in html and "Someone else" not in html
    second = client.post(url, page_form(first) | corrected)
    assert STALE not in second.content.decode() and "Someone else" not in second.content.decode()
    return first, second


def test_an_opinion_refused_for_approval_once_is_then_submitted(client, assistant):
    court_request = CourtRequestFactory(case__assistant=assistant)
    opinion = court_services.draft_opinion(request=court_request, by=assistant)
    client.force_login(assistant)
    url = reverse("courts:opinion-edit", args=[opinion.pk])

    first, second = refused_then_saved(
        client,
        url,
        refused={"attitude": "Współpracuje.", "conclusions": "", "action": "submit"},
        corrected={"conclusions": "Wnioskuję o kontynuację.", "action": "submit"},
    )

    # The page opened afresh names the section still to fill in, in the error summary and at it.
    assert_error_summary(first, ["conclusions"])
    assert "Fill in this section before submitting the opinion." in first.content.decode()
    assert first.context["form"]["attitude"].value() == "Współpracuje."  # the typed text is kept
    assert second.status_code == 302
    version = opinion.current_version()
    assert version.status == OpinionStatus.SUBMITTED
    assert (version.attitude, version.conclusions) == ("Współpracuje.", "Wnioskuję o kontynuację.")


def test_reloading_the_refused_opinion_page_does_not_send_it_again(client, assistant):
    court_request = CourtRequestFactory(case__assistant=assistant)
    opinion = court_services.draft_opinion(request=court_request, by=assistant)
    client.force_login(assistant)
    url = reverse("courts:opinion-edit", args=[opinion.pk])
    data = page_form(client.get(url)) | {"attitude": "Współpracuje.", "conclusions": "", "action": "submit"}

    response = client.post(url, data)

    assert response.status_code == 302  # the page is opened afresh: a reload repeats nothing
    assert response["Location"] == url
    version = opinion.current_version()
    assert (version.status, version.attitude) == (OpinionStatus.DRAFT, "Współpracuje.")  # kept as a draft
    reopened = client.get(url).content.decode()
    assert "Współpracuje." in reopened
    assert "Fill in this section before submitting the opinion." in reopened
    # Once: the next visit of the page is the plain draft.
    assert "Fill in this section before submitting the opinion." not in client.get(url).content.decode()


def test_a_visit_refused_once_is_then_saved(client, assistant):
    visit = VisitFactory(case__assistant=assistant, status=VisitStatus.DRAFT)
    client.force_login(assistant)
    url = reverse("visits:visit-edit", args=[visit.pk])

    first, second = refused_then_saved(
        client,
        url,
        refused={
            "topics": "Rozmowa o szkole.",
            "start_time": "12:00",
            "end_time": "11:00",
            "action": "draft",
        },
        corrected={"start_time": "10:00", "end_time": "11:00", "action": "draft"},
    )

    assert first.context["form"].errors
    assert second.status_code == 302
    visit.refresh_from_db()
    assert visit.topics == "Rozmowa o szkole." and visit.version == 2


def test_an_assessment_refused_for_submission_once_is_then_submitted(client, assistant):
    assessment = AssessmentFactory(case__assistant=assistant, narrative="Na początku")
    client.force_login(assistant)
    url = reverse("cases:assessment-edit", args=[assessment.pk])
    ratings = {f"rating_{area.pk}": "3" for area in AssessmentArea.objects.filter(is_active=True)}

    first, second = refused_then_saved(
        client,
        url,
        refused={"narrative": "Opis rodziny", "submit": "1"},
        corrected=ratings | {"submit": "1"},
    )

    assert second.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and assessment.narrative == "Opis rodziny"


def test_a_family_refused_once_is_then_saved(client, social_worker):
    family = FamilyMemberFactory(family__registered_by=social_worker).family
    client.force_login(social_worker)
    url = reverse("cases:family-edit", args=[family.pk])

    first, second = refused_then_saved(
        client, url, refused={"name": "", "city": "Łódź"}, corrected={"name": "Nowakowie"}
    )

    assert first.context["form"].errors
    assert second.status_code == 302
    family.refresh_from_db()
    assert (family.name, family.city, family.version) == ("Nowakowie", "Łódź", 2)


def test_a_member_refused_once_is_then_saved(client, social_worker):
    member = FamilyMemberFactory(family__registered_by=social_worker, first_name="Anna")
    client.force_login(social_worker)
    url = reverse("cases:member-edit", args=[member.pk])

    first, second = refused_then_saved(
        client,
        url,
        refused={"first_name": "", "last_name": "Kowalska"},
        corrected={"first_name": "Anna Maria"},
    )

    assert first.context["form"].errors
    assert second.status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.last_name, member.version) == ("Anna Maria", "Kowalska", 2)


def test_a_draft_referral_refused_once_is_then_saved(client, social_worker):
    referral = ReferralFactory(family__registered_by=social_worker, social_worker=social_worker)
    referral.problem_areas.add(ProblemAreaFactory())
    client.force_login(social_worker)
    url = reverse("referrals:referral-edit", args=[referral.pk])

    first, second = refused_then_saved(
        client,
        url,
        refused={"justification": "x" * 100_000, "action": "draft"},
        corrected={"justification": "Uzasadnienie poprawione", "action": "draft"},
    )

    assert first.context["form"].errors
    assert second.status_code == 302
    referral.refresh_from_db()
    assert referral.justification == "Uzasadnienie poprawione" and referral.version == 2


def test_a_decision_refused_once_is_then_recorded(client, manager):
    referral = ReferralFactory(submitted=True)
    client.force_login(manager)
    url = reverse("referrals:referral-decide", args=[referral.pk])

    first, second = refused_then_saved(
        client, url, refused={"decision": "nonsense"}, corrected={"decision": Decision.WAITLIST}
    )

    assert first.context["form"].errors
    assert second.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WAITLISTED


def test_the_centre_refused_once_is_then_saved(client, admin_user):
    client.force_login(admin_user)
    url = reverse("centre-edit")

    first, second = refused_then_saved(client, url, refused={"name": ""}, corrected={"name": "MOPS w Łodzi"})

    assert first.context["form"].errors
    assert second.status_code == 302
    assert Centre.load().name == "MOPS w Łodzi"


def test_a_plan_revision_refused_once_is_then_saved(client, assistant):
    case = CaseFactory(assistant=assistant)
    PlanActionFactory(goal__plan__case=case, goal__area=ProblemAreaFactory())
    client.force_login(assistant)
    url = reverse("cases:plan-create", args=[case.pk])

    refused = client.post(url, plan_posted(client.get(url).context["editor"], main_goal=""))

    assert refused.status_code == 200
    editor = refused.context["editor"]
    assert editor.plan_form.errors and "elsewhere" not in refused.content.decode()
    assert editor.plan_form["based_on"].value() in (1, "1")  # the page still holds the version on file
    saved = client.post(url, plan_posted(editor, main_goal="Wersja druga", revision_reason="Nowe potrzeby"))
    assert saved.status_code == 302
    assert case.plans.order_by("-version").first().main_goal == "Wersja druga"
