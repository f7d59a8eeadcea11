"""Journey 7: the administrator starts from the "Do zrobienia" list: the centre's details the
letterhead still lacks (completed from the item, which then leaves the list) and an account
without a role (the item opens the account, where the role is asked for)."""

import re

import pytest
from playwright.sync_api import expect

from asystent.models import Centre
from tests.factories import UserFactory

from .helpers import axe_check, expect_message, field, login, nav_link, shot, tiny_png, todo_item

pytestmark = pytest.mark.django_db(transaction=True)


def test_administrator_completes_the_centre_and_finds_the_account_without_a_role(page, base):
    UserFactory(username="adam", administrator=True, first_name="Adam", last_name="Administracyjny")
    newcomer = UserFactory(username="jan", first_name="Jan", last_name="Nowy")
    centre = Centre.load()
    centre.street = centre.postal_code = centre.city = centre.phone = centre.email = ""
    centre.save()

    login(page, base, "adam")
    shot(page, "7-administrator-start")
    expect(todo_item(page, "Nadaj rolę: Jan Nowy")).to_be_visible()
    todo_item(page, "Uzupełnij dane ośrodka: ulica i numer, kod pocztowy, miejscowość").click()
    axe_check(page)
    field(page, "Ulica i numer").fill("ul. Ratuszowa 1")
    field(page, "Kod pocztowy").fill("00-950")
    field(page, "Miejscowość").fill("Zielona Dolina")
    field(page, "Telefon").fill("22 123 45 67")
    field(page, "E-mail").fill("mops@zielona-dolina.example")
    field(page, "Logo na papier firmowy").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    page.get_by_role("button", name="Zapisz").click()
    expect_message(page, "Zapisano dane ośrodka.")

    nav_link(page, "Start").click()
    expect(todo_item(page, "Uzupełnij dane ośrodka")).to_have_count(0)
    axe_check(page)
    todo_item(page, "Nadaj rolę: Jan Nowy").click()
    expect(page).to_have_url(re.compile(rf"/admin/asystent/user/{newcomer.pk}/change/$"))
    # The role is asked for there; a manager confirms it (four eyes: asystent/role_changes.py).
    page.get_by_role("checkbox", name="asystent rodziny").check()
    page.get_by_role("button", name="Zapisz", exact=True).click()
    awaits = "Zmiana ról oczekuje na zatwierdzenie przez kierownika."
    expect(page.locator(".messagelist")).to_contain_text(awaits)
    assert newcomer.role_change_requests.get().is_assistant
    centre.refresh_from_db()
    assert (centre.street, centre.city) == ("ul. Ratuszowa 1", "Zielona Dolina") and centre.logo
