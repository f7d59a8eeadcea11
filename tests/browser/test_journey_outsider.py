"""Journey 7: an assistant who types the address of another assistant's family (or case) gets
the not-found page in Polish, the same as for a family that does not exist."""

import pytest
from playwright.sync_api import expect

from tests.factories import CaseFactory, UserFactory

from .helpers import axe_check, heading, login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_another_assistants_family_by_url_is_not_found(page, base, audit_trail):
    anna = UserFactory(username="anna", assistant=True)
    andrzej = UserFactory(username="andrzej", assistant=True, first_name="Andrzej", last_name="Rodzinny")
    case = CaseFactory(assistant=anna, family__name="Ślązakowie")

    login(page, base, "andrzej")
    for address in (case.family.get_absolute_url(), case.get_absolute_url()):
        response = page.goto(f"{base}{address}")
        assert response.status == 404
        expect(heading(page)).to_have_text("Nie znaleziono strony")
        expect(page.get_by_role("main")).to_contain_text("Strona nie istnieje lub brak do niej dostępu.")
        expect(page.get_by_role("main")).not_to_contain_text("Ślązakowie")
        axe_check(page)
    shot(page, "7-outsider-not-found")
    page.get_by_role("link", name="Powrót do strony startowej").click()
    expect(heading(page)).to_contain_text("Witamy")
    axe_check(page)
    # Not found is not a read: nothing of the family's file was served, nothing recorded.
    assert not audit_trail.visits
    assert not [row for row in audit_trail.rows() if row.user_id == andrzej.pk]
