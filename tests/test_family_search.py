"""The family list's search and filters: what they find, for whom, in how many queries, and (on
PostgreSQL) through which indexes."""

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.enums import CaseStatus, LegalBasis, Relation, Sex
from cases.models import Case, Family, FamilyMember

from .factories import CaseFactory, FamilyFactory, FamilyMemberFactory, make_pesel

pytestmark = pytest.mark.django_db

URL = reverse("cases:family-list")


def listed(client, **params) -> list[str]:  # noqa: ANN001
    response = client.get(URL, params)
    assert response.status_code == 200
    return [family.name for family in response.context["page"].object_list]


@pytest.fixture
def two_families(assistant, other_assistant):
    """Kowalscy (the assistant's, with Anna Nowacka) and Kowalewscy (another assistant's)."""
    mine = CaseFactory(assistant=assistant, family__name="Kowalscy", family__street="ul. Lipowa 5").family
    member = FamilyMemberFactory(family=mine, first_name="Anna", last_name="Nowacka")
    theirs = CaseFactory(
        assistant=other_assistant,
        family__name="Kowalewscy",
        family__street="ul. Brzozowa 1",
        family__city="Modrzewiowo",
    ).family
    FamilyMemberFactory(family=theirs, last_name="Nowacka-Kowalewska")
    return {"mine": mine, "theirs": theirs, "member": member}


@pytest.mark.parametrize(
    ("query", "for_assistant", "for_manager"),
    [
        ("kowal", ["Kowalscy"], ["Kowalewscy", "Kowalscy"]),  # family name, any case
        ("NOWACKA", ["Kowalscy"], ["Kowalewscy", "Kowalscy"]),  # a member's surname
        ("lipowa", ["Kowalscy"], ["Kowalscy"]),  # street
        ("modrzew", [], ["Kowalewscy"]),  # city: only the other assistant's family
        ("Ko", ["Kowalscy"], ["Kowalewscy", "Kowalscy"]),  # two letters: the start of a name
        ("wa", [], []),  # ... and only the start
        ("nothing-like-it", [], []),
    ],
)
def test_search_finds_within_the_users_scope_only(
    client, manager, assistant, two_families, query, for_assistant, for_manager
):
    client.force_login(assistant)
    assert listed(client, q=query) == for_assistant
    client.force_login(manager)
    assert listed(client, q=query) == for_manager


def test_search_by_pesel_whole_or_last_digits_in_scope(
    client, manager, assistant, other_assistant, two_families
):
    pesel = two_families["member"].pesel
    other = FamilyMemberFactory(family=two_families["theirs"], birth_date=dt.date(1990, 1, 2))
    for user, query, found in [
        (assistant, pesel, ["Kowalscy"]),
        (assistant, pesel[-5:], ["Kowalscy"]),
        (assistant, other.pesel, []),  # on file, but not the assistant's family
        (manager, other.pesel, ["Kowalewscy"]),
        (manager, other.pesel[-4:], ["Kowalewscy"]),
        (manager, other.pesel[:6], []),  # the first digits are not searched
    ]:
        client.force_login(user)
        assert listed(client, q=query) == found, (user, query)


def test_search_leaves_out_members_removed_by_mistake(client, manager, two_families):
    member = two_families["member"]
    FamilyMember.objects.filter(pk=member.pk).update(
        removed_at=timezone.now(), removed_by=manager, removal_reason="Added to the wrong family."
    )
    client.force_login(manager)
    assert listed(client, q="Nowacka ") == ["Kowalewscy"]
    assert listed(client, q=member.pesel) == []


def test_filters_read_the_latest_case_of_each_family(client, manager, assistant, other_assistant):
    today = timezone.localdate()
    # An old case closed, a newer one active with another assistant: the family counts as active.
    family = CaseFactory(
        family__name="Kowalscy", assistant=assistant, closed=True, opened_on=today - dt.timedelta(days=400)
    ).family
    CaseFactory(family=family, assistant=other_assistant, legal_basis=LegalBasis.COURT_ORDER)
    CaseFactory(family__name="Nowakowie", assistant=assistant, closed=True)
    FamilyFactory(name="Wiśniewscy")
    client.force_login(manager)

    assert listed(client, case_status=CaseStatus.ACTIVE) == ["Kowalscy"]
    assert listed(client, case_status=CaseStatus.CLOSED) == ["Nowakowie"]
    assert listed(client, case_status="none") == ["Wiśniewscy"]
    assert listed(client, legal_basis=LegalBasis.COURT_ORDER) == ["Kowalscy"]
    assert listed(client, legal_basis=LegalBasis.VOLUNTARY) == ["Nowakowie"]
    assert listed(client, assistant=other_assistant.pk) == ["Kowalscy"]
    assert listed(client, assistant=assistant.pk) == ["Nowakowie"]
    assert listed(client, assistant=assistant.pk, case_status=CaseStatus.CLOSED, q="nowak") == ["Nowakowie"]
    row = client.get(URL, {"q": "Kowalscy"}).context["page"].object_list[0]
    assert (row.case_status, row.case_assistant_name) == (CaseStatus.ACTIVE, str(other_assistant))


def test_two_cases_opened_the_same_day_show_the_later_recorded(client, manager, assistant):
    first = CaseFactory(family__name="Kowalscy", assistant=assistant, closed=True)
    CaseFactory(family=first.family, assistant=assistant, opened_on=first.opened_on, awaiting_consent=True)
    client.force_login(manager)
    assert listed(client, case_status=CaseStatus.AWAITING_CONSENT) == ["Kowalscy"]
    assert listed(client, case_status=CaseStatus.CLOSED) == []


def test_city_filter_offers_the_cities_in_scope(client, manager, assistant, two_families):
    FamilyFactory(name="Zielińscy", city="Brzozów")
    client.force_login(assistant)
    assert [c for c, _label in client.get(URL).context["filter"].form.fields["city"].choices][1:] == [
        "Zielona Dolina"
    ]
    client.force_login(manager)
    cities = [c for c, _label in client.get(URL).context["filter"].form.fields["city"].choices][1:]
    assert cities == ["Brzozów", "Modrzewiowo", "Zielona Dolina"]
    assert listed(client, city="Modrzewiowo") == ["Kowalewscy"]


def test_an_unknown_choice_shows_an_error_and_the_list_unfiltered(client, manager, two_families):
    client.force_login(manager)
    response = client.get(URL, {"city": "Atlantyda"})
    html = response.content.decode()
    assert response.context["filter"].form.errors["city"]
    assert 'aria-invalid="true"' in html and "invalid-feedback" in html
    assert response.context["page"].paginator.count == 2


def test_the_form_keeps_what_was_chosen(client, manager, assistant, two_families):
    FamilyFactory(city='Dolina "<Górna>" & Co')
    client.force_login(manager)
    html = client.get(
        URL, {"q": "Kow<al>", "assistant": assistant.pk, "case_status": "active"}
    ).content.decode()
    assert 'value="Kow&lt;al&gt;"' in html
    assert f'<option value="{assistant.pk}" selected>{assistant}</option>' in html
    assert '<option value="active" selected>' in html
    assert '<label for="id_assistant" class="form-label">' in html
    escaped = "Dolina &quot;&lt;Górna&gt;&quot; &amp; Co"
    assert f'<option value="{escaped}">{escaped}</option>' in html and "<Górna>" not in html


def test_rows_show_members_counts_and_the_case(client, manager, assistant, two_families):
    FamilyMemberFactory(family=two_families["mine"], child=True, first_name="Jaś")
    client.force_login(manager)
    row = client.get(URL, {"q": "Kowalscy"}).context["page"].object_list[0]
    assert (row.members_count, row.children_count) == (2, 1)
    jas = row.members_summary.split(", ")[1]
    assert row.members_summary.startswith("Anna Nowacka (•••••••") and jas.startswith("Jaś")  # by birth date
    assert row.case_assistant_name == str(assistant) and row.case_status_label == CaseStatus.ACTIVE.label


# Query counts


def _bulk_families(first: int, count: int, assistants) -> None:  # noqa: ANN001
    """Families first..first+count-1 named alternately Nowakowie and Kowalscy, each with two
    members and a case of one of `assistants` in turn (the older half closed)."""
    registrar = assistants[0]
    families = Family.objects.bulk_create(
        Family(
            name="Nowakowie" if n % 2 else "Kowalscy",
            street=f"ul. Piotrkowska {n}",
            postal_code="90-001",
            city=f"Miasto {n % 7}",
            registered_by=registrar,
        )
        for n in range(first, first + count)
    )
    members = []
    for n, family in enumerate(families, start=first):
        born = dt.date(1980, 1, 1) + dt.timedelta(days=n)
        members.append(
            FamilyMember(
                family=family,
                first_name="Anna",
                last_name=family.name,
                relation=Relation.PARENT,
                sex=Sex.FEMALE,
                birth_date=born,
                pesel=make_pesel(born, Sex.FEMALE),
            )
        )
        members.append(
            FamilyMember(
                family=family,
                first_name="Jan",
                last_name=family.name,
                relation=Relation.CHILD,
                sex=Sex.MALE,
                birth_date=dt.date(2015, 1, 1),
                pesel="",
            )
        )
    FamilyMember.objects.bulk_create(members)
    today = timezone.localdate()
    Case.objects.bulk_create(
        Case(
            family=family,
            assistant=assistants[n % len(assistants)],
            legal_basis=LegalBasis.VOLUNTARY,
            status=CaseStatus.CLOSED if n % 3 == 0 else CaseStatus.ACTIVE,
            closure_reason="goals_achieved" if n % 3 == 0 else "",
            opened_on=today - dt.timedelta(days=n % 300),
        )
        for n, family in enumerate(families, start=first)
    )


PAGES = [
    ("assistant", {}),
    ("assistant", {"q": "Kowal"}),
    ("assistant", {"q": "Ko", "case_status": "active"}),
    ("manager", {}),
    ("manager", {"q": "Nowak"}),
    ("manager", {"q": "Nowak", "case_status": "closed", "legal_basis": "voluntary", "city": "Miasto 3"}),
    ("manager", {"assistant": "ASSISTANT", "page": "2"}),
    ("manager", {"q": "PESEL"}),  # its last five digits
    ("social_worker", {"q": "Nowak"}),
]


def test_query_count_is_the_same_for_10_and_500_families(
    manager, assistant, other_assistant, social_worker, django_assert_max_num_queries
):
    clients = {}
    for who, user in {"assistant": assistant, "manager": manager, "social_worker": social_worker}.items():
        clients[who] = Client()
        clients[who].force_login(user)
        clients[who].get(URL)  # the first page of a session also creates the centre's row

    def counts() -> list[int]:
        found = []
        for who, params in PAGES:
            known = {
                "ASSISTANT": str(assistant.pk),
                "PESEL": FamilyMember.objects.exclude(pesel="").first().pesel[-5:],
            }
            params = {k: known.get(v, v) for k, v in params.items()}
            with CaptureQueriesContext(connection) as queries:
                response = clients[who].get(URL, params)
            assert response.status_code == 200
            assert not response.context["filter"].form.errors, params
            assert response.context["page"].object_list, (who, params)
            found.append(len(queries))
        return found

    _bulk_families(0, 10, [assistant, other_assistant])
    Family.objects.filter(name="Nowakowie").update(registered_by=social_worker)
    few = counts()
    _bulk_families(10, 490, [assistant, other_assistant])
    Family.objects.filter(name="Nowakowie").update(registered_by=social_worker)
    many = counts()
    assert many == few, (few, many)
    with django_assert_max_num_queries(11):
        response = clients["manager"].get(URL, {"q": "Nowak", "case_status": "active"})
    assert len(response.context["page"].object_list) == 25


# PostgreSQL: the indexes the search relies on

TRIGRAM_INDEXES = {
    "family_name_trgm",
    "family_street_trgm",
    "family_city_trgm",
    "member_last_name_trgm",
    "member_pesel_trgm",
}


def _plan(sql: str) -> str:
    """PostgreSQL's plan for `sql` with sequential scans priced out: an index that can serve the
    query shows up even on a table of a few rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _manager_search_sql(client, query: str) -> str:  # noqa: ANN001
    """The SQL of the page of the manager's search (which counts the matches too)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"q": query}).status_code == 200
    return next(
        q["sql"] for q in queries if q["sql"].startswith('SELECT "cases_family"."id"') and "OVER" in q["sql"]
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes exist on PostgreSQL only")
def test_trigram_indexes_exist_after_migrate_and_serve_the_managers_search(client, manager, two_families):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [sorted(TRIGRAM_INDEXES)]
        )
        assert {name for (name,) in cursor.fetchall()} == TRIGRAM_INDEXES
    client.force_login(manager)

    words = _plan(_manager_search_sql(client, "Nowacka"))
    suffix = _plan(_manager_search_sql(client, two_families["member"].pesel[-6:]))
    whole = _plan(_manager_search_sql(client, two_families["member"].pesel))

    for name in ("family_name_trgm", "family_street_trgm", "family_city_trgm", "member_last_name_trgm"):
        assert name in words, words
    assert "member_pesel_trgm" in suffix, suffix
    assert "member_pesel_unique" in whole, whole  # the whole number: the unique btree index


def test_the_count_matches_the_list_however_it_is_counted(client, assistant, manager):
    for city, names in [("Brzozów", ["Kowalscy", "Nowakowie"]), ("Modrzewiowo", ["Wiśniewscy"])]:
        for name in names:
            CaseFactory(assistant=assistant, family__name=name, family__city=city)
    CaseFactory(family__city="Dąbrowa")  # another assistant's
    client.force_login(assistant)
    for params, expected in [
        ({}, 3),
        ({"city": "Brzozów"}, 2),
        ({"city": "Modrzewiowo", "q": ""}, 1),
        ({"city": "Dąbrowa"}, 3),  # not a city of the assistant's: refused, the list unfiltered
        ({"q": "Nowak"}, 1),
        ({"city": "Brzozów", "case_status": "closed"}, 0),
    ]:
        response = client.get(URL, params)
        page = response.context["page"]
        assert page.paginator.count == len(page.object_list) == expected, params
    client.get(URL)

    def count_queries(**params) -> list[str]:  # noqa: ANN003
        with CaptureQueriesContext(connection) as queries:
            client.get(URL, params)
        return [
            q["sql"]
            for q in queries
            if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "cases_family"')
        ]

    # The cities' counts count the plain list; a search is counted by its page's query.
    assert count_queries() == count_queries(city="Brzozów") == count_queries(q="Nowak") == []
    client.force_login(manager)
    assert count_queries(q="Nowak") == []
    assert len(count_queries(case_status="active")) == 1  # the manager's filters: a COUNT query


@pytest.mark.parametrize("who", ["manager", "assistant"])
def test_a_searched_list_pages_like_any_other(client, request, assistant, who):
    for n in range(27):
        CaseFactory(assistant=assistant, family__name=f"Kowalscy {n:02d}")
    CaseFactory(assistant=assistant, family__name="Nowakowie")
    client.force_login(request.getfixturevalue(who))
    for page, expected in [("1", 25), ("2", 2), ("99", 2), ("zero", 25), ("-3", 2)]:
        response = client.get(URL, {"q": "kowal", "page": page})
        listed_page = response.context["page"]
        assert (listed_page.paginator.count, len(listed_page.object_list)) == (27, expected), page
    assert listed(client, q="kowal", page="2") == ["Kowalscy 25", "Kowalscy 26"]


def test_a_pesel_is_searched_by_post_and_stays_out_of_every_url(client, assistant, two_families):
    pesel = two_families["member"].pesel
    client.force_login(assistant)
    page = client.get(URL).content.decode()
    assert 'id="family-search"' in page and 'method="post"' in page
    assert 'name="csrfmiddlewaretoken"' in page and 'form="family-search"' in page
    for query in (pesel, pesel[-5:]):
        response = client.post(URL, {"q": query, "case_status": ""})
        assert response.status_code == 200  # answered in place: no redirect puts it in a URL
        assert [family.name for family in response.context["page"].object_list] == ["Kowalscy"]
        assert f"q={query}" not in response.content.decode()


def test_other_searches_go_on_to_a_shareable_address(client, assistant, two_families):
    client.force_login(assistant)
    response = client.post(URL, {"q": "Kowal", "case_status": "", "city": ""})
    assert response.status_code == 302
    assert response.url == f"{URL}?q=Kowal"
    assert listed(client, q="Kowal") == ["Kowalscy"]
    assert client.post(URL, {"q": ""}).url == URL


def test_the_search_form_works_with_csrf_checks(assistant, two_families):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(assistant)
    page = browser.get(URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(URL, {"q": two_families["member"].pesel, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert browser.post(URL, {"q": two_families["member"].pesel}).status_code == 403


def test_the_search_refuses_other_methods(client, assistant):
    client.force_login(assistant)
    assert client.put(URL).status_code == 405
