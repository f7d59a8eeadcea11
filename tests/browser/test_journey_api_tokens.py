"""Journey: an assistant opens "Access tokens and calendar" from the user menu, creates a
read-only token (shown once), uses it against the API, revokes it on the same page and sees the
API refuse it; then makes a calendar address and reads the feed at it."""

import re
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import expect

from api.models import AccessToken
from tests.factories import CaseFactory, UserFactory

from .helpers import axe_check, heading, login, shot

pytestmark = pytest.mark.django_db(transaction=True)


def _api_status(url: str, token: str) -> int:
    try:
        with urlopen(Request(url, headers={"Authorization": f"Bearer {token}"})) as response:  # noqa: S310
            return response.status
    except HTTPError as error:
        return error.code


def test_a_token_is_created_used_and_revoked(page, base):
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Asystentka")
    CaseFactory(assistant=anna)

    login(page, base, "anna")
    page.get_by_role("button", name=re.compile("Anna Asystentka")).click()
    page.get_by_role("link", name="Tokeny dostępu i kalendarz").click()
    expect(heading(page)).to_have_text("Tokeny dostępu i kalendarz")
    expect(page.get_by_role("main")).to_contain_text("Nie masz tokenów.")
    axe_check(page)

    page.get_by_label("Nazwa tokenu").fill("Arkusz wizyt")
    page.get_by_label("Zakres").select_option("read")
    page.get_by_role("button", name="Utwórz token").click()
    expect(page.get_by_text("Skopiuj token teraz: nie zostanie pokazany ponownie.")).to_be_visible()
    expect(page.get_by_text("Utworzono token „Arkusz wizyt”.")).to_be_visible()
    secret = page.get_by_label("Twój nowy token").input_value()
    assert len(secret) > 30
    axe_check(page)
    shot(page, "api-token-created")

    assert _api_status(f"{base}/api/v1/cases/", secret) == 200
    page.goto(f"{base}/account/")
    expect(page.get_by_role("main")).not_to_contain_text(secret)
    row = page.get_by_role("row", name=re.compile("Arkusz wizyt"))
    expect(row).to_contain_text(secret[:8])
    row.get_by_role("button", name="Unieważnij token Arkusz wizyt").click()
    expect(page.get_by_text("Unieważniono token „Arkusz wizyt”.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Arkusz wizyt"))).to_contain_text("unieważniony")
    axe_check(page)
    shot(page, "api-token-revoked")
    assert AccessToken.objects.get().revoked_at is not None
    assert _api_status(f"{base}/api/v1/cases/", secret) == 401

    page.get_by_role("button", name="Utwórz adres kalendarza").click()
    expect(heading(page)).to_have_text("Adres Twojego kalendarza")
    feed_url = page.get_by_label("Adres kalendarza").input_value()
    axe_check(page)
    with urlopen(feed_url) as response:  # noqa: S310
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert b"BEGIN:VCALENDAR" in response.read()


def test_the_api_documentation_is_served_from_the_application(page, base):
    UserFactory(username="anna", assistant=True)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, base, "anna")
    page.goto(f"{base}/api/docs/")
    expect(page.get_by_role("heading", name=re.compile("Asystent API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/visits/").first).to_be_visible()
    # Swagger UI and its scripts come from the installed package, nothing from a CDN.
    assert [url for url in requested if not url.startswith((base, "data:"))] == []
