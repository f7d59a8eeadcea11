"""The main forms (tests/test_fuzz_forms.py's catalogue) show their errors one way: sent with text
past the limit of their first and last text fields, the summary links to exactly those fields
(tests/helpers.assert_error_summary); the plan's goals and actions and the assessment's ratings
are summarised too. Every other form: tests/test_form_errors_every_page.py."""

import re

import pytest
from django.urls import reverse

from .helpers import assert_error_summary
from .test_fuzz_forms import (
    FORMS,
    _comment_field,
    _limit_of,
    world,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_main_forms_name_each_field_in_error(client, world, form):  # noqa: F811
    case = FORMS[form]
    client.force_login(getattr(world.users, case.role))
    url = case.url(world)
    names = [_comment_field(world) if f == "comment" else f for f in {case.fields[0], case.fields[-1]}]
    html = client.get(url).content.decode()
    bad = {name: "y" * (_limit_of(html, name) + 1) for name in names}
    response = client.post(url, case.data(world) | bad)
    assert response.status_code == 200
    assert_error_summary(response, names, exact=True)


def test_the_plan_summarises_the_errors_of_its_goals_and_actions(client, world):  # noqa: F811
    client.force_login(world.users.assistant)
    data = FORMS["plan"].data(world) | {"goals-0-actions-0-deadline": "", "goals-0-description": ""}
    response = client.post(reverse("cases:plan-create", args=[world.a.case.pk]), data)
    summary = assert_error_summary(
        response, ["goals-0-description", "goals-0-actions-0-deadline"], exact=True
    )
    # Once: no second alert of the formsets' own under the summary.
    assert len(re.findall("alert-danger", response.content.decode())) == 0, summary


def test_a_rating_out_of_the_scale_links_to_the_areas_first_button(client, world):  # noqa: F811
    client.force_login(world.users.assistant)
    field = f"rating_{world.assessment_area.pk}"
    data = FORMS["assessment"].data(world) | {field: "9"}
    response = client.post(reverse("cases:assessment-edit", args=[world.a.draft_assessment.pk]), data)
    summary = assert_error_summary(response, [f"{field}_0"], exact=True)
    assert world.assessment_area.name in summary.text_content()


def test_a_page_without_errors_has_no_error_title(client, world):  # noqa: F811
    client.force_login(world.users.assistant)
    page = client.get(reverse("visits:visit-create", args=[world.a.case.pk])).content.decode()
    assert "<title>Błąd:" not in page and "data-form-errors" not in page


def test_the_family_form_links_a_missing_member_to_the_first_row(client, social_worker):
    """The formset's own error (no member at all) leads to the first row and is said there too."""
    client.force_login(social_worker)
    data = {
        "name": "Nowiccy",
        "street": "ul. Polna 3",
        "postal_code": "00-950",
        "city": "Zielona Dolina",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
    }
    response = client.post(reverse("cases:family-create"), data)
    assert response.status_code == 200
    summary = assert_error_summary(response, ["members-0-first_name"])
    assert summary.xpath(".//li[not(a)]") == []
