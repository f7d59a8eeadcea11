"""Access proven everywhere: every named route of the URLconf × every role and an anonymous visitor.

`ROUTES` names every route with the answer each person gets on the Alfowscy family's objects:
its social worker and assistant, the outsiders (the other social worker and the other assistant,
who work with the Betowscy), a manager and the administrator. A route missing from the table
fails `test_every_named_route_has_an_expectation`, naming it; a route in the table that no longer
exists fails too. The admin's routes are checked by rule (`ADMIN_MODELS`): only an administrator
opens the admin, and only the listed models are registered there (never case data).

What the answers mean: anonymous visitors go to the login page; an object the person may not see
answers 404 (as if it did not exist); an action or page their role has no business with answers
403; what they may do answers 200 (a page) or 302 (an action done, or refused with a message on
the page it leads to). Besides the status, no page an outsider is shown (200) may name the
Alfowscy or show their PESEL.

The world is built once for the module inside a transaction that is rolled back at the end; each
test runs in a savepoint of it, so the POSTs of one test do not leak into the next.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from . import route_world
from .test_login_required import ROUTES as URLCONF_ROUTES

# The columns of every row of `ROUTES`.
ROLES = ("social_worker", "other_social_worker", "assistant", "other_assistant", "manager", "administrator")
OUTSIDERS = ("other_social_worker", "other_assistant", "administrator")
LOGIN = "login"  # the anonymous answer: a redirect to the login page with ?next=

# Everyone who logged in gets the same answer.
ALL_200 = (200,) * 6
ALL_302 = (302,) * 6
MANAGER_ONLY = (403, 403, 403, 403, 200, 403)
# Figures (no names of families) are for managers and the administrator.
FIGURES = (403, 403, 403, 403, 200, 200)

World = SimpleNamespace  # route_world.build()'s namespace


@dataclass(frozen=True)
class Expect:
    """What each role gets on one route, for one or several objects of the same kind.

    `on` names the object(s) in the world ("a.case"; a tuple for several URLs; None for a route
    without arguments), or is a function of the world giving the URL(s) itself."""

    on: str | tuple[str, ...] | Callable[[World], str | list[str]] | None
    codes: tuple[int, ...]  # in the order of ROLES
    method: str = "get"
    query: str = ""
    data: dict | Callable[[World], dict] = field(default_factory=dict)  # a function of the world too
    anonymous: int | str = LOGIN

    def __post_init__(self) -> None:
        assert len(self.codes) == len(ROLES), "one answer per role"

    def urls(self, world: World, name: str) -> list[str]:
        if callable(self.on):
            made = self.on(world)
            return made if isinstance(made, list) else [made]
        paths = [self.on] if isinstance(self.on, str) else list(self.on or [None])
        suffix = f"?{self.query}" if self.query else ""
        return [reverse(name, args=[_find(world, p).pk] if p else []) + suffix for p in paths]


def _find(world: World, path: str) -> Any:
    obj: Any = world
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def get(on: Any, codes: tuple[int, ...], **kwargs: Any) -> Expect:
    return Expect(on, codes, **kwargs)


def post(on: Any, codes: tuple[int, ...], **kwargs: Any) -> Expect:
    return Expect(on, codes, method="post", **kwargs)


def a_pesel(world: World) -> dict:
    """The duplicate check asked about the Alfowscy mother's PESEL (posted: never in a URL)."""
    return {"pesel": world.a.adult.pesel}


REFERRALS = ("a.referral", *(f"a.referrals.{status}" for status in route_world.OTHER_REFERRAL_STATES))
DRAFT = "a.referrals.draft"
SUBMITTED = "a.referrals.submitted"
PERIOD = "period=2025-H1"
# Answers of the people who may see the Alfowscy: a page of the file for every role that works with
# families (FILE), for everyone who may see it with no role check first (SEEN: the administrator
# sees no family, so 404), and the actions of the case's own assistant (OWN_ASSISTANT).
FILE = (200, 404, 200, 404, 200, 403)
SEEN = (200, 404, 200, 404, 200, 404)
OWN_ASSISTANT = (403, 404, 200, 404, 403, 404)
ASSISTANT_OR_MANAGER = (403, 404, 302, 404, 302, 404)
REGISTRARS = (200, 404, 403, 403, 200, 403)
SOCIAL_WORKER = (200, 404, 403, 403, 403, 403)
DECIDERS_404 = (403, 403, 403, 403, 404, 404)

# The assistant's monthly records (anna's): the role is checked first (403), then the month (404
# for another assistant's); a manager sees every month and decides it, but never edits it.
TIMESHEET_USERS = (403, 403, 200, 200, 200, 403)
OPENERS = (403, 403, 302, 302, 403, 403)
OWN_MONTH = (403, 403, 200, 404, 200, 403)
OWN_MONTH_ACTION = (403, 403, 302, 404, 403, 403)
MANAGER_ACTION = (403, 403, 403, 403, 302, 403)
MONTH_PDF = (403, 403, 302, 404, 302, 403)
# The "Niebieska Karta" procedure: its family's assistant and a manager; 404 for anybody else.
BLUE_CARD = (404, 404, 200, 404, 200, 404)
BLUE_CARD_ACTION = (404, 404, 302, 404, 302, 404)
SEEN_ACTION = (302, 404, 302, 404, 302, 404)

# The "Za życiem" pages of a case: only its own assistant (a role check first, then the case).
OWN_ZA_ZYCIEM = (403, 403, 200, 404, 403, 403)


def za_zyciem_case_url(name: str) -> Callable[[World], str]:
    """A "Za życiem" case of the Alfowscy (made in the test's savepoint) with its request."""

    def url(world: World) -> str:
        return reverse(name, args=[route_world.za_zyciem_case(world).pk])

    return url


def no_such(name: str) -> Callable[[World], str]:
    """The route on an object that does not exist (imports and exports are their owner's alone,
    tested in their own modules): the role check answers first, then 404."""
    return lambda world: reverse(name, args=[10**9])


def catalogue_handover_url(world: World) -> str:
    return reverse("documents:support-catalogue-pdf", args=[route_world.catalogue_handover(world).pk])


def family_report_url(world: World) -> str:
    return reverse("documents:report-answer-pdf", args=[route_world.family_report(world).pk])


def blue_card_url(name: str, part: str = "procedure") -> Callable[[World], str]:
    """A page of the Alfowscy's "Niebieska Karta" procedure (made in the test's savepoint)."""

    def url(world: World) -> str:
        return reverse(name, args=[getattr(route_world.blue_card(world), part).pk])

    return url


def letter_url(name: str) -> Callable[[World], str]:
    def url(world: World) -> str:
        return reverse(name, args=[route_world.letter(world).pk])

    return url


def institution_url(world: World) -> str:
    return reverse("cooperation:institution-edit", args=[route_world.institution(world).pk])


# Columns: social worker, other social worker, assistant, other assistant, manager, administrator.
# fmt: off
ROUTES: dict[str, Expect] = {
    # --- the project's own pages
    "home": get(None, ALL_200),
    "healthz": get(None, ALL_200, anonymous=200),
    "centre-edit": get(None, (403, 403, 403, 403, 403, 200)),
    "assistant-limit": get("users.assistant", FIGURES),
    "login": get(None, ALL_302, anonymous=200),
    "logout": post(None, ALL_302),
    "session-keepalive": post(None, ALL_200),
    "password_change": get(None, ALL_200),
    "password_change_done": get(None, ALL_200),
    "two-factor-verify": get(None, ALL_302),  # no device: on to the set-up
    "two-factor-setup": get(None, ALL_200),
    "two-factor-recovery": get(None, ALL_302),
    "access-log": get(None, MANAGER_ONLY),
    "role-change-list": get(None, FIGURES),
    # No request in the world: the roles that decide get 404, the others 403 first.
    "role-change-confirm": post(lambda w: reverse("role-change-confirm", args=[10**9]), DECIDERS_404),
    "role-change-reject": post(lambda w: reverse("role-change-reject", args=[10**9]), DECIDERS_404),
    "access-log-csv": get(None, MANAGER_ONLY),
    # --- the REST API (session here; tokens and their scopes: tests/test_api.py): no login page,
    # 401 without credentials; the account page; the calendar feed at a secret address only.
    "api:family-list": get(None, ALL_200, anonymous=401),
    "api:family-detail": get("a.family", SEEN, anonymous=401),
    "api:member-detail": get("a.adult", SEEN, anonymous=401),
    "api:case-list": get(None, ALL_200, anonymous=401),
    "api:case-detail": get("a.case", SEEN, anonymous=401),
    "api:visit-list": get(None, ALL_200, anonymous=401),
    "api:visit-detail": get("a.visit", SEEN, anonymous=401),
    "api:plan-list": get(None, ALL_200, anonymous=401),
    "api:plan-detail": get("a.plan", SEEN, anonymous=401),
    "api:assessment-list": get(None, ALL_200, anonymous=401),
    "api:assessment-detail": get("a.assessment", SEEN, anonymous=401),
    "api:court-request-list": get(None, ALL_200, anonymous=401),
    "api:court-request-detail": get("a.court_request", SEEN, anonymous=401),
    "api:notification-list": get(None, ALL_200, anonymous=401),
    "api:notification-read": post("a.notification", (404, 404, 200, 404, 404, 404), anonymous=401),
    "api:report-semiannual": get(None, MANAGER_ONLY, anonymous=401),
    "api:schema": get(None, ALL_200),
    "api:docs": get(None, ALL_200),
    "api:account": get(None, ALL_200),
    "api:token-revoke": post(lambda w: reverse("api:token-revoke", args=[10**9]), (404,) * 6),
    "api:feed-regenerate": post(None, ALL_200),
    "api:calendar-feed": get(lambda w: reverse("api:calendar-feed", args=["x"]), (404,) * 6, anonymous=404),
    "api:service-worker": get(None, ALL_200, anonymous=200),
    "api:web-manifest": get(None, ALL_200, anonymous=200),
    "api:offline": get(None, (403, 403, 200, 200, 403, 403)),
    "api:offline-cases": get(None, (403, 403, 200, 200, 403, 403)),
    # --- transfer: import (managers families, the administrator users) and the centre's export
    "transfer:import": get(None, FIGURES),
    "transfer:import-template": get(lambda w: reverse("transfer:import-template", args=["families", "csv"]),
                                    MANAGER_ONLY),
    "transfer:import-batch": get(no_such("transfer:import-batch"), DECIDERS_404),
    "transfer:import-confirm": post(no_such("transfer:import-confirm"), DECIDERS_404),
    "transfer:import-discard": post(no_such("transfer:import-discard"), DECIDERS_404),
    "transfer:export": get(None, FIGURES),
    "transfer:export-status": get(no_such("transfer:export-status"), DECIDERS_404),
    "transfer:export-download": get(no_such("transfer:export-download"), DECIDERS_404),
    "notifications:list": get(None, ALL_200),
    "notifications:read": post("a.notification", (404, 404, 302, 404, 404, 404)),
    "notifications:read-all": post(None, ALL_302),
    "notifications:preferences": get(None, ALL_200),
    "set_language": post(None, ALL_302, data={"language": "en"}),
    # --- cases: families, members, cases, consent
    "cases:family-list": get(None, (200, 200, 200, 200, 200, 403)),
    "cases:family-create": get(None, (200, 200, 403, 403, 200, 403)),
    "cases:pesel-check": post(None, (200, 200, 403, 403, 200, 403), data=a_pesel),
    "cases:family-detail": get("a.family", FILE),
    "cases:family-edit": get("a.family", REGISTRARS),
    "cases:member-add": get("a.family", REGISTRARS),
    "cases:member-edit": get("a.adult", REGISTRARS),
    "cases:case-detail": get("a.case", FILE),
    "cases:consent-create": get("a.case", (403, 403, 200, 404, 200, 403)),
    "cases:case-reassign": get("a.case", MANAGER_ONLY),
    "cases:consent-scan": get("a.consent", FILE),
    # No hard delete: who added the member or the case's assistant removes, a manager restores.
    "cases:member-remove": get("a.adult", (200, 404, 200, 404, 403, 403)),
    "cases:member-restore": post("a.removed_member", (403, 403, 403, 403, 302, 403)),
    "cases:removed-records": get(None, MANAGER_ONLY),
    # --- cases: the assistant's case work
    "cases:plan-create": get("a.case", (403, 403, 200, 404, 403, 403)),
    "cases:plan-detail": get("a.plan", SEEN),
    "cases:plan-confirm": post("a.plan", (302, 404, 403, 403, 403, 403)),
    # The assistant has a draft assessment of the case: the new-assessment page leads to it.
    "cases:assessment-create": get("a.case", (403, 403, 302, 404, 403, 403)),
    "cases:assessment-detail": get("a.assessment", SEEN),
    "cases:assessment-edit": get("a.draft_assessment", (403, 403, 200, 404, 403, 403)),
    "cases:assessment-acknowledge": post("a.assessment", (403, 403, 403, 403, 302, 403)),
    "cases:case-close": get("a.case", (403, 403, 200, 404, 200, 403)),
    "cases:closure-proposal": get("a.closure_proposal", FILE),
    # Decided already: a manager is told so on the proposal's page.
    "cases:closure-approve": post("a.closure_proposal", MANAGER_ONLY[:4] + (302, 403)),
    "cases:closure-return": post(
        "a.closure_proposal", MANAGER_ONLY[:4] + (302, 403), data={"comment": "Uzupełnij."}
    ),
    # The case is active, not in monitoring: the page explains that on the case page.
    "cases:monitoring-end": get("a.case", (403, 403, 302, 404, 302, 403)),
    "cases:retention": get(None, MANAGER_ONLY),
    "cases:retention-prepare": post(None, (403, 403, 403, 403, 302, 403)),
    "cases:retention-protocol": get("protocol", MANAGER_ONLY),
    # --- referrals: intake
    "referrals:referral-list": get(None, (200, 200, 403, 403, 200, 403)),
    "referrals:queue": get(None, MANAGER_ONLY),
    "referrals:interview-create": get("a.family", SOCIAL_WORKER),
    "referrals:referral-create": get("a.family", SOCIAL_WORKER),
    "referrals:court-order-create": get("a.family", REGISTRARS),
    "referrals:referral-detail": get(REFERRALS, FILE),  # in every state
    "referrals:referral-edit": get(DRAFT, SOCIAL_WORKER),
    "referrals:referral-submit": post(DRAFT, (302, 404, 403, 403, 403, 403)),
    "referrals:referral-withdraw": post(SUBMITTED, (302, 404, 403, 403, 403, 403)),
    "referrals:referral-decide": get(SUBMITTED, MANAGER_ONLY),
    "referrals:court-order-scan": get("a.court_order", FILE),
    "referrals:report-create": get("a.family", REGISTRARS),
    "referrals:za-zyciem-create": get("a.family", REGISTRARS),
    "referrals:catalogue-handover": get(za_zyciem_case_url("referrals:catalogue-handover"), OWN_ZA_ZYCIEM),
    "referrals:authorisation-edit": get(za_zyciem_case_url("referrals:authorisation-edit"), OWN_ZA_ZYCIEM),
    # --- visits and interventions
    "visits:my-week": get(None, (403, 403, 200, 200, 403, 403)),
    "visits:case-visits": get("a.case", SEEN),
    "visits:visit-create": get("a.case", OWN_ASSISTANT),
    "visits:intervention-create": get("a.case", OWN_ASSISTANT),
    "visits:visit-detail": get(("a.visit", "a.draft_visit"), SEEN),
    "visits:visit-edit": get("a.visit", OWN_ASSISTANT),
    "visits:intervention-detail": get("a.intervention", SEEN),
    "visits:visit-remove": get("a.visit", OWN_ASSISTANT),
    "visits:visit-restore": post("a.removed_visit", (403, 403, 403, 403, 302, 403)),
    # --- courts: court requests and opinions; documents: the printed documents
    "courts:court-request-list": get(None, (403, 403, 200, 200, 200, 403)),
    "courts:court-request-create": get("a.case", (403, 404, 200, 404, 200, 404)),
    "courts:court-request-detail": get("a.court_request", SEEN),
    "courts:court-request-scan": get("a.court_request", SEEN),
    "courts:court-request-no-answer": post(
        "a.court_request", MANAGER_ONLY[:4] + (302, 403), data={"reason": "Sąd cofnął wniosek."}
    ),
    "courts:opinion-create": post("a.court_request", (403, 404, 302, 404, 403, 404)),
    "courts:opinion-edit": get("a.opinion", OWN_ASSISTANT),
    "courts:opinion-versions": get("a.opinion", SEEN),
    "courts:opinion-version": get("a.opinion_version", SEEN),
    "courts:opinion-submit": post("a.opinion_version", (403, 404, 302, 404, 403, 404)),
    "courts:opinion-approve": post("a.opinion_version", (403, 403, 403, 403, 302, 403)),
    "courts:opinion-return": get("a.opinion_version", MANAGER_ONLY),
    "courts:opinion-mark-sent": get("a.opinion_version", (403, 404, 200, 404, 200, 404)),
    "courts:opinion-pdf": post("a.opinion_version", ASSISTANT_OR_MANAGER),
    # A court-ordered family's non-cooperation: the case's assistant or a manager records the
    # facts, a manager prepares the notice to the court, either records its dispatch.
    "courts:non-cooperation-create": get("a.case", (403, 403, 200, 404, 200, 403)),
    "courts:court-notice-create": get("a.case", MANAGER_ONLY),
    "courts:court-notice-detail": get("a.court_notice", (403, 403, 200, 404, 200, 403)),
    "courts:court-notice-mark-sent": get("a.court_notice", (403, 403, 200, 404, 200, 403)),
    "documents:work-plan-pdf": post("a.case", ASSISTANT_OR_MANAGER),
    "documents:monthly-visits-pdf": post("a.case", ASSISTANT_OR_MANAGER),
    "documents:assignment-letter-pdf": post("a.case", ASSISTANT_OR_MANAGER),
    "documents:support-catalogue-pdf": post(catalogue_handover_url, ASSISTANT_OR_MANAGER),
    "documents:report-answer-pdf": post(family_report_url, ASSISTANT_OR_MANAGER),
    # The documents of the family's file (issue 17): the monitoring note and the closure report of
    # a case not closed, or a closure returned, are refused with the reason (302 too).
    "documents:consent-form-pdf": post("a.case", ASSISTANT_OR_MANAGER),
    "documents:work-card": get("a.case", (403, 404, 200, 404, 200, 404)),
    "documents:monitoring-note-pdf": post("a.case", ASSISTANT_OR_MANAGER),
    "documents:assessment-pdf": post("a.assessment", ASSISTANT_OR_MANAGER),
    "documents:closure-report-pdf": post("a.closure_proposal", ASSISTANT_OR_MANAGER),
    # The referral as filed: its social worker or a manager.
    "documents:referral-pdf": post("a.referral", (302, 404, 403, 404, 302, 404)),
    # The assistants' monthly reports: each assistant their own, the manager all.
    "documents:monthly-reports": get(None, (403, 403, 200, 200, 200, 403)),
    # --- cooperation: institutions, correspondence and the "Niebieska Karta" procedure (seen by the
    # family's assistant, the managers and the social workers in its group: not paulina)
    "cooperation:institution-list": get(None, ALL_200),
    "cooperation:institution-create": get(None, (200, 200, 403, 403, 200, 200)),
    "cooperation:institution-edit": get(institution_url, (200, 200, 403, 403, 200, 200)),
    "cooperation:letter-list": get("a.family", SEEN),
    "cooperation:letter-replied": post(letter_url("cooperation:letter-replied"), SEEN_ACTION),
    "cooperation:letter-scan": get(letter_url("cooperation:letter-scan"), SEEN),
    "cooperation:procedure-create": get("a.family", SEEN),
    "cooperation:procedure-detail": get(blue_card_url("cooperation:procedure-detail"), BLUE_CARD),
    "cooperation:procedure-edit": get(blue_card_url("cooperation:procedure-edit"), BLUE_CARD),
    "cooperation:member-add": get(blue_card_url("cooperation:member-add"), BLUE_CARD),
    "cooperation:meeting-create": get(blue_card_url("cooperation:meeting-create"), BLUE_CARD),
    "cooperation:task-create": get(blue_card_url("cooperation:task-create", "meeting"), BLUE_CARD),
    "cooperation:task-done": post(blue_card_url("cooperation:task-done", "task"), BLUE_CARD_ACTION),
    "cooperation:procedure-end": get(blue_card_url("cooperation:procedure-end"), BLUE_CARD),
    "cooperation:card-form-create": get(blue_card_url("cooperation:card-form-create"), BLUE_CARD),
    "cooperation:card-form-scan": get(blue_card_url("cooperation:card-form-scan", "card_form"), BLUE_CARD),
    "cooperation:visit-institutions": get("a.visit", OWN_ASSISTANT),
    "cooperation:plan-institutions": get("a.plan", OWN_ASSISTANT),
    "documents:detail": get("a.document", SEEN),
    "documents:status": get("a.document", SEEN),  # the htmx fragment
    "documents:retry": post("a.document", ASSISTANT_OR_MANAGER),
    "documents:download": get("a.document", SEEN),
    # --- reports: the manager's pages
    "reports:dashboard": get(None, FIGURES),
    "reports:dashboard-drilldown": get(None, MANAGER_ONLY, query="metric=caseload"),
    "reports:charts": get(None, FIGURES),
    "reports:semiannual": get(None, FIGURES),
    "reports:semiannual-drilldown": get(None, MANAGER_ONLY, query=f"{PERIOD}&figure=assistants"),
    "reports:semiannual-csv": get(None, FIGURES, query=PERIOD),
    "reports:semiannual-xlsx": get(None, FIGURES, query=PERIOD),
    "reports:semiannual-pdf": post(None, (403, 403, 403, 403, 302, 302), query=PERIOD),
    "reports:semiannual-send": post(None, (403, 403, 403, 403, 302, 403), query=PERIOD),
    "reports:annual": get(None, MANAGER_ONLY, query="year=2025"),
    "reports:annual-pdf": post(None, (403, 403, 403, 403, 302, 403), query="year=2025"),
    "reports:help-point-drilldown": get(None, MANAGER_ONLY, query=f"{PERIOD}&point=6&what=visits"),
    # --- staff records: managers and the administrator; the costs are the manager's
    "staff:list": get(None, FIGURES),
    "staff:assistant": get("users.assistant", FIGURES),
    "staff:employment-add": get("users.assistant", FIGURES),
    "staff:employment-edit": get("employment", FIGURES),
    "staff:qualification-add": get("users.assistant", FIGURES),
    "staff:development-add": get("users.assistant", FIGURES),
    "staff:developments": get(None, FIGURES),
    "staff:costs": get(None, MANAGER_ONLY),
    # --- the assistant's time sheet and mileage log: their own (outsiders 404), managers decide
    "timesheets:index": get(None, TIMESHEET_USERS),
    "timesheets:sheet-open": post(None, OPENERS, data={"month": "2026-11"}),
    "timesheets:sheet": get("timesheet", OWN_MONTH),
    "timesheets:sheet-fill": post("timesheet", OWN_MONTH_ACTION),
    "timesheets:sheet-submit": post("timesheet", OWN_MONTH_ACTION),
    "timesheets:sheet-approve": post("timesheet", MANAGER_ACTION),
    "timesheets:sheet-return": post("timesheet", MANAGER_ACTION, data={"reason": "Popraw."}),
    "timesheets:sheet-pdf": post("timesheet", MONTH_PDF),
    "timesheets:log-open": post(None, OPENERS, data={"month": "2026-11"}),
    "timesheets:log": get("mileage_log", OWN_MONTH),
    "timesheets:log-fill": post("mileage_log", OWN_MONTH_ACTION, data={"origin": "Biuro"}),
    "timesheets:log-submit": post("mileage_log", OWN_MONTH_ACTION),
    "timesheets:log-approve": post("mileage_log", MANAGER_ACTION),
    "timesheets:log-return": post("mileage_log", MANAGER_ACTION, data={"reason": "Popraw."}),
    "timesheets:log-pdf": post("mileage_log", MONTH_PDF),
    "timesheets:trip-remove": post("trip", OWN_MONTH_ACTION),
    "timesheets:allowance": get("users.assistant", MANAGER_ONLY),
    # --- reports: data-subject access (GDPR art. 15)
    "reports:subject-access": get("a.adult", MANAGER_ONLY),
    "reports:subject-access-json": get("a.adult", MANAGER_ONLY),
    "reports:subject-access-pdf": post("a.adult", (403, 403, 403, 403, 302, 403)),
    "seals:certificate": get(None, (403, 403, 403, 403, 403, 200)),
    "seals:certificate-remove": post(None, (403, 403, 403, 403, 403, 302)),
    "documents:za-zyciem-authorisation-pdf": post(
        za_zyciem_case_url("documents:za-zyciem-authorisation-pdf"), ASSISTANT_OR_MANAGER
    ),
}
# fmt: on

# The admin: only these models are registered (users, the centre, dictionaries, reminder settings and the
# security records); case data never is. Every admin route is the administrator's alone.
ADMIN_MODELS = {
    "auth.group",
    "asystent.user",
    "asystent.centre",
    "asystent.rolechangerequest",
    "cases.problemarea",
    "referrals.supportcatalogueentry",
    "cases.closurereasonpolicy",
    "cases.assessmentarea",
    "notifications.remindersettings",
    "cooperation.procedureterms",
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}

# Admin routes whose sample URL must name an existing object: django-otp's device views answer an
# unknown pk with an error rather than 404 (only an administrator reaches them).
ADMIN_OBJECTS = {
    "admin:otp_totp_totpdevice_config": "totp_device",
    "admin:otp_totp_totpdevice_qrcode": "totp_device",
}

NAMED_ROUTES = {route.name: route for route in URLCONF_ROUTES if route.name}
APP_ROUTES = sorted(name for name in NAMED_ROUTES if not name.startswith("admin:"))
ADMIN_ROUTES = sorted(name for name in NAMED_ROUTES if name.startswith("admin:"))


# --- the world -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, in a transaction rolled back at its end."""
    media = tmp_path_factory.mktemp("route-matrix-media")
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hashing):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = route_world.build()
            built.media = media
            built.sessions = _sessions(built.users)
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_in_tmp(world, settings):
    """The world's files stay where the module fixture saved them (overrides conftest's)."""
    settings.MEDIA_ROOT = world.media


def _sessions(users: object) -> dict[str, str]:
    """One session per role, made once: switching roles is switching the session cookie."""
    sessions = {}
    for role in ROLES:
        client = Client()
        client.force_login(getattr(users, role))
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _as(client: Client, world: World, role: str | None) -> None:
    """Make `client` the person in `role` (None: an anonymous visitor)."""
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    if role is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]


def _markers(world: World) -> list[str]:
    adult = world.a.adult
    return [world.a.family.name, adult.last_name, adult.pesel]


def _answer(client, expect: Expect, url: str, world: World):  # noqa: ANN202
    data = expect.data(world) if callable(expect.data) else expect.data
    return getattr(client, expect.method)(url, data)


# --- the table covers the URLconf ----------------------------------------------------------------


def test_every_named_route_has_an_expectation():
    missing = [name for name in APP_ROUTES if name not in ROUTES]
    assert not missing, f"routes without a row in ROUTES (add what each role gets): {missing}"
    gone = sorted(set(ROUTES) - set(NAMED_ROUTES))
    assert not gone, f"rows of ROUTES for routes that no longer exist: {gone}"


def test_the_admin_registers_only_the_listed_models():
    registered = {f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry}
    assert registered == ADMIN_MODELS, (
        f"registered in the admin but not listed: {sorted(registered - ADMIN_MODELS)}; "
        f"listed but not registered: {sorted(ADMIN_MODELS - registered)}"
    )


# --- each route × each role ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_each_role(client, world, name):
    expect = ROUTES[name]
    urls = expect.urls(world, name)
    for url in urls:
        _as(client, world, None)
        response = _answer(client, expect, url, world)
        if expect.anonymous == LOGIN:
            assert response.status_code == 302, f"{name} {url}: anonymous got {response.status_code}"
            location = urlsplit(response.url)
            assert location.path == reverse("login"), f"{name}: anonymous sent to {response.url}"
            assert parse_qs(location.query)["next"] == [url]
        else:
            assert response.status_code == expect.anonymous, f"{name}: anonymous got {response.status_code}"

        got = {}
        for role in ROLES:
            _as(client, world, role)
            response = _answer(client, expect, url, world)
            got[role] = response.status_code
            if role in OUTSIDERS and response.status_code == 200 and _is_text(response):
                body = response.content.decode()
                leaked = [marker for marker in _markers(world) if marker in body]
                assert not leaked, f"{name} {url} shows {leaked} to {role}"
        assert got == dict(zip(ROLES, expect.codes, strict=True)), f"{name} {url}"


def _is_text(response) -> bool:  # noqa: ANN001
    return not getattr(response, "streaming", False) and response.get("Content-Type", "").startswith(
        ("text/", "application/json")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_ROUTES)
def test_admin_route_is_the_administrators_alone(client, world, name):
    url = NAMED_ROUTES[name].url
    if name in ADMIN_OBJECTS:
        url = reverse(name, args=[getattr(world, ADMIN_OBJECTS[name]).pk])
    admin_login = reverse("admin:login")
    for role in (None, *ROLES):
        _as(client, world, role)
        response = client.get(url)
        if role == "administrator":
            # Within the admin, the administrator's rights per model decide (403 for the others).
            assert response.status_code in (200, 302, 403, 404, 405), (
                f"{name}: administrator got {response.status_code}"
            )
            if response.status_code == 302:
                assert urlsplit(response.url).path not in (admin_login, reverse("login")), name
        elif name == "admin:login":
            # The admin's login form is public; it tells a logged-in non-administrator they lack access.
            assert response.status_code == 200, f"{name}: {role} got {response.status_code}"
        elif name == "admin:logout":
            assert response.status_code in (302, 405), f"{name}: {role} got {response.status_code}"
        else:
            assert response.status_code == 302, f"{name}: {role} got {response.status_code}"
            assert urlsplit(response.url).path in (admin_login, reverse("login")), (
                f"{name}: {role} -> {response.url}"
            )
