"""Visits recorded on a phone without a connection: saved offline, listed after a reload without a
connection (the service worker's shell), sent once each when the connection returns, a conflict
(the case closed meanwhile) shown with its reason and sent again; nothing readable kept on the
phone (IndexedDB and Cache Storage read back), and everything gone after logging out."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Dialog, expect

from cases.enums import CaseStatus
from tests.factories import TEST_PASSWORD, CaseFactory, FamilyFactory, FamilyMemberFactory, UserFactory
from visits.models import Visit

from .helpers import axe_check, field, heading, login, shot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
FIRST = "Rozmowa o rachunkach w klatce schodowej"
SECOND = "Przegląd zadań szkolnych Kuby"

# Everything the phone keeps, as text: each IndexedDB record (buffers decoded both as UTF-8 and
# byte by byte, the key described), and each Cache Storage entry's address and body.
DUMP = """async () => {
  const utf8 = new TextDecoder("utf-8"), bytes = new TextDecoder("latin1");
  const keys = [];
  function flat(value) {
    if (value instanceof CryptoKey) {
      keys.push({ extractable: value.extractable, algorithm: value.algorithm.name });
      return "CryptoKey";
    }
    if (value instanceof ArrayBuffer) value = new Uint8Array(value);
    if (ArrayBuffer.isView(value)) {
      const view = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return utf8.decode(view) + " " + bytes.decode(view);
    }
    if (value && typeof value === "object") {
      return Object.keys(value).map((name) => name + "=" + flat(value[name])).join(";");
    }
    return String(value);
  }
  const records = [];
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, no) => {
      const req = indexedDB.open(info.name);
      req.onsuccess = () => ok(req.result);
      req.onerror = () => no(req.error);
    });
    for (const name of db.objectStoreNames) {
      const values = await new Promise((ok) => {
        const req = db.transaction(name).objectStore(name).getAll(); req.onsuccess = () => ok(req.result);
      });
      values.forEach((value) => records.push(info.name + "/" + name + ": " + flat(value)));
    }
    db.close();
  }
  const cached = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      cached.push({ url: request.url, body: await response.text() });
    }
  }
  const workers = (await navigator.serviceWorker.getRegistrations()).length;
  return { databases: (await indexedDB.databases()).map((d) => d.name), records, keys, cached, workers };
}"""


@pytest.fixture
def anna(db):
    return UserFactory(username="anna", assistant=True, first_name="Anna", last_name="Wspierająca")


@pytest.fixture
def families(anna):
    first = CaseFactory(family=FamilyFactory(name="Bąkowscy"), assistant=anna)
    zaneta = FamilyMemberFactory(family=first.family, first_name="Żaneta", last_name="Bąkowska")
    second = CaseFactory(family=FamilyFactory(name="Cichońscy"), assistant=anna)
    FamilyMemberFactory(family=second.family, first_name="Kuba", last_name="Cichoński")
    return first, second, zaneta


def record(page, case, start: str, topics: str) -> None:  # noqa: ANN001
    page.get_by_label("Sprawa").select_option(value=str(case.pk))
    field(page, "Godzina rozpoczęcia").fill(start)
    field(page, "Tematy i przebieg spotkania").fill(topics)
    page.get_by_role("button", name="Zapisz na telefonie").click()
    expect(page.locator("#offline-status")).to_contain_text("Zapisano wizytę na telefonie")


def test_visits_recorded_offline_are_sent_once_and_nothing_is_readable_on_the_phone(
    page, base, anna, families
):
    first, second, zaneta = families
    login(page, base, "anna")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/offline/")
    expect(heading(page)).to_have_text("Wizyty bez zasięgu")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    expect(page.locator("#offline-app[data-ready='1']")).to_have_count(1)
    expect(page.locator("#offline-case option")).to_have_count(3)
    expect(page.locator("#offline-case")).to_contain_text(f"sprawa nr {first.pk} — Bąkowscy (Żaneta)")

    # No connection: the banner says so, and two visits are saved on the phone.
    page.context.set_offline(True)
    banner = page.locator("#offline-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Brak połączenia")
    axe_check(page)
    shot(page, "offline-banner-phone")
    record(page, first, "10:00", FIRST)
    record(page, second, "12:30", SECOND)
    pending = page.locator("#pending-list > li")
    expect(pending).to_have_count(2)

    # Reloaded without a connection: the shell comes from the service worker, the visits are there.
    page.reload()
    expect(heading(page)).to_have_text("Wizyty bez zasięgu")
    expect(page.locator("#offline-app[data-ready='1']")).to_have_count(1)
    expect(pending).to_have_count(2)
    expect(pending.first).to_contain_text("Czeka na wysłanie")
    expect(pending.first).to_contain_text("Bąkowscy")
    expect(page.locator("#offline-case option")).to_have_count(3)  # the cases, decrypted
    axe_check(page)
    shot(page, "offline-pending-phone")

    # Nothing readable on the phone: no family's name, member's name, PESEL or visit text.
    kept = page.evaluate(DUMP)
    assert kept["keys"] == [{"extractable": False, "algorithm": "AES-GCM"}]
    assert len(kept["records"]) >= 4  # the key, the state, the cases, two visits
    assert {item["url"].removeprefix(base) for item in kept["cached"]} >= {
        "/offline/",
        "/static/js/offline.js",
    }
    assert not [
        item["url"] for item in kept["cached"] if "/families/" in item["url"] or "/case/" in item["url"]
    ]
    everything = "\n".join(kept["records"] + [item["url"] + item["body"] for item in kept["cached"]])
    for secret in (
        "Bąkowscy",
        "Bąkowska",
        "Żaneta",
        "Cichońscy",
        "Kuba",
        zaneta.pesel,
        FIRST,
        SECOND,
        "rachunkach",
    ):
        assert secret not in everything, secret

    # The second case is closed meanwhile; the connection returns: the first visit is sent, the
    # second is shown with the reason.
    second.status = CaseStatus.CLOSED
    second.closed_on = second.opened_on
    second.closure_reason = "goals_achieved"
    second.save()
    page.context.set_offline(False)
    expect(banner).to_be_hidden()
    expect(pending).to_have_count(1)
    conflict = pending.first
    expect(conflict).to_contain_text("Cichońscy")
    expect(conflict).to_contain_text("Sprawa jest zamknięta")
    assert list(Visit.objects.values_list("case_id", "topics")) == [(first.pk, FIRST)]
    axe_check(page)
    shot(page, "offline-conflict-phone")

    # Online again twice over (another tab, a flaky signal): nothing is sent twice.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1000)
    assert Visit.objects.count() == 1

    # The case reopened: sent again, it arrives once; the server has exactly the two visits.
    second.status = CaseStatus.ACTIVE
    second.closed_on = None
    second.closure_reason = ""
    second.save()
    conflict.get_by_role("button", name="Wyślij ponownie").click()
    expect(pending).to_have_count(0)
    expect(page.locator("#pending-empty")).to_be_visible()
    assert sorted(Visit.objects.values_list("case_id", "topics")) == sorted(
        [(first.pk, FIRST), (second.pk, SECOND)]
    )
    assert set(Visit.objects.values_list("author", flat=True)) == {anna.pk}

    # Logging out wipes everything the phone kept.
    nav = page.get_by_role("navigation", name="Nawigacja główna")
    nav.get_by_role("button", name="Pokaż menu").click()  # the phone's folded menu
    nav.get_by_role("button", name=re.compile("Anna Wspierająca")).click()
    nav.get_by_role("button", name="Wyloguj").click()
    expect(heading(page)).to_have_text("Zaloguj się")
    gone = page.evaluate(DUMP)
    assert gone["databases"] == [] and gone["cached"] == [] and gone["workers"] == 0, gone
    page.close()


def test_a_visit_to_a_case_handed_over_meanwhile_can_be_discarded(page, base, anna, families):
    first, _second, _zaneta = families
    login(page, base, "anna")
    page.goto(f"{base}/offline/")
    expect(page.locator("#offline-app[data-ready='1']")).to_have_count(1)
    page.context.set_offline(True)
    record(page, first, "09:00", FIRST)
    first.assistant = UserFactory(username="beata", assistant=True)
    first.save()
    page.context.set_offline(False)
    conflict = page.locator("#pending-list > li")
    expect(conflict).to_contain_text("Sprawa nie jest już Twoja")
    axe_check(page)
    conflict.get_by_role("button", name="Odrzuć").click()
    expect(page.locator("#pending-list > li")).to_have_count(0)
    expect(page.locator("#offline-status")).to_contain_text("Odrzucono wizytę")
    assert not Visit.objects.exists()
    page.close()  # nothing left running while the database is emptied for the next test


def kept_visit(page, base, case) -> None:  # noqa: ANN001
    page.goto(f"{base}/offline/")
    expect(page.locator("#offline-app[data-ready='1']")).to_have_count(1)
    page.context.set_offline(True)
    record(page, case, "09:00", FIRST)
    assert page.evaluate(DUMP)["databases"] == ["asystent-offline"]


def test_another_person_logging_in_finds_nothing_kept(page, base, anna, families):
    first, _second, _zaneta = families
    UserFactory(username="beata", assistant=True)
    login(page, base, "anna")
    kept_visit(page, base, first)
    # Anna's session ends without a logout (the phone is left on a desk); Beata logs in.
    page.context.clear_cookies(name="sessionid")
    page.context.set_offline(False)
    page.goto(f"{base}/login/")
    page.get_by_label("Nazwa użytkownika").fill("beata")
    page.get_by_label("Hasło").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(heading(page)).to_contain_text("Witamy")
    page.wait_for_timeout(500)
    gone = page.evaluate(DUMP)
    assert "asystent-offline" not in gone["databases"] and not gone["records"], gone
    assert not [item for item in gone["cached"] if FIRST in item["body"]]
    page.close()


def test_seventy_two_hours_without_a_login_wipe_the_phone(page, base, anna, families):
    first, _second, _zaneta = families
    login(page, base, "anna")
    kept_visit(page, base, first)
    # The last login was 73 hours ago (the phone lay unused): the next page, the login page, wipes.
    long_ago = timezone.now() - dt.timedelta(hours=73)
    type(anna).objects.filter(pk=anna.pk).update(last_login=long_ago)
    page.evaluate(
        """(when) => new Promise((ok) => {
          const req = indexedDB.open("asystent-offline");
          req.onsuccess = () => {
            const db = req.result, tx = db.transaction("meta", "readwrite"), store = tx.objectStore("meta");
            store.get("state").onsuccess = (event) => {
              const state = event.target.result; state.lastLogin = when; store.put(state, "state");
            };
            tx.oncomplete = () => { db.close(); ok(); };
          };
        })""",
        long_ago.timestamp() * 1000,
    )
    page.context.clear_cookies(name="sessionid")  # the session ended long ago
    page.context.set_offline(False)
    page.goto(f"{base}/login/")
    for _ in range(50):
        if "asystent-offline" not in page.evaluate(DUMP)["databases"]:
            break
        page.wait_for_timeout(200)
    assert page.evaluate(DUMP)["records"] == []
    page.close()


def test_logging_out_with_visits_not_yet_sent_asks_first(page, base, anna, families):
    first, _second, _zaneta = families
    login(page, base, "anna")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/offline/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
    expect(page.locator("#offline-app[data-ready='1']")).to_have_count(1)
    page.context.set_offline(True)
    record(page, first, "09:00", FIRST)

    def log_out(answer: str) -> list[str]:
        asked: list[str] = []

        def reply(dialog: Dialog) -> None:
            asked.append(dialog.message)
            getattr(dialog, answer)()

        page.once("dialog", reply)
        nav = page.get_by_role("navigation", name="Nawigacja główna")
        account = nav.get_by_role("button", name=re.compile("Anna Wspierająca"))
        logout = nav.get_by_role("button", name="Wyloguj")
        if not logout.is_visible():  # the phone's folded menu, still open after a "no"
            if not account.is_visible():
                nav.get_by_role("button", name="Pokaż menu").click()
            account.click()
        logout.click(no_wait_after=True)
        for _ in range(100):  # the question comes once the phone's store is read
            if asked:
                break
            page.wait_for_timeout(100)
        return asked

    # Asked, and cancelled: still logged in, the visit still waits on the phone.
    question = "Niewysłane wizyty na tym telefonie: 1. Wylogowanie je usunie. Wylogować mimo to?"
    assert log_out("dismiss") == [question]
    expect(heading(page)).to_have_text("Wizyty bez zasięgu")
    expect(page.locator("#pending-list > li")).to_have_count(1)
    assert any("drafts" in record for record in page.evaluate(DUMP)["records"])
    # Asked again, and confirmed: everything the phone kept is wiped, the visit never sent.
    assert log_out("accept") == [question]
    page.wait_for_url(re.compile("^chrome-error:"))  # wiped, then the logout sent (no connection)
    page.context.set_offline(False)
    page.goto(f"{base}/login/")
    gone = page.evaluate(DUMP)
    assert gone["databases"] == [] and gone["cached"] == [] and gone["workers"] == 0, gone
    assert not Visit.objects.exists()
