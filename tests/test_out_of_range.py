"""Numbers out of any range in the query string or a form: a page, or a form error, never a 500.

A page number out of range answers the last page, one that is no number the first (as Django's
`Paginator.get_page`); ids beyond the database's integers match nothing (on SQLite they used to
overflow the driver)."""

import pytest
from django.urls import reverse

from asystent.pagination import MAX_PAGE_NUMBER, page_number
from cases.forms.families import ConsentForm
from cases.models import Family

from .factories import CaseFactory, FamilyFactory, FamilyMemberFactory

HUGE = "99999999999999999999999"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("2", 2),
        ("-3", MAX_PAGE_NUMBER),
        ("0", MAX_PAGE_NUMBER),
        ("٣", 1),
        (HUGE, MAX_PAGE_NUMBER),
        ("1e9", 1),
    ],
)
def test_page_number_reads_anything(value, number):
    assert page_number(value) == number


@pytest.mark.parametrize(
    "query",
    [{"page": HUGE}, {"q": "Kowal", "page": HUGE}, {"page": "nie-liczba"}, {"q": "Kowal", "page": "-1"}],
)
def test_the_family_list_answers_a_page_for_any_page_number(client, manager, query):
    for _ in range(3):
        FamilyFactory(name="Kowalscy")
    client.force_login(manager)
    response = client.get(reverse("cases:family-list"), query)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == (1 if query["page"] == "nie-liczba" else page.paginator.num_pages)


@pytest.mark.parametrize(
    ("url_name", "role"),
    [
        ("access-log", "manager"),
        ("referrals:referral-list", "manager"),
        ("cases:retention", "manager"),
        ("reports:dashboard", "manager"),
        ("notifications:list", "assistant"),
    ],
)
def test_every_list_answers_its_last_page_for_a_huge_number(client, role_users, url_name, role):
    client.force_login(role_users[role])
    response = client.get(reverse(url_name), {"page": HUGE})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == page.paginator.num_pages


def test_the_dashboard_drilldown_answers_its_last_page_for_a_huge_number(client, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard-drilldown"), {"metric": "caseload", "page": HUGE})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == page.paginator.num_pages


def test_the_visit_list_answers_its_last_page_for_a_huge_number(client, assistant):
    case = CaseFactory(assistant=assistant)
    client.force_login(assistant)
    response = client.get(reverse("visits:case-visits", args=[case.pk]), {"page": HUGE})
    assert response.status_code == 200


def test_an_id_list_beyond_the_integers_matches_nothing_and_sends_no_overflowing_value():
    family = FamilyFactory()
    matches = Family.objects.filter(pk__in=[int(HUGE), family.pk])
    sql, params = matches.query.sql_with_params()
    assert int(HUGE) not in params  # SQLite's driver cannot bind it: OverflowError
    assert list(matches) == [family]
    assert not Family.objects.filter(pk__in=[int(HUGE)]).exists()
    assert Family.objects.exclude(pk__in=[int(HUGE)]).filter(pk=family.pk).exists()


def test_a_multiple_choice_beyond_the_integers_is_a_form_error(assistant):
    case = CaseFactory(assistant=assistant)
    FamilyMemberFactory(family=case.family)
    form = ConsentForm(case=case, data={"signed_by": [HUGE]})
    assert not form.is_valid()
    assert "signed_by" in form.errors
