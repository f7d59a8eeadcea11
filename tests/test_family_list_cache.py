"""The family list of an assistant (or a social worker) is served rendered from the cache while the
rows behind it are unchanged (`cases/list_cache.py`), and every change to those rows, by whatever
route it is written, shows on the next request.

These tests commit (`transaction=True`), as requests do in production: the fingerprint reads the
row versions that committed transactions wrote."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from asystent.models import User
from cases import list_cache
from cases.enums import CaseStatus
from cases.models import Case, Family, FamilyMember

from .conftest import DEAD_CACHE, require_service
from .factories import CaseFactory, FamilyMemberFactory, UserFactory

pytestmark = [
    pytest.mark.usefixtures("empty_cache"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the list is cached on PostgreSQL only"),
]

URL = reverse("cases:family-list")


@pytest.fixture
def anna(db):
    return UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Zając")


@pytest.fixture
def kowalscy(anna):
    case = CaseFactory(assistant=anna, family__name="Kowalscy", family__street="Lipowa 1")
    FamilyMemberFactory(family=case.family, first_name="Ewa", last_name="Kowalska")
    return case


def client_of(user: User, language: str = "pl") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def page(client: Client, url: str = URL) -> tuple[str, int]:
    """The page's HTML and the number of its queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_visit_is_served_from_the_cache_with_the_same_page(anna, kowalscy):
    client = client_of(anna)
    first, computed = page(client)
    second, cached = page(client)

    assert "Kowalscy" in first and "Ewa Kowalska" in first
    # The CSRF tokens (the layout's, and the search form's outside the cached part) are masked anew.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", main(second)) == token.sub("", main(first))
    assert cached <= 6 < computed  # the cities, the page, its members and its cases are not read


@pytest.mark.parametrize(
    "change, shown",
    [
        # A form's save, and QuerySet.update() (which the retention job uses), which sends no signal.
        (lambda case: Family.objects.filter(pk=case.family_id).update(name="Nowakowie"), "Nowakowie"),
        (lambda case: _save(case.family, street="Brzozowa 7"), "Brzozowa 7"),
        (lambda case: FamilyMemberFactory(family=case.family, first_name="Jaś", last_name="Kowalski"), "Jaś"),
        (lambda case: FamilyMember.objects.filter(family=case.family).update(first_name="Iwona"), "Iwona"),
        (lambda case: Case.objects.filter(pk=case.pk).update(status=CaseStatus.MONITORING), "monitoring</a>"),
        (
            lambda case: User.objects.filter(pk=case.assistant_id).update(last_name="Zając-Nowak"),
            "Zając-Nowak",
        ),
    ],
    ids=[
        "family update()",
        "family save()",
        "new member",
        "member update()",
        "case status",
        "assistant's name",
    ],
)
def test_every_change_to_the_rows_shows_at_once(anna, kowalscy, change, shown):
    client = client_of(anna, "en")
    before, _ = page(client)
    assert shown not in before

    change(kowalscy)
    after, queries = page(client)

    assert shown in after
    assert queries > 6  # computed again, not served


def _save(family: Family, **fields: str) -> None:
    for name, value in fields.items():
        setattr(family, name, value)
    family.save()


def test_a_removed_member_leaves_the_cached_list(anna, kowalscy):
    client = client_of(anna)
    assert "Ewa Kowalska" in page(client)[0]

    FamilyMember.objects.filter(first_name="Ewa").update(
        removed_at=timezone.now(), removed_by=anna, removal_reason="Wpisana omyłkowo."
    )

    assert "Ewa Kowalska" not in page(client)[0]


def test_a_family_given_to_the_assistant_appears_and_one_taken_away_goes(anna, kowalscy):
    client = client_of(anna)
    assert "Malinowscy" not in page(client)[0]

    CaseFactory(assistant=anna, family__name="Malinowscy")
    assert "Malinowscy" in page(client)[0]

    other = UserFactory(username="beata", assistant=True)
    Case.objects.filter(family__name="Malinowscy").update(assistant=other)
    html = page(client)[0]
    assert "Malinowscy" not in html and "Kowalscy" in html


def test_users_languages_and_searches_do_not_share_pages(anna, kowalscy):
    beata = UserFactory(username="beata", assistant=True)
    CaseFactory(assistant=beata, family__name="Wiśniewscy")
    page(client_of(anna))  # cached for Anna

    theirs = page(client_of(beata))[0]
    assert "Wiśniewscy" in theirs and "Kowalscy" not in theirs
    assert "Families" in page(client_of(anna, "en"))[0]
    assert "Rodziny" in page(client_of(anna, "pl"))[0]
    searched = page(client_of(anna), f"{URL}?q=Wiśn")[0]
    assert "Kowalscy" not in searched


def test_a_new_day_computes_the_page_again(anna, kowalscy, monkeypatch):
    client = client_of(anna)
    page(client)
    assert page(client)[1] <= 6

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(list_cache.timezone, "localdate", lambda: tomorrow)
    assert page(client)[1] > 6


def test_a_manager_s_list_is_never_cached(anna, kowalscy):
    manager = UserFactory(username="kasia", manager=True)
    client = client_of(manager)
    page(client)  # (the first request after the login renews the session)
    assert page(client)[1] == page(client)[1] >= 9
    assert not list_cache.enabled(manager)


def test_inside_a_transaction_that_has_written_nothing_is_cached(anna, kowalscy):
    """A test's (or a task's) single transaction would keep its rows' versions across its own writes."""
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    from django.db import transaction

    client = client_of(anna)
    with transaction.atomic():
        Family.objects.filter(pk=kowalscy.family_id).update(name="Nowakowie")
        assert "Nowakowie" in page(client)[0]
        Family.objects.filter(pk=kowalscy.family_id).update(name="Kwiatkowscy")
        assert "Kwiatkowscy" in page(client)[0]


def test_with_the_cache_down_the_list_is_computed_not_refused(anna, kowalscy, caplog):
    client = client_of(anna)
    page(client)  # (the first request after the login renews the session)

    with override_settings(CACHES=DEAD_CACHE):
        html, queries = page(client)

    assert "Kowalscy" in html
    assert queries > 6  # computed
    assert "The cache could not be read (ConnectionError)" in caplog.text
