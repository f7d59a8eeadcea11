"""The family list and search, registering a family with its members (PESEL rules), editing the
family's details under optimistic concurrency, adding and correcting members, the PESEL check."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cases import pesel as pesel_rules
from cases.enums import CaseStatus, Placement, Relation, Sex
from cases.models import Family, FamilyMember, ProblemArea

from .factories import CaseFactory, FamilyFactory, FamilyMemberFactory, make_pesel

pytestmark = pytest.mark.django_db

MOTHER_PESEL = make_pesel(dt.date(1988, 4, 12), Sex.FEMALE)
SON_PESEL = make_pesel(dt.date(2015, 9, 3), Sex.MALE)
DAUGHTER_PESEL = make_pesel(dt.date(2019, 1, 20), Sex.FEMALE)


def pesel_with_wrong_check_digit(pesel: str) -> str:
    return pesel[:10] + str((int(pesel[10]) + 1) % 10)


def pesel_of_impossible_date() -> str:
    first_ten = "8702301234"  # 30 February 1987
    return first_ten + str(pesel_rules.check_digit(first_ten))


def family_post(members: list[dict], **family) -> dict:
    data = {
        "name": "Kowalscy",
        "street": "ul. Lipowa 5/3",
        "postal_code": "00-950",
        "city": "Zielona Dolina",
        "gmina": "Zielona Dolina",
        "teryt": "",
        "phone": "600 100 200",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
        **family,
    }
    for i, member in enumerate(members):
        row = {
            "first_name": "",
            "last_name": "Kowalska",
            "relation": Relation.PARENT,
            "pesel": "",
            "birth_date": "",
            "sex": "",
            "placement": Placement.HOME,
            "foster_coordinator": "",
            **member,
        }
        if row.pop("no_pesel", False):
            row["no_pesel"] = "on"
        data.update({f"members-{i}-{name}": value for name, value in row.items()})
    return data


MOTHER = {"first_name": "Anna", "pesel": MOTHER_PESEL}
SON = {"first_name": "Jan", "last_name": "Kowalski", "relation": Relation.CHILD, "pesel": SON_PESEL}
EMPTY_ROW = {"last_name": "", "relation": ""}  # as a browser sends a row left empty
DAUGHTER = {
    "first_name": "Zosia",
    "relation": Relation.CHILD,
    "pesel": DAUGHTER_PESEL,
    "placement": Placement.FOSTER_FAMILY,
    "foster_coordinator": "Ewa Nowak, PCPR, 600 000 000",
}


def member_errors(response, index: int) -> dict:
    return response.context["formset"].forms[index].errors.as_data()


def has_code(errors: dict, field: str, code: str) -> bool:
    return any(e.code == code for e in errors.get(field, []))


# The list and its search


def test_list_shows_visible_families_with_counts_and_masked_pesel(client, social_worker, other_social_worker):
    mine = FamilyFactory(name="Kowalscy", registered_by=social_worker)
    mother = FamilyMemberFactory(family=mine, first_name="Anna")
    FamilyMemberFactory(family=mine, child=True, first_name="Jan")
    case = CaseFactory(family=mine, social_worker=social_worker)
    FamilyFactory(name="Nowakowie", registered_by=other_social_worker)
    client.force_login(social_worker)

    response = client.get(reverse("cases:family-list"))

    assert response.status_code == 200
    families = list(response.context["page"].object_list)
    assert [f.name for f in families] == ["Kowalscy"]
    row = families[0]
    assert (row.members_count, row.children_count) == (2, 1)
    assert row.case_status == CaseStatus.ACTIVE and row.case_assistant_name == str(case.assistant)
    html = response.content.decode()
    assert "Nowakowie" not in html
    assert mother.pesel not in html and pesel_rules.mask(mother.pesel) in html


def test_manager_sees_every_family_and_filters_by_assistant(client, manager, assistant, other_assistant):
    first = CaseFactory(assistant=assistant, family__name="Kowalscy").family
    CaseFactory(assistant=other_assistant, family__name="Nowakowie")
    FamilyFactory(name="Wiśniewscy")
    client.force_login(manager)

    everyone = client.get(reverse("cases:family-list"))
    filtered = client.get(reverse("cases:family-list"), {"assistant": assistant.pk})
    no_case = client.get(reverse("cases:family-list"), {"case_status": "none"})

    assert everyone.context["page"].paginator.count == 3
    assert [f.pk for f in filtered.context["page"].object_list] == [first.pk]
    assert [f.name for f in no_case.context["page"].object_list] == ["Wiśniewscy"]


def test_only_the_manager_gets_the_assistant_filter(client, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("cases:family-list"))
    assert "assistant" not in response.context["filter"].form.fields


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("kowal", True),  # family name, any case
        ("Nowacka", True),  # a member's surname differing from the family name
        ("Lipowa", True),  # street
        ("Dolina", True),  # city
        ("nothing-like-it", False),
    ],
)
def test_search_by_name_surname_and_address(client, manager, query, found):
    family = FamilyFactory(name="Kowalscy", street="ul. Lipowa 5", city="Zielona Dolina")
    FamilyMemberFactory(family=family, last_name="Nowacka")
    client.force_login(manager)
    response = client.get(reverse("cases:family-list"), {"q": query})
    assert (family in response.context["page"].object_list) is found


def test_search_by_whole_pesel_or_its_last_digits(client, manager):
    family = FamilyFactory(name="Kowalscy", city="Zielona Dolina")
    member = FamilyMemberFactory(family=family)
    FamilyFactory(name="Nowakowie", city="Zielona Dolina")
    client.force_login(manager)
    for query in (member.pesel, member.pesel[-4:]):
        response = client.get(reverse("cases:family-list"), {"q": query})
        assert [f.name for f in response.context["page"].object_list] == ["Kowalscy"], query


def test_filter_by_city_and_case_status(client, manager):
    CaseFactory(family__name="Kowalscy", family__city="Zielona Dolina", awaiting_consent=True)
    CaseFactory(family__name="Nowakowie", family__city="Zielona Dolina")
    CaseFactory(family__name="Zielińscy", family__city="Modrzewiowo")
    client.force_login(manager)
    response = client.get(
        reverse("cases:family-list"), {"city": "Zielona Dolina", "case_status": CaseStatus.ACTIVE}
    )
    assert [f.name for f in response.context["page"].object_list] == ["Nowakowie"]


def test_list_is_paginated_by_25(client, manager):
    FamilyFactory.create_batch(27)
    client.force_login(manager)
    second = client.get(reverse("cases:family-list"), {"page": 2})
    assert len(second.context["page"].object_list) == 2


def test_list_query_count_does_not_grow_with_rows(client, manager, django_assert_max_num_queries):
    def load() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:family-list")).status_code == 200
        return len(queries)

    client.force_login(manager)
    load()  # the first page of a session also creates the centre's row
    for _ in range(2):
        CaseFactory(family=FamilyMemberFactory().family)
    few = load()
    for _ in range(10):
        family = FamilyMemberFactory().family
        FamilyMemberFactory(family=family, child=True)
        CaseFactory(family=family)
    assert load() == few
    with django_assert_max_num_queries(15):
        client.get(reverse("cases:family-list"))


def test_list_refuses_the_administrator_and_other_methods(client, admin_user, social_worker):
    client.force_login(admin_user)
    assert client.get(reverse("cases:family-list")).status_code == 403
    client.force_login(social_worker)
    assert client.put(reverse("cases:family-list")).status_code == 405  # the search posts


# Registering a family


def test_register_family_with_two_children_fills_birth_date_and_sex_from_pesel(client, social_worker):
    client.force_login(social_worker)
    assert client.get(reverse("cases:family-create")).status_code == 200

    response = client.post(reverse("cases:family-create"), family_post([MOTHER, SON, DAUGHTER]))

    family = Family.objects.get(name="Kowalscy")
    assert response.status_code == 302 and response["Location"] == family.get_absolute_url()
    assert family.registered_by == social_worker
    members = {m.first_name: m for m in family.members.all()}
    assert set(members) == {"Anna", "Jan", "Zosia"}
    assert (members["Jan"].birth_date, members["Jan"].sex) == (dt.date(2015, 9, 3), Sex.MALE)
    assert (members["Anna"].birth_date, members["Anna"].sex) == (dt.date(1988, 4, 12), Sex.FEMALE)
    assert members["Zosia"].placement == Placement.FOSTER_FAMILY
    assert members["Zosia"].foster_coordinator.startswith("Ewa Nowak")
    assert family.history.get().history_user == social_worker


@pytest.mark.parametrize(
    "born", [dt.date(1900, 1, 1), dt.date(1950, 6, 1), dt.date(2004, 2, 29), dt.date(2024, 11, 30)]
)
def test_pesel_of_each_century_fills_the_date_of_birth(client, social_worker, born):
    client.force_login(social_worker)
    pesel = make_pesel(born, Sex.MALE)
    client.post(reverse("cases:family-create"), family_post([{"first_name": "Adam", "pesel": pesel}]))
    assert FamilyMember.objects.get(pesel=pesel).birth_date == born


def test_a_pesel_of_the_1800s_is_refused_at_the_date_of_birth(client, social_worker):
    """Births are from 1900 on (asystent.dates): a PESEL of the 1800s names nobody alive."""
    client.force_login(social_worker)
    pesel = make_pesel(dt.date(1899, 12, 31), Sex.MALE)
    response = client.post(
        reverse("cases:family-create"), family_post([{"first_name": "Adam", "pesel": pesel}])
    )
    assert response.status_code == 200
    assert has_code(member_errors(response, 0), "birth_date", "too_early")
    assert not FamilyMember.objects.filter(pesel=pesel).exists()


def test_bad_checksum_is_shown_next_to_the_field_and_input_is_kept(client, social_worker):
    client.force_login(social_worker)
    bad = pesel_with_wrong_check_digit(MOTHER_PESEL)

    response = client.post(reverse("cases:family-create"), family_post([{**MOTHER, "pesel": bad}, SON]))

    assert response.status_code == 200
    assert has_code(member_errors(response, 0), "pesel", "pesel_checksum")
    html = response.content.decode()
    assert f'value="{bad}"' in html and 'value="Kowalscy"' in html and 'value="Jan"' in html
    assert 'value="ul. Lipowa 5/3"' in html
    assert not Family.objects.exists() and not FamilyMember.objects.exists()


def test_pesel_with_an_impossible_date_is_refused(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:family-create"), family_post([{**MOTHER, "pesel": pesel_of_impossible_date()}])
    )
    assert has_code(member_errors(response, 0), "pesel", "pesel_date")


def test_pesel_with_wrong_length_is_refused(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("cases:family-create"), family_post([{**MOTHER, "pesel": "8804121234"}]))
    assert has_code(member_errors(response, 0), "pesel", "pesel_length")


def test_pesel_typed_with_spaces_is_accepted(client, social_worker):
    client.force_login(social_worker)
    spaced = f"{MOTHER_PESEL[:6]} {MOTHER_PESEL[6:]}"
    client.post(reverse("cases:family-create"), family_post([{**MOTHER, "pesel": spaced}]))
    assert FamilyMember.objects.filter(pesel=MOTHER_PESEL).exists()


def test_birth_date_or_sex_contradicting_the_pesel_is_an_error_next_to_the_field(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:family-create"),
        family_post([{**MOTHER, "birth_date": "1988-04-13", "sex": Sex.MALE}]),
    )
    errors = member_errors(response, 0)
    assert has_code(errors, "birth_date", "pesel_mismatch")
    assert has_code(errors, "sex", "pesel_mismatch")
    assert "12.04.1988" in str(errors["birth_date"][0].message)


def test_matching_birth_date_and_sex_are_accepted(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:family-create"),
        family_post([{**MOTHER, "birth_date": "1988-04-12", "sex": Sex.FEMALE}]),
    )
    assert response.status_code == 302


def test_no_pesel_with_a_birth_date_is_accepted(client, social_worker):
    client.force_login(social_worker)
    newborn = {
        "first_name": "Olek",
        "relation": Relation.CHILD,
        "no_pesel": True,
        "birth_date": "2026-01-05",
        "sex": Sex.MALE,
    }
    response = client.post(reverse("cases:family-create"), family_post([MOTHER, newborn]))
    assert response.status_code == 302
    olek = FamilyMember.objects.get(first_name="Olek")
    assert (olek.pesel, olek.birth_date) == ("", dt.date(2026, 1, 5))


def test_no_pesel_requires_the_birth_date(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:family-create"),
        family_post([{"first_name": "Olek", "no_pesel": True, "sex": Sex.MALE}]),
    )
    assert has_code(member_errors(response, 0), "birth_date", "required")


def test_neither_pesel_nor_no_pesel_is_an_error(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("cases:family-create"), family_post([{"first_name": "Anna"}]))
    assert has_code(member_errors(response, 0), "pesel", "pesel_required")


def test_only_a_child_can_be_in_foster_care(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:family-create"), family_post([{**MOTHER, "placement": Placement.RESIDENTIAL}])
    )
    assert "placement" in member_errors(response, 0)


def test_duplicate_pesel_in_a_visible_family_links_to_it(client, social_worker):
    existing = FamilyMemberFactory(family__registered_by=social_worker, family__name="Nowakowie")
    client.force_login(social_worker)

    response = client.post(reverse("cases:family-create"), family_post([{**MOTHER, "pesel": existing.pesel}]))

    assert has_code(member_errors(response, 0), "pesel", "pesel_on_file")
    html = response.content.decode()
    assert "Nowakowie" in html and f'href="{existing.family.get_absolute_url()}"' in html
    assert Family.objects.count() == 1


def test_duplicate_pesel_in_a_family_the_user_cannot_see_does_not_reveal_it(
    client, social_worker, other_social_worker
):
    existing = FamilyMemberFactory(family__registered_by=other_social_worker, family__name="Nowakowie")
    client.force_login(social_worker)

    response = client.post(reverse("cases:family-create"), family_post([{**MOTHER, "pesel": existing.pesel}]))

    errors = member_errors(response, 0)
    assert has_code(errors, "pesel", "pesel_on_file")
    html = response.content.decode()
    assert "Nowakowie" not in html and existing.family.get_absolute_url() not in html
    assert escape(errors["pesel"][0].message) in html


def test_the_same_pesel_twice_in_one_form_is_refused(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:family-create"), family_post([MOTHER, {**MOTHER, "first_name": "Ala"}])
    )
    assert has_code(member_errors(response, 1), "pesel", "pesel_twice")
    assert not Family.objects.exists()


def test_postal_code_must_be_in_the_polish_form(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("cases:family-create"), family_post([MOTHER], postal_code="00950"))
    assert response.status_code == 200
    assert "postal_code" in response.context["form"].errors
    assert 'value="00950"' in response.content.decode()


def test_at_least_one_member_is_required(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("cases:family-create"), family_post([EMPTY_ROW]))
    assert response.status_code == 200 and not Family.objects.exists()


def test_empty_rows_are_skipped(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("cases:family-create"), family_post([MOTHER, EMPTY_ROW, EMPTY_ROW]))
    assert response.status_code == 302
    assert FamilyMember.objects.count() == 1


def test_adding_a_row_without_javascript_keeps_what_was_typed(client, social_worker):
    client.force_login(social_worker)
    data = {**family_post([MOTHER, SON]), "add_member": "1"}

    response = client.post(reverse("cases:family-create"), data)

    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    assert (
        formset.management_form["TOTAL_FORMS"].value(),
        formset.management_form["INITIAL_FORMS"].value(),
    ) == (3, 0)
    assert not response.context["form"].errors
    html = response.content.decode()
    assert f'value="{SON_PESEL}"' in html and 'value="Kowalscy"' in html
    assert not Family.objects.exists()
    # The re-shown rows submit like any others.
    data = family_post([MOTHER, SON, EMPTY_ROW])
    assert client.post(reverse("cases:family-create"), data).status_code == 302


def test_assistant_cannot_register_a_family(client, assistant):
    client.force_login(assistant)
    assert client.get(reverse("cases:family-create")).status_code == 403


def test_register_refuses_put(client, manager):
    client.force_login(manager)
    assert client.put(reverse("cases:family-create")).status_code == 405


# The PESEL check as it is typed (htmx)


def test_pesel_check_decodes_a_valid_number(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:pesel-check"), {"members-0-pesel": SON_PESEL}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.context["info"].birth_date == dt.date(2015, 9, 3)
    assert "03.09.2015" in response.content.decode()
    assert b"<html" not in response.content


def test_pesel_check_shows_the_error(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("cases:pesel-check"), {"pesel": pesel_with_wrong_check_digit(SON_PESEL)})
    assert response.context["error"] and "text-danger" in response.content.decode()


def test_pesel_check_tells_the_person_is_on_file(client, social_worker):
    existing = FamilyMemberFactory(family__registered_by=social_worker, family__name="Nowakowie")
    client.force_login(social_worker)
    response = client.post(reverse("cases:pesel-check"), {"pesel": existing.pesel})
    assert "Nowakowie" in response.content.decode()
    # Not when the number is that of the member being edited.
    same = client.post(reverse("cases:pesel-check"), {"pesel": existing.pesel, "member": existing.pk})
    assert "Nowakowie" not in same.content.decode()


def test_pesel_check_is_for_those_who_register(client, assistant, social_worker):
    client.force_login(assistant)
    assert client.post(reverse("cases:pesel-check"), {"pesel": SON_PESEL}).status_code == 403
    client.force_login(social_worker)
    # Never with the number in the address: GET is refused.
    response = client.get(reverse("cases:pesel-check"), {"pesel": SON_PESEL})
    assert response.status_code == 405
    assert b"03.09.2015" not in response.content


def test_pesel_check_needs_the_csrf_token_the_page_gives_htmx(social_worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(social_worker)
    page = client.get(reverse("cases:family-create")).content.decode()
    token = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", page)[1]
    url = reverse("cases:pesel-check")
    assert client.post(url, {"members-0-pesel": SON_PESEL}).status_code == 403
    response = client.post(url, {"members-0-pesel": SON_PESEL}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert "03.09.2015" in response.content.decode()


def _htmx_requests(html: str) -> list[tuple[str, str, str]]:
    """(tag, hx-verb, URL) of every element of the page that makes an htmx request."""
    return [
        (tag, verb, url)
        for tag in re.findall(r"<[a-z]+\b[^>]*\bhx-(?:get|post|put|patch|delete)=[^>]*>", html)
        for verb, url in re.findall(r'\bhx-(get|post|put|patch|delete)="([^"]*)"', tag)
    ]


def test_pesel_inputs_post_the_number_outside_the_url(client, social_worker):
    client.force_login(social_worker)
    check = reverse("cases:pesel-check")
    # A page re-shown with the numbers typed, and a member's edit page with the number on file.
    retyped = client.post(
        reverse("cases:family-create"),
        family_post([MOTHER, {**SON, "pesel": pesel_with_wrong_check_digit(SON_PESEL)}]),
    )
    member = FamilyMemberFactory(family__registered_by=social_worker, pesel=DAUGHTER_PESEL)
    pages = {
        "new": client.get(reverse("cases:family-create")).content.decode(),
        "retyped": retyped.content.decode(),
        "member": client.get(reverse("cases:member-edit", args=[member.pk])).content.decode(),
    }
    assert MOTHER_PESEL in pages["retyped"] and DAUGHTER_PESEL in pages["member"]  # in the inputs
    for name, html in pages.items():
        requests = _htmx_requests(html)
        assert ("post", check) in [(verb, url) for _tag, verb, url in requests], name
        for tag, verb, url in requests:
            assert not re.search(r"\d{11}", url), f"{name}: a PESEL in {tag}"
            assert not (verb == "get" and url.startswith(check)), f"{name}: {tag}"
    assert 'hx-params="members-0-pesel,member"' in pages["new"]
    assert 'hx-target="#id_members-0-pesel_check"' in pages["new"]
    assert 'id="id_members-0-pesel_check"' in pages["new"]
    member_input = re.search(r'<input[^>]*name="pesel"[^>]*>', pages["member"])[0]
    assert 'hx-params="pesel,member"' in member_input
    assert f"&quot;member&quot;: &quot;{member.pk}&quot;" in member_input


# Editing the family's details: optimistic concurrency


def family_edit_post(family: Family, **changes) -> dict:
    data = {
        name: getattr(family, name)
        for name in ["name", "street", "postal_code", "city", "gmina", "teryt", "phone"]
    }
    return {**data, "version": family.version, **changes}


def test_edit_family_saves_and_bumps_the_version(client, social_worker):
    family = FamilyFactory(registered_by=social_worker)
    client.force_login(social_worker)
    assert client.get(reverse("cases:family-edit", args=[family.pk])).status_code == 200

    response = client.post(
        reverse("cases:family-edit", args=[family.pk]), family_edit_post(family, street="ul. Nowa 1")
    )

    assert response.status_code == 302
    family.refresh_from_db()
    assert (family.street, family.version) == ("ul. Nowa 1", 2)


def test_edit_family_refuses_when_someone_changed_it_meanwhile(client, social_worker, manager):
    family = FamilyFactory(registered_by=social_worker, phone="111")
    read_at = family_edit_post(family)
    client.force_login(manager)
    client.post(reverse("cases:family-edit", args=[family.pk]), {**read_at, "phone": "222"})
    client.force_login(social_worker)

    response = client.post(
        reverse("cases:family-edit", args=[family.pk]), {**read_at, "street": "ul. Moja 7"}
    )

    assert response.status_code == 200
    assert any(e.code == "stale_version" for e in response.context["form"].non_field_errors().as_data())
    family.refresh_from_db()
    assert (family.phone, family.version) == ("222", 2) and family.street != "ul. Moja 7"
    html = response.content.decode()
    assert 'value="ul. Moja 7"' in html  # what the user typed stays
    assert "222" in html  # and what is on file now is shown


def test_edit_family_postal_code_is_validated(client, manager):
    family = FamilyFactory()
    client.force_login(manager)
    response = client.post(
        reverse("cases:family-edit", args=[family.pk]), family_edit_post(family, postal_code="0-0950")
    )
    assert "postal_code" in response.context["form"].errors


def test_edit_family_access(client, social_worker, other_social_worker, assistant):
    family = CaseFactory(family__registered_by=social_worker, assistant=assistant).family
    url = reverse("cases:family-edit", args=[family.pk])
    client.force_login(other_social_worker)
    assert client.get(url).status_code == 404
    client.force_login(assistant)
    assert client.get(url).status_code == 403
    client.force_login(social_worker)
    assert client.delete(url).status_code == 405


# Adding and correcting members


def test_add_member_with_pesel(client, social_worker):
    family = FamilyFactory(registered_by=social_worker)
    client.force_login(social_worker)
    url = reverse("cases:member-add", args=[family.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "first_name": "Jan",
            "last_name": "Kowalski",
            "relation": Relation.CHILD,
            "pesel": SON_PESEL,
            "placement": Placement.HOME,
        },
    )

    assert response.status_code == 302
    assert family.members.get().birth_date == dt.date(2015, 9, 3)


def test_add_member_refuses_a_pesel_on_file(client, social_worker):
    family = FamilyFactory(registered_by=social_worker)
    existing = FamilyMemberFactory(family=family)
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:member-add", args=[family.pk]),
        {
            "first_name": "X",
            "last_name": "Y",
            "relation": Relation.PARENT,
            "pesel": existing.pesel,
            "placement": Placement.HOME,
        },
    )
    assert any(e.code == "pesel_on_file" for e in response.context["form"].errors.as_data()["pesel"])
    assert family.members.count() == 1


def test_edit_member_keeps_own_pesel_and_checks_the_date(client, social_worker):
    member = FamilyMemberFactory(family__registered_by=social_worker, first_name="Anna")
    client.force_login(social_worker)
    url = reverse("cases:member-edit", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200 and f'value="{member.pesel}"' in page.content.decode()
    data = {
        "first_name": "Anna Maria",
        "last_name": member.last_name,
        "relation": Relation.PARENT,
        "pesel": member.pesel,
        "placement": Placement.HOME,
        "version": member.version,
    }

    wrong_date = client.post(url, {**data, "birth_date": "2000-01-01"})
    saved = client.post(url, data)

    assert "birth_date" in wrong_date.context["form"].errors
    assert saved.status_code == 302
    member.refresh_from_db()
    assert member.first_name == "Anna Maria"
    assert member.history.first().history_user == social_worker


def test_edit_member_without_pesel_shows_the_box_ticked(client, manager):
    member = FamilyMemberFactory(no_pesel=True)
    client.force_login(manager)
    response = client.get(reverse("cases:member-edit", args=[member.pk]))
    assert response.context["form"]["no_pesel"].value() is True


def test_member_views_access(client, social_worker, other_social_worker, assistant):
    member = CaseFactory(family__registered_by=social_worker, assistant=assistant).family.members.create(
        first_name="A",
        last_name="B",
        relation=Relation.PARENT,
        birth_date=dt.date(1990, 1, 1),
        sex=Sex.FEMALE,
    )
    urls = [
        reverse("cases:member-add", args=[member.family_id]),
        reverse("cases:member-edit", args=[member.pk]),
    ]
    for url in urls:
        client.force_login(other_social_worker)
        assert client.get(url).status_code == 404
        client.force_login(assistant)
        assert client.get(url).status_code == 403
        client.force_login(social_worker)
        assert client.patch(url).status_code == 405


# The administrator's dictionary of problem areas


def test_administrator_manages_problem_areas_but_cannot_delete(client, admin_user):
    client.force_login(admin_user)
    area = ProblemArea.objects.first()
    changelist = client.get(reverse("admin:cases_problemarea_changelist"))
    assert changelist.status_code == 200 and area.name in changelist.content.decode()
    assert client.get(reverse("admin:cases_problemarea_delete", args=[area.pk])).status_code == 403
    response = client.post(
        reverse("admin:cases_problemarea_change", args=[area.pk]),
        {"name": area.name, "order": 9, "is_active": ""},
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.order, area.is_active) == (9, False)


# A person without a PESEL who may already be on file (same name and date of birth)


def _namesake_post(existing, **extra) -> dict:
    return {
        "first_name": existing.first_name.upper(),
        "last_name": existing.last_name,
        "relation": Relation.PARENT,
        "pesel": "",
        "no_pesel": "on",
        "birth_date": existing.birth_date.isoformat(),
        "sex": existing.sex,
        "placement": Placement.HOME,
        "foster_coordinator": "",
        **extra,
    }


def test_a_namesake_without_pesel_is_not_added_silently(client, social_worker):
    existing = FamilyMemberFactory(family__registered_by=social_worker, family__name="Nowakowie")
    family = FamilyFactory(registered_by=social_worker)
    client.force_login(social_worker)
    url = reverse("cases:member-add", args=[family.pk])

    response = client.post(url, _namesake_post(existing))

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert any(e.code == "namesake_on_file" for e in errors["confirm_namesake"])
    html = response.content.decode()
    assert "Nowakowie" in html and f'href="{existing.family.get_absolute_url()}"' in html
    assert 'name="confirm_namesake"' in html  # the confirmation is offered
    assert family.members.count() == 0

    response = client.post(url, _namesake_post(existing, confirm_namesake="on"))

    assert response.status_code == 302
    assert family.members.count() == 1


def test_the_namesake_check_on_registration_does_not_reveal_a_hidden_family(
    client, social_worker, other_social_worker
):
    existing = FamilyMemberFactory(
        family__registered_by=other_social_worker, family__name="Nowakowie", last_name="Nowak"
    )
    client.force_login(social_worker)
    row = {
        "first_name": existing.first_name,
        "last_name": existing.last_name,
        "no_pesel": True,
        "birth_date": existing.birth_date.isoformat(),
        "sex": existing.sex,
    }

    response = client.post(reverse("cases:family-create"), family_post([row]))

    assert has_code(member_errors(response, 0), "confirm_namesake", "namesake_on_file")
    assert "Nowakowie" not in response.content.decode()
    assert Family.objects.count() == 1

    response = client.post(reverse("cases:family-create"), family_post([{**row, "confirm_namesake": "on"}]))

    assert response.status_code == 302 and Family.objects.count() == 2


def test_editing_a_member_without_pesel_does_not_find_themselves(client, social_worker):
    member = FamilyMemberFactory(family__registered_by=social_worker, pesel="")
    client.force_login(social_worker)
    data = {**_namesake_post(member), "first_name": member.first_name, "version": member.version}

    response = client.post(reverse("cases:member-edit", args=[member.pk]), data)

    assert response.status_code == 302
