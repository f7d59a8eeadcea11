"""The periodic assessment pages: drafts and submission, ratings on the centre's scale with the
previous rating and the trend, the manager's acknowledgement, the due date on the case page, and
access per role."""

import datetime as dt
import re

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from asystent.models import Centre
from cases.enums import AssessmentStatus, CaseStatus, Recommendation
from cases.models import Assessment, AssessmentArea
from cases.services import assessments
from cases.views.work_panel import case_panel_context

from .factories import AssessmentFactory, AssessmentRatingFactory, CaseFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def case(assistant, social_worker):
    return CaseFactory(
        assistant=assistant,
        family__registered_by=social_worker,
        family__name="Kowalscy",
        opened_on=dt.date(2026, 6, 1),
        started_on=dt.date(2026, 6, 1),
    )


@pytest.fixture
def areas():
    return list(AssessmentArea.objects.filter(is_active=True))


def assessment_data(areas, value=3, *, submit=False, **extra):
    data = {
        "date": TODAY.isoformat(),
        "narrative": "Rodzina współpracuje, dzieci chodzą do szkoły.",
        "recommendation": Recommendation.CONTINUE,
        "submit" if submit else "save_draft": "1",
    }
    for area in areas:
        data[f"rating_{area.pk}"] = str(value)
        data[f"comment_{area.pk}"] = f"Uwagi: {area.name}"
    data.update(extra)
    return data


def submitted(case, areas, value, date):
    return assessments.save_assessment(
        case=case,
        by=case.assistant,
        date=date,
        narrative="Opis",
        recommendation=Recommendation.CONTINUE,
        ratings={a.pk: (value, "") for a in areas},
        submit=True,
    )


def field_error(html: str, name: str) -> str:
    match = re.search(rf'id="error_\d+_id_{re.escape(name)}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    return match.group(1).strip() if match else ""


@time_machine.travel(NOW, tick=False)
def test_the_assistant_saves_a_draft_then_submits_it(client, case, areas):
    client.force_login(case.assistant)
    url = reverse("cases:assessment-create", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    for area in areas:
        assert area.name in page.text
    assert "Save draft" in page.text and "Submit to the manager" in page.text

    # A draft may be incomplete: one area rated only.
    data = assessment_data(areas[:1], value=2, narrative="")
    response = client.post(url, data)
    draft = Assessment.objects.get(case=case)
    assert response["Location"] == reverse("cases:assessment-detail", args=[draft.pk])
    assert draft.status == AssessmentStatus.DRAFT
    assert draft.ratings.count() == 1

    # Coming back to "new assessment" continues the draft rather than starting a second one.
    again = client.get(url)
    assert again["Location"] == reverse("cases:assessment-edit", args=[draft.pk])

    edit_url = reverse("cases:assessment-edit", args=[draft.pk])
    page = client.get(edit_url)
    assert page.status_code == 200
    assert f'name="rating_{areas[0].pk}" value="2" class="btn-check"' in page.text
    response = client.post(edit_url, assessment_data(areas, value=4, submit=True, version=draft.version))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.SUBMITTED
    assert draft.ratings.count() == len(areas)
    assert set(draft.ratings.values_list("rating", flat=True)) == {4}
    # Submitted: no longer editable.
    response = client.get(edit_url, follow=True)
    assert "A submitted assessment cannot be changed." in response.text


@time_machine.travel(NOW, tick=False)
def test_submitting_needs_every_area_narrative_and_recommendation(client, case, areas):
    client.force_login(case.assistant)
    data = assessment_data(areas, submit=True, narrative="", recommendation="")
    del data[f"rating_{areas[0].pk}"]
    response = client.post(reverse("cases:assessment-create", args=[case.pk]), data)
    assert response.status_code == 200
    assert not Assessment.objects.exists()
    assert "Rate this area before submitting the assessment." in response.text
    assert field_error(response.text, "narrative") == "Describe the family&#x27;s situation."
    assert field_error(response.text, "recommendation") == "Choose the recommendation."
    # Input kept.
    assert f"Uwagi: {areas[1].name}" in response.text


@time_machine.travel(NOW, tick=False)
def test_a_rating_outside_the_centres_scale_is_refused(client, case, areas):
    client.force_login(case.assistant)
    url = reverse("cases:assessment-create", args=[case.pk])
    response = client.post(url, assessment_data(areas, value=6, submit=True))
    assert response.status_code == 200
    assert "Choose a rating from 1 to 5." in response.text
    assert not Assessment.objects.exists()

    centre = Centre.load()
    centre.assessment_scale_max = 7
    centre.save()
    page = client.get(url)
    assert f'id="id_rating_{areas[0].pk}_6"' in page.text  # the seventh radio (1..7)
    response = client.post(url, assessment_data(areas, value=6, submit=True))
    assert response.status_code == 302
    assert set(Assessment.objects.get().ratings.values_list("rating", flat=True)) == {6}


@time_machine.travel(NOW, tick=False)
def test_the_form_shows_the_previous_rating_and_the_detail_shows_the_trend(client, case, areas, manager):
    submitted(case, areas, 2, dt.date(2026, 8, 1))
    client.force_login(case.assistant)
    page = client.get(reverse("cases:assessment-create", args=[case.pk]))
    assert page.text.count("Previous rating: 2") == len(areas)

    ratings = {area.pk: 4 for area in areas}
    ratings[areas[1].pk] = 1
    ratings[areas[2].pk] = 2
    data = assessment_data(areas, submit=True)
    data.update({f"rating_{pk}": str(value) for pk, value in ratings.items()})
    response = client.post(reverse("cases:assessment-create", args=[case.pk]), data)
    second = Assessment.objects.get(case=case, date=TODAY)

    client.force_login(manager)
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    html = detail.text
    assert "↑" in html and "better by 2 points" in html
    assert "↓" in html and "worse by 1 point<" in html
    assert "no change" in html
    assert "previously 2" in html
    assert "continue the work" in html
    assert second.status == AssessmentStatus.SUBMITTED


def test_the_first_assessment_has_no_trend(client, case, areas):
    first = submitted(case, areas, 3, dt.date(2026, 8, 1))
    client.force_login(case.assistant)
    html = client.get(reverse("cases:assessment-detail", args=[first.pk])).text
    assert "no earlier rating" in html
    assert "↑" not in html and "↓" not in html


def test_the_manager_acknowledges(client, case, areas, manager):
    assessment = submitted(case, areas, 3, dt.date(2026, 8, 1))
    url = reverse("cases:assessment-acknowledge", args=[assessment.pk])
    client.force_login(case.assistant)
    assert "Acknowledge" not in client.get(reverse("cases:assessment-detail", args=[assessment.pk])).text
    assert client.post(url).status_code == 403
    client.force_login(case.social_worker)
    assert client.post(url).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 405
    page = client.get(reverse("cases:assessment-detail", args=[assessment.pk]))
    assert f'action="{url}"' in page.text
    response = client.post(url, follow=True)
    assert "You have acknowledged the assessment." in response.text
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACKNOWLEDGED
    assert assessment.acknowledged_by == manager
    assert f'action="{url}"' not in response.text


def test_a_draft_is_not_acknowledged(client, case, manager):
    draft = AssessmentFactory(case=case)
    client.force_login(manager)
    response = client.post(reverse("cases:assessment-acknowledge", args=[draft.pk]), follow=True)
    assert "Only a submitted assessment can be acknowledged." in response.text
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


def test_access(client, case, areas, other_assistant, manager):
    draft = AssessmentFactory(case=case)
    AssessmentRatingFactory(assessment=draft, area=areas[0])
    client.force_login(other_assistant)
    assert client.get(reverse("cases:assessment-create", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:assessment-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("cases:assessment-edit", args=[draft.pk])).status_code == 404
    for user in (manager, case.social_worker):
        client.force_login(user)
        assert client.get(reverse("cases:assessment-create", args=[case.pk])).status_code == 403
        assert client.get(reverse("cases:assessment-edit", args=[draft.pk])).status_code == 403
        assert client.get(reverse("cases:assessment-detail", args=[draft.pk])).status_code == 200
    client.force_login(case.assistant)
    assert client.post(reverse("cases:assessment-detail", args=[draft.pk])).status_code == 405
    assert client.put(reverse("cases:assessment-create", args=[case.pk])).status_code == 405
    assert client.delete(reverse("cases:assessment-edit", args=[draft.pk])).status_code == 405


def test_only_the_author_edits_a_draft(client, case, other_assistant):
    draft = AssessmentFactory(case=case)
    # The case was handed to another assistant: the draft stays its author's.
    case.assistant = other_assistant
    case.save()
    client.force_login(other_assistant)
    assert client.get(reverse("cases:assessment-edit", args=[draft.pk])).status_code == 403


@pytest.mark.parametrize("status", [CaseStatus.MONITORING, CaseStatus.ENDED])
def test_no_assessment_on_a_case_no_longer_in_progress(client, case, areas, status):
    draft = AssessmentFactory(case=case)
    case.status = status
    case.closure_reason = "goals_achieved"
    case.closed_on = dt.date(2026, 11, 1)
    case.save()
    client.force_login(case.assistant)
    for url in (
        reverse("cases:assessment-create", args=[case.pk]),
        reverse("cases:assessment-edit", args=[draft.pk]),
    ):
        response = client.post(url, assessment_data(areas, submit=True), follow=True)
        assert response.redirect_chain[-1][0] == case.get_absolute_url()
        assert "This can be done only while the work with the family is in progress." in response.text
    assert Assessment.objects.get().status == AssessmentStatus.DRAFT


# --- the due date on the case page ---------------------------------------------------------------


def render_panel(case, user, today):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        return render_to_string(
            "cases/work/_case_panel.html", {"work_panel": case_panel_context(case, user, today)}, request
        )


def test_the_case_panel_shows_the_next_due_date_and_overdue(case, areas):
    # Work started on 1 June: the first assessment is due by 1 December.
    html = render_panel(case, case.assistant, dt.date(2026, 11, 20))
    assert "01.12.2026" in html
    assert "overdue" not in html
    html = render_panel(case, case.assistant, dt.date(2026, 12, 2))
    assert re.search(r'<span class="badge text-bg-danger">\s*overdue\s*</span>', html)
    assert reverse("cases:assessment-create", args=[case.pk]) in html
    # A submitted assessment moves the date: six months after it.
    submitted(case, areas, 3, dt.date(2026, 11, 25))
    html = render_panel(case, case.assistant, dt.date(2026, 12, 2))
    assert "25.05.2027" in html
    assert "overdue" not in html


def test_the_case_panel_offers_assessment_only_to_the_cases_assistant(case, manager):
    html = render_panel(case, manager, dt.date(2026, 11, 20))
    assert reverse("cases:assessment-create", args=[case.pk]) not in html
    draft = AssessmentFactory(case=case)
    html = render_panel(case, case.assistant, dt.date(2026, 11, 20))
    assert reverse("cases:assessment-edit", args=[draft.pk]) in html
