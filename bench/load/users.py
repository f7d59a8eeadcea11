"""The simulated staff of a city centre, as locust users: assistants, social workers, managers.

Each one logs in through the real login page (password, then the two-step code computed from
their device's key), then works through their day with think times between steps. Every record
the application says it saved goes into the run's ledger (`bench.load.ledger`).

Request names are the kinds reported: "<role>: <what>". A POST counts as an error unless it
answers with the redirect that means "saved"; a page unless it answers 200.
"""

import itertools
import random
import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from locust import HttpUser, User, between, task
from locust.exception import StopUser

from . import pages
from .ledger import Ledger
from .pages import form_with, pk_from, totp

# The run sets these before starting (bench.load.run).
LEDGER = Ledger()
PDF_TIMEOUT = 90.0
PDF_POLL = 1.0
SURNAMES = [
    "Nowak",
    "Kowal",
    "Wiśniew",
    "Wójcik",
    "Kamińsk",
    "Lewandow",
    "Zieliń",
    "Szymań",
    "Dąbrowsk",
    "Kozł",
]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def today() -> date:
    """The centre's date (the application counts days in Warsaw)."""
    return datetime.now(ZoneInfo("Europe/Warsaw")).date()


def think(low: float = 5, high: float = 15):  # noqa: ANN201
    return between(low, high)


class Staff(HttpUser):
    abstract = True
    role = ""
    accounts: Iterator[dict] = iter(())
    password = ""
    wait_time = think()

    def on_start(self) -> None:
        self.account = next(self.accounts)
        self.username = self.account["username"]
        self.log_in()

    # --- helpers ----------------------------------------------------------------------------------

    def page(self, url: str, what: str) -> str | None:
        with self.client.get(
            url, name=f"{self.role}: {what}", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.headers.get('Location', '')}")
                if r.status_code == 302 and "/login/" in r.headers.get("Location", ""):
                    self.log_in()
                return None
            r.success()
            return r.text

    def post(self, url: str, data: dict, what: str, expect: str) -> str | None:
        """POST a form; the Location of the redirect when it matches `expect` (the saved page)."""
        with self.client.post(
            url, data=data, name=f"{self.role}: {what}", allow_redirects=False, catch_response=True
        ) as r:
            location = r.headers.get("Location", "")
            if r.status_code in (302, 303) and re.search(expect, location):
                r.success()
                return location
            detail = _errors(r.text) if r.status_code == 200 else location
            r.failure(f"{r.status_code} {detail}"[:300])
            return None

    def csrf(self, html: str) -> str:
        match = CSRF_RE.search(html)
        return match.group(1) if match else str(self.client.cookies.get("csrftoken") or "")

    def log_in(self) -> None:
        for attempt in range(3):
            if self._log_in_once():
                return
            time.sleep(31 if attempt else 5)  # a code used already waits for the next one
        raise StopUser

    def _log_in_once(self) -> bool:
        self.client.cookies.clear()
        with self.client.get("/login/", name="login: page", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(str(r.status_code))
                return False
            form = form_with(r.text, "username")
        data = form.data(username=self.username, password=self.password)
        with self.client.post(
            "/login/", data=data, name="login: password", allow_redirects=False, catch_response=True
        ) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302:
                r.failure(f"{r.status_code} {_errors(r.text)}")
                return False
            r.success()
        if "/login/verify/" not in location:
            # The second step is asked for on the first page after the password.
            with self.client.get(
                location or "/", name="login: first page", allow_redirects=False, catch_response=True
            ) as r:
                location = r.headers.get("Location", "")
                if r.status_code == 200:
                    return True  # no device: the run gives everyone one, so this is not expected
                if r.status_code != 302 or "/login/verify/" not in location:
                    r.failure(f"{r.status_code} {location}")
                    return False
                r.success()
        with self.client.get(location, name="login: code page", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(str(r.status_code))
                return False
            form = form_with(r.text, "token")
        with self.client.post(
            location,
            data=form.data(token=totp(self.account["key"])),
            name="login: code",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code} {_errors(r.text)}")
                return False
            r.success()
        return True


def _errors(html: str) -> str:
    """The form errors a page shows, shortened, to say why a POST was refused."""
    found = re.findall(
        r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</', html, re.S
    )
    text = " | ".join(re.sub(r"<[^>]+>|\s+", " ", f).strip() for f in found if f.strip())
    return text[:200] or "the form was shown again"


class Assistant(Staff):
    role = "assistant"

    @task
    def day(self) -> None:
        cases = self.account.get("cases") or []
        self.page("/visits/week/", "my week")
        if not cases:
            return
        case_pk = random.choice(cases)
        html = self.page(f"/families/cases/{case_pk}/", "case page")
        if html is None:
            return
        self.wait()
        visit_pk = self.log_visit(case_pk)
        if visit_pk is None:
            return
        self.wait()
        if not self.finish_visit(visit_pk):
            return
        self.wait()
        self.ask_for_pdf(case_pk)

    def log_visit(self, case_pk: int) -> int | None:
        url = f"/visits/case/{case_pk}/new/"
        html = self.page(url, "visit form")
        if html is None:
            return None
        data = pages.visit_draft(form_with(html, "topics"), random.randint(8, 15))
        location = self.post(url, data, "save visit draft", r"/visits/\d+/")
        pk = pk_from(location or "", r"/visits/(\d+)/")
        if pk is not None:
            LEDGER.saved("visit", pk, status="draft", by=self.username)
        return pk

    def finish_visit(self, visit_pk: int) -> bool:
        url = f"/visits/{visit_pk}/edit/"
        html = self.page(url, "visit draft")
        if html is None:
            return False
        data = pages.visit_final(form_with(html, "topics"))
        location = self.post(url, data, "finish visit", rf"/visits/{visit_pk}/")
        if location is None:
            return False
        LEDGER.saved("visit", visit_pk, status="final", by=self.username)
        return True

    def ask_for_pdf(self, case_pk: int) -> None:
        html = self.page(f"/families/cases/{case_pk}/", "case page")
        if html is None:
            return
        month = today().strftime("%Y-%m")
        started = time.monotonic()
        location = self.post(
            f"/documents/cases/{case_pk}/visits.pdf",
            {"csrfmiddlewaretoken": self.csrf(html), "month": month},
            "ask for the visit log PDF",
            r"/documents/\d+/",
        )
        document = pk_from(location or "", r"/documents/(\d+)/")
        if document is None:
            return
        self.page(f"/documents/{document}/", "document page")
        while time.monotonic() - started < PDF_TIMEOUT:
            status = self.page(f"/documents/{document}/status/", "PDF status")
            if status is not None and f"/documents/{document}/download/" in status:
                self.environment.events.request.fire(
                    request_type="PDF",
                    name="PDF request→ready",
                    response_time=(time.monotonic() - started) * 1000,
                    response_length=0,
                    exception=None,
                    context={},
                )
                return
            if status is not None and "alert-danger" in status:
                break
            time.sleep(PDF_POLL)
        self.environment.events.request.fire(
            request_type="PDF",
            name="PDF request→ready",
            response_time=(time.monotonic() - started) * 1000,
            response_length=0,
            exception=RuntimeError(f"document {document} not ready"),
            context={},
        )


class SocialWorker(Staff):
    role = "social worker"
    serial = itertools.count(1)

    @task
    def day(self) -> None:
        self.page(f"/families/?q={random.choice(SURNAMES)}", "search families")
        self.wait()
        family_pk = self.register_family()
        if family_pk is None:
            return
        self.wait()
        if not self.interview(family_pk):
            return
        self.wait()
        self.refer(family_pk)

    def register_family(self) -> int | None:
        html = self.page("/families/new/", "family form")
        if html is None:
            return None
        birth = date(1980, 1, 1) + timedelta(days=random.randint(0, 7000))
        data = pages.family(form_with(html, "name"), next(self.serial), birth)
        location = self.post("/families/new/", data, "register family", r"/families/\d+/")
        pk = pk_from(location or "", r"/families/(\d+)/")
        if pk is not None:
            LEDGER.saved("family", pk, by=self.username)
        return pk

    def interview(self, family_pk: int) -> bool:
        url = f"/referrals/family/{family_pk}/interview/"
        html = self.page(url, "interview form")
        if html is None:
            return False
        data = pages.interview(form_with(html, "summary"), today())
        return self.post(url, data, "save interview", r"/") is not None

    def refer(self, family_pk: int) -> None:
        url = f"/referrals/family/{family_pk}/new/"
        html = self.page(url, "referral form")
        if html is None:
            return
        data = pages.referral(form_with(html, "justification"))
        location = self.post(url, data, "file referral", r"/referrals/\d+/")
        pk = pk_from(location or "", r"/referrals/(\d+)/")
        if pk is not None:
            LEDGER.saved("referral", pk, status="submitted", by=self.username)


class Manager(Staff):
    role = "manager"

    def on_start(self) -> None:
        super().on_start()
        self.opinions = list(self.account.get("opinions") or [])

    @task
    def day(self) -> None:
        self.page("/reports/manager/", "dashboard")
        self.wait()
        self.page("/referrals/queue/", "queue")
        self.wait()
        if self.opinions:
            version = self.opinions.pop()
            html = self.page(f"/courts/opinions/versions/{version}/", "opinion")
            if html is not None:
                self.post(
                    f"/courts/opinions/versions/{version}/approve/",
                    {"csrfmiddlewaretoken": self.csrf(html)},
                    "approve opinion",
                    rf"/courts/opinions/versions/{version}/",
                )
            self.wait()
        self.page("/reports/manager/report/", "half-year report")


def assign(actors: dict, counts: dict[str, int], low: float, high: float) -> list[type[User]]:
    """Give the classes their accounts, numbers and think times for this run."""
    classes: list[type[User]] = []
    for cls, key in ((Assistant, "assistants"), (SocialWorker, "social_workers"), (Manager, "managers")):
        cls.accounts = itertools.cycle(actors[key])
        cls.password = actors["password"]
        cls.fixed_count = counts[key]
        cls.wait_time = think(low, high)
        if counts[key]:
            classes.append(cls)
    return classes
