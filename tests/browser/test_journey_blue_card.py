"""Journey: the "Niebieska Karta" procedure. A social worker starts it from the family's page (she
and the family's assistant are in the diagnostic-and-support group from the start; she adds the
school's pedagogue), records the group's meeting and gives the assistant two tasks. The assistant
finds the first in her week and in her notifications and marks it done; the daily sweep reminds her
of the other one only. A manager ends the procedure and the family's page shows it ended. Another
assistant and another social worker, outside the group, get the not-found page on every page of it."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cooperation.models import CardForm, Meeting, Procedure, Task
from notifications.models import Notification
from notifications.reminders import send_reminders
from tests.factories import CaseFactory, FamilyFactory, UserFactory

from .helpers import axe_check, expect_message, field, heading, login, nav_link, shot, tiny_png

pytestmark = pytest.mark.django_db(transaction=True)

FAMILY = "Niebiescy"
PROCEDURE_HEADING = f"Procedura „Niebieskie Karty”: {FAMILY}"


def _open_family(page, name: str = FAMILY) -> None:
    """From the main navigation's family list to the family's page."""
    nav_link(page, "Rodziny").click()
    page.get_by_role("main").get_by_role("link", name=re.compile(rf"^{re.escape(name)}( \(|$)")).first.click()
    expect(heading(page)).to_have_text(f"Rodzina {name}")


def _open_procedure(page) -> None:
    _open_family(page)
    page.get_by_role("link", name=re.compile(r"^Procedura „Niebieskie Karty” z ")).click()
    expect(heading(page)).to_have_text(PROCEDURE_HEADING)


def test_blue_card_procedure_from_start_to_end_and_hidden_from_outsiders(page, base, audit_trail, tmp_path):
    paulina = UserFactory(username="paulina", social_worker=True, first_name="Paulina", last_name="Socjalna")
    anna = UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")
    kasia = UserFactory(username="kasia", manager=True, first_name="Katarzyna", last_name="Kierownicka")
    UserFactory(username="andrzej", assistant=True, first_name="Andrzej", last_name="Obcy")
    UserFactory(username="sylwia", social_worker=True, first_name="Sylwia", last_name="Obca")
    family = FamilyFactory(name=FAMILY, registered_by=paulina, street="ul. Modra 4")
    CaseFactory(family=family, assistant=anna)
    # The outsiders have families of their own: they are not strangers to the application.
    CaseFactory(family__name="Zieloni", family__registered_by=UserFactory(social_worker=True))
    today = timezone.localdate()
    first_due, second_due = today, today + dt.timedelta(days=2)

    # 1. The social worker starts the procedure from the family's page.
    login(page, base, "paulina")
    _open_family(page)
    page.get_by_role("link", name="Odnotuj procedurę „Niebieskie Karty”").click()
    axe_check(page)
    field(page, "Data wszczęcia (wypełnienia NK-A)").fill((today - dt.timedelta(days=3)).isoformat())
    field(page, "Podmiot, który wypełnił formularz NK-A").fill("Komisariat Policji w Zielonej Dolinie")
    field(page, "Numer").fill("NK/7/2026")
    page.get_by_role("button", name="Zapisz wszczęcie").click()
    expect_message(page, "Procedura „Niebieskie Karty” została odnotowana.")
    expect(heading(page)).to_have_text(PROCEDURE_HEADING)
    group = page.get_by_role("region", name="Grupa diagnostyczno-pomocowa")
    # The family's assistant and whoever recorded the start are members from the start.
    expect(group).to_contain_text("Anna Wspierająca")
    expect(group).to_contain_text("Paulina Socjalna")
    axe_check(page)
    procedure = Procedure.objects.get(family=family)

    page.get_by_role("link", name="Dodaj członka").click()
    field(page, "Imię i nazwisko osoby z innej instytucji").fill("Ewa Szkolna")
    field(page, "Rola w grupie").fill("pedagog szkolny")
    page.get_by_role("button", name="Dodaj do grupy").click()
    expect_message(page, "Członek został dodany do grupy.")
    expect(group).to_contain_text("Ewa Szkolna, pedagog szkolny")

    page.get_by_role("link", name="Odnotuj posiedzenie").click()
    expect(heading(page)).to_have_text("Posiedzenie")
    axe_check(page)
    field(page, "Data").fill(today.isoformat())
    field(page, "Uczestnicy").fill("Paulina Socjalna, Anna Wspierająca, Ewa Szkolna")
    field(page, "Ustalenia").fill("Plan pomocy: wizyty asystentki dwa razy w tygodniu.")
    field(page, "Następne spotkanie").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Zapisz posiedzenie").click()
    expect_message(page, "Posiedzenie zostało odnotowane.")
    meetings = page.get_by_role("region", name="Posiedzenia")
    expect(meetings).to_contain_text("Plan pomocy: wizyty asystentki dwa razy w tygodniu.")

    for description, due in (
        ("Wizyta z pedagogiem w szkole", first_due),
        ("Rozmowa z matką o planie", second_due),
    ):
        meetings.get_by_role("link", name="Dodaj zadanie").click()
        expect(heading(page)).to_have_text(f"Zadanie z posiedzenia z {today:%d.%m.%Y}")
        if due == first_due:
            axe_check(page)
        field(page, "Osoba odpowiedzialna").select_option(label="Anna Wspierająca")
        field(page, "Zadanie").fill(description)
        field(page, "Termin").fill(due.isoformat())
        page.get_by_role("button", name="Zapisz zadanie").click()
        expect_message(page, "Zadanie zostało zapisane.")
        expect(meetings).to_contain_text(f"{description}: Anna Wspierająca, do {due:%d.%m.%Y}")

    # A scanned NK form too, so that the outsiders below meet its scan's address as well.
    page.get_by_role("link", name="Zapisz formularz").click()
    field(page, "Formularz").select_option(label="Niebieska Karta – A")
    field(page, "Data formularza").fill((today - dt.timedelta(days=3)).isoformat())
    scan = tmp_path / "nk-a.png"
    scan.write_bytes(tiny_png())
    field(page, "Skan").set_input_files(scan)
    page.get_by_role("button", name="Zapisz formularz").click()
    expect_message(page, "Formularz został zapisany.")
    axe_check(page)
    shot(page, "blue-card-1-procedure")

    # 2. The assistant: the task in her week and in her notifications; she marks it done.
    login(page, base, "anna")
    nav_link(page, "Mój tydzień").click()
    week_tasks = page.get_by_role("region", name="Zadania z posiedzeń w procedurze „Niebieskie Karty”")
    expect(week_tasks).to_contain_text("Wizyta z pedagogiem w szkole")
    expect(week_tasks).to_contain_text(FAMILY)
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Powiadomienia")).click()
    expect(heading(page)).to_have_text("Powiadomienia")
    told = f"Zadanie z posiedzenia w procedurze „Niebieskie Karty”, termin {first_due:%d.%m.%Y}."
    expect(page.get_by_role("main")).to_contain_text(told)
    axe_check(page)
    nav_link(page, "Mój tydzień").click()
    week_tasks.get_by_role("link").first.click()
    expect(heading(page)).to_have_text(PROCEDURE_HEADING)
    first_task = meetings.get_by_role("listitem").filter(has_text="Wizyta z pedagogiem w szkole")
    first_task.get_by_role("button", name="Oznacz jako wykonane").click()
    expect_message(page, "Zadanie oznaczono jako wykonane.")
    expect(first_task).to_contain_text(f"wykonano {today:%d.%m.%Y}")
    assert Task.objects.get(description="Wizyta z pedagogiem w szkole").done_on == today

    # 3. The daily sweep (the real one the worker runs) reminds her of the task not done only.
    before = set(Notification.objects.filter(recipient=anna).values_list("pk", flat=True))
    send_reminders(today)
    reminded = Notification.objects.filter(recipient=anna, rule="blue_card_task").exclude(pk__in=before)
    assert [n.message for n in reminded] == [
        f"„Niebieskie Karty”: termin Twojego zadania to {second_due:%d.%m.%Y}."
    ]
    page.get_by_role("link", name=re.compile(r"^Powiadomienia")).click()
    expect(page.get_by_role("main")).to_contain_text(
        f"„Niebieskie Karty”: termin Twojego zadania to {second_due:%d.%m.%Y}."
    )
    expect(page.get_by_role("main")).not_to_contain_text(f"termin Twojego zadania to {first_due:%d.%m.%Y}")
    shot(page, "blue-card-3-reminder")

    # 4. The manager ends the procedure; the family's page shows it ended.
    login(page, base, "kasia")
    _open_procedure(page)
    page.get_by_role("link", name="Zakończ procedurę").click()
    expect(heading(page)).to_have_text("Zakończenie procedury")
    field(page, "Data zakończenia procedury").fill(today.isoformat())
    field(page, "Powód zakończenia").select_option(value="stopped")
    page.get_by_role("button", name="Zapisz zakończenie").click()
    expect_message(page, "Zakończenie procedury zostało odnotowane.")
    expect(page.locator("#procedure-status")).to_contain_text(f"zakończona {today:%d.%m.%Y}")
    # An ended procedure is read, not changed: its page offers nothing to record.
    expect(page.get_by_role("link", name="Odnotuj posiedzenie")).to_have_count(0)
    page.get_by_role("navigation", name="Ścieżka nawigacji").get_by_role("link", name=FAMILY).click()
    expect(heading(page)).to_have_text(f"Rodzina {FAMILY}")
    link = page.get_by_role("link", name=re.compile(r"^Procedura „Niebieskie Karty” z "))
    expect(link.locator("xpath=..")).to_contain_text("zakończona")
    shot(page, "blue-card-4-ended")

    # 5. Outsiders: every page of the procedure is not found, as if it did not exist.
    meeting = Meeting.objects.get(procedure=procedure)
    task = Task.objects.get(description="Rozmowa z matką o planie")
    card_form = CardForm.objects.get(procedure=procedure)
    addresses = [
        reverse("cooperation:procedure-detail", args=[procedure.pk]),
        reverse("cooperation:procedure-edit", args=[procedure.pk]),
        reverse("cooperation:member-add", args=[procedure.pk]),
        reverse("cooperation:meeting-create", args=[procedure.pk]),
        reverse("cooperation:task-create", args=[meeting.pk]),
        reverse("cooperation:procedure-end", args=[procedure.pk]),
        reverse("cooperation:card-form-create", args=[procedure.pk]),
        reverse("cooperation:card-form-scan", args=[card_form.pk]),
    ]
    for outsider in ("andrzej", "sylwia"):
        login(page, base, outsider)
        for address in addresses:
            response = page.goto(f"{base}{address}")
            assert response is not None and response.status == 404, (outsider, address)
            expect(heading(page)).to_have_text("Nie znaleziono strony")
            expect(page.get_by_role("main")).not_to_contain_text(FAMILY)
        # Marking the task done (a POST) is refused the same way.
        status = page.evaluate(
            """async (url) => {
                const token = document.cookie.match(/csrftoken=([^;]+)/);
                const r = await fetch(url, {method: "POST", headers: {"X-CSRFToken": token ? token[1] : ""}});
                return r.status;
            }""",
            reverse("cooperation:task-done", args=[task.pk]),
        )
        assert status == 404, outsider
    assert Task.objects.get(pk=task.pk).done_on is None

    audit_trail.assert_audited(user=paulina, obj=procedure, action="view")
    audit_trail.assert_audited(user=anna, obj=procedure, action="view")
    audit_trail.assert_audited(user=kasia, obj=procedure, action="view")
