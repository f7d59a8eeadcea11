"""The read audit as the browser sees it: every page of a family's file, download and export that
a journey opened must have written its AccessLog row (who, which family, which object, which
action) while the journey ran.

`READS` names each audited route and what its row records; `tests/test_audit_routes.py` fails
when a view that calls `log_access` is missing here. `AuditTrail` listens to a browser context's
responses and, at the end of the journey, matches every successful GET of a route in `READS` with
one AccessLog row written during the test (the conftest's `audit_trail` fixture does this for every
journey). Who made a request is read from its session cookie: the session's user, remembered at
login because logging out deletes the session row.
"""

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import models
from django.urls import Resolver404, resolve

from asystent.audit import AccessAction
from asystent.models import AccessLog, Centre

VIEW, DOWNLOAD, EXPORT = AccessAction.VIEW, AccessAction.DOWNLOAD, AccessAction.EXPORT
Objects = Iterable[models.Model]


@dataclass(frozen=True)
class Read:
    """What one GET of an audited route records.

    `model` is the object the URL names (through the `kwarg` argument), None for a route naming
    none; the row records that object and its family, unless `logged` gives the objects the row
    may name instead (any one of them), from the URL's object and the user."""

    model: str | None
    action: str
    kwarg: str = "pk"
    logged: Callable[[models.Model | None, models.Model], Objects] | None = None


def _opinion_versions(opinion: Any, user: models.Model) -> Objects:
    return opinion.versions.all()  # the edit page records the version it shows


def _centre(obj: models.Model | None, user: models.Model) -> Objects:
    return [Centre.load()]  # figures of the whole centre


def _the_user(obj: models.Model | None, user: models.Model) -> Objects:
    return [user]  # the access log's own export


def _procedure_of(meeting: Any, user: models.Model) -> Objects:
    return [meeting.procedure]  # a task's page records the procedure it belongs to


READS: dict[str, Read] = {
    "cases:family-detail": Read("cases.Family", VIEW),
    "cases:case-detail": Read("cases.Case", VIEW),
    "cases:consent-scan": Read("cases.Consent", DOWNLOAD),
    "cases:plan-detail": Read("cases.WorkPlan", VIEW),
    "cases:assessment-detail": Read("cases.Assessment", VIEW),
    "referrals:referral-detail": Read("referrals.Referral", VIEW),
    "referrals:referral-decide": Read("referrals.Referral", VIEW),
    "referrals:court-order-scan": Read("referrals.CourtOrder", DOWNLOAD),
    "visits:case-visits": Read("cases.Case", VIEW, kwarg="case_pk"),
    "visits:visit-detail": Read("visits.Visit", VIEW),
    "visits:visit-edit": Read("visits.Visit", VIEW),
    "visits:intervention-detail": Read("visits.Intervention", VIEW),
    "courts:court-request-detail": Read("courts.CourtRequest", VIEW),
    "courts:court-request-scan": Read("courts.CourtRequest", DOWNLOAD),
    "courts:opinion-edit": Read("courts.CourtOpinion", VIEW, logged=_opinion_versions),
    "courts:opinion-version": Read("courts.OpinionVersion", VIEW),
    "courts:court-notice-detail": Read("courts.CourtNotice", VIEW),
    "documents:detail": Read("documents.RenderedDocument", VIEW),
    "documents:download": Read("documents.RenderedDocument", DOWNLOAD),
    "documents:work-card": Read("cases.Case", VIEW, kwarg="case_pk"),
    "reports:subject-access": Read("cases.FamilyMember", VIEW),
    "cooperation:letter-list": Read("cases.Family", VIEW, kwarg="family_pk"),
    "cooperation:letter-scan": Read("cooperation.Letter", DOWNLOAD),
    "cooperation:procedure-create": Read("cases.Family", VIEW, kwarg="family_pk"),
    "cooperation:procedure-detail": Read("cooperation.Procedure", VIEW),
    "cooperation:procedure-edit": Read("cooperation.Procedure", VIEW),
    "cooperation:member-add": Read("cooperation.Procedure", VIEW),
    "cooperation:meeting-create": Read("cooperation.Procedure", VIEW),
    "cooperation:task-create": Read("cooperation.Meeting", VIEW, kwarg="meeting_pk", logged=_procedure_of),
    "cooperation:procedure-end": Read("cooperation.Procedure", VIEW),
    "cooperation:card-form-create": Read("cooperation.Procedure", VIEW),
    "cooperation:card-form-scan": Read("cooperation.CardForm", DOWNLOAD),
    "cooperation:visit-institutions": Read("visits.Visit", VIEW),
    "cooperation:plan-institutions": Read("cases.WorkPlan", VIEW),
    "staff:assistant": Read("asystent.User", VIEW),
    "staff:employment-add": Read("asystent.User", VIEW),
    "staff:qualification-add": Read("asystent.User", VIEW),
    "staff:development-add": Read("asystent.User", VIEW),
    "staff:employment-edit": Read("staff.Employment", VIEW),
    "reports:subject-access-json": Read("cases.FamilyMember", EXPORT),
    "reports:semiannual-csv": Read(None, EXPORT, logged=_centre),
    "reports:semiannual-xlsx": Read(None, EXPORT, logged=_centre),
    "access-log-csv": Read(None, EXPORT, logged=_the_user),
    # Forms over the file show what is on it (the member's form, the full PESEL).
    "cases:family-edit": Read("cases.Family", VIEW),
    "cases:member-add": Read("cases.Family", VIEW),
    "cases:member-edit": Read("cases.FamilyMember", VIEW),
    "cases:member-remove": Read("cases.FamilyMember", VIEW),
    "cases:consent-create": Read("cases.Case", VIEW),
    "cases:case-reassign": Read("cases.Case", VIEW),
    "cases:case-close": Read("cases.Case", VIEW, kwarg="case_pk"),
    "cases:closure-proposal": Read("cases.ClosureProposal", VIEW),
    "cases:monitoring-end": Read("cases.Case", VIEW, kwarg="case_pk"),
    "referrals:interview-create": Read("cases.Family", VIEW, kwarg="family_pk"),
    "referrals:referral-create": Read("cases.Family", VIEW, kwarg="family_pk"),
    "referrals:court-order-create": Read("cases.Family", VIEW, kwarg="family_pk"),
    "referrals:report-create": Read("cases.Family", VIEW, kwarg="family_pk"),
    "referrals:za-zyciem-create": Read("cases.Family", VIEW, kwarg="family_pk"),
    "referrals:catalogue-handover": Read("cases.Case", VIEW, kwarg="case_pk"),
    "referrals:authorisation-edit": Read("cases.Case", VIEW, kwarg="case_pk"),
    "referrals:referral-edit": Read("referrals.Referral", VIEW),
    "visits:visit-create": Read("cases.Case", VIEW, kwarg="case_pk"),
    "visits:intervention-create": Read("cases.Case", VIEW, kwarg="case_pk"),
    "visits:visit-remove": Read("visits.Visit", VIEW),
    "courts:court-request-create": Read("cases.Case", VIEW, kwarg="case_pk"),
    "courts:non-cooperation-create": Read("cases.Case", VIEW, kwarg="case_pk"),
    "courts:court-notice-create": Read("cases.Case", VIEW, kwarg="case_pk"),
    "courts:court-notice-mark-sent": Read("courts.CourtNotice", VIEW),
    "courts:opinion-versions": Read("courts.CourtOpinion", VIEW),
    "courts:opinion-return": Read("courts.OpinionVersion", VIEW),
    "courts:opinion-mark-sent": Read("courts.OpinionVersion", VIEW),
}
# Routes that call log_access but are not checked from the browser, and why.
NOT_CHECKED = {
    "cases:plan-create": "records the previous plan version only when there is one",
    "cases:assessment-create": "records the previous assessment only when there is one",
    "cases:assessment-edit": "records the previous assessment only when there is one",
    "cases:pesel-check": "POST only (a PESEL never goes into a URL); tests/test_pesel_check.py",
    "reports:subject-access-pdf": "POST only (it asks the worker for the PDF); tests/test_subject_access.py",
    "reports:semiannual-pdf": "POST only (it asks the worker for the PDF); tests/test_semiannual_form.py",
    "reports:annual-pdf": "POST only (it asks the worker for the PDF); tests/test_semiannual_form.py",
    # One row per record shown, none for an empty list; tests/test_audit_routes.py checks them.
    "cases:removed-records": "one row per removed person shown",
    "cases:retention": "one row per case past retention shown",
    "cases:retention-protocol": "one row per case on the protocol",
    "api:offline-cases": "one row per own open case sent to the phone; tests/test_offline.py",
    "cases:closure-return": "POST only: a return without its comment shows the proposal again",
    "transfer:export-download": "the whole centre's export, no family's page; tests/test_transfer_export.py "
    "checks its download row",
    # The REST API: no browser opens it; tests/test_api.py checks the row of every read.
    **{
        f"api:{name}": "the REST API, checked in tests/test_api.py"
        for name in (
            "family-list",
            "family-detail",
            "member-detail",
            "case-list",
            "case-detail",
            "visit-list",
            "visit-detail",
            "plan-list",
            "plan-detail",
            "assessment-list",
            "assessment-detail",
            "court-request-list",
            "court-request-detail",
        )
    },
}


def family_id_of(obj: models.Model) -> int | None:
    """The family an object of the file belongs to (through its case, court request, opinion)."""
    if obj._meta.label == "cases.Family":
        return obj.pk
    if hasattr(obj, "family_id"):
        return obj.family_id
    for parent in ("case", "request", "opinion", "procedure"):
        if hasattr(obj, parent):
            return family_id_of(getattr(obj, parent))
    return None


@dataclass(frozen=True)
class Visit:
    """One successful GET of an audited route, as the browser made it."""

    url: str
    view_name: str
    kwargs: dict
    session_key: str | None


@dataclass(frozen=True)
class Row:
    user_id: int
    family_id: int | None
    object_type: str
    object_id: int | None
    action: str

    @classmethod
    def of(cls, log: AccessLog) -> "Row":
        return cls(log.user_id, log.family_id, log.object_type, log.object_id, log.action)


class AuditTrail:
    """The audited reads one browser context made, and the check that each one was recorded."""

    def __init__(self, base_url: str) -> None:
        self.origin = urlsplit(base_url).netloc
        self.visits: list[Visit] = []
        self.first_pk = (AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        self._logins: dict[str, int] = {}
        self._lock = threading.Lock()

    # --- listening ------------------------------------------------------------------------------

    def start(self, context) -> None:  # noqa: ANN001 - a Playwright BrowserContext
        context.on("response", self._on_response)
        # Logins happen in the live server's thread; the session key is kept because logging out
        # deletes the session row the cookie names.
        user_logged_in.connect(self._on_login, dispatch_uid=f"audit-trail-{id(self)}")

    def stop(self) -> None:
        user_logged_in.disconnect(dispatch_uid=f"audit-trail-{id(self)}")

    def _on_login(self, sender, request, user, **kwargs) -> None:  # noqa: ANN001
        with self._lock:
            self._logins[request.session.session_key] = user.pk

    def _on_response(self, response) -> None:  # noqa: ANN001 - a Playwright Response
        request = response.request
        if request.method != "GET" or response.status != 200:
            return
        url = urlsplit(response.url)
        if url.netloc != self.origin:
            return
        try:
            match = resolve(url.path)
        except Resolver404:
            return
        if match.view_name not in READS:
            return
        cookie = SimpleCookie(request.all_headers().get("cookie", ""))
        session = cookie.get(settings.SESSION_COOKIE_NAME)
        visit = Visit(response.url, match.view_name, match.kwargs, session.value if session else None)
        with self._lock:
            self.visits.append(visit)

    # --- checking -------------------------------------------------------------------------------

    def user_id_of(self, visit: Visit) -> int | None:
        if visit.session_key in self._logins:
            return self._logins[visit.session_key]
        session = Session.objects.filter(session_key=visit.session_key).first()
        user_id = session.get_decoded().get("_auth_user_id") if session else None
        return int(user_id) if user_id else None

    def expected(self, visit: Visit) -> list[Row]:
        """The rows that would record `visit` (any one of them)."""
        read = READS[visit.view_name]
        obj = None
        if read.model is not None:
            model = apps.get_model(read.model)
            obj = model._base_manager.get(pk=visit.kwargs[read.kwarg])
        user_id = self.user_id_of(visit)
        user = apps.get_model(settings.AUTH_USER_MODEL)._base_manager.filter(pk=user_id).first()
        named = list(read.logged(obj, user)) if read.logged else [obj]
        family_id = family_id_of(obj) if obj is not None else None
        return [Row(user_id, family_id, o._meta.model_name, o.pk, read.action) for o in named]

    def rows(self) -> list[Row]:
        """The AccessLog rows written since the trail started, oldest first."""
        return [Row.of(log) for log in AccessLog.objects.filter(pk__gte=self.first_pk).order_by("pk")]

    def missing(self) -> list[tuple[Visit, list[Row]]]:
        """Each visit with no row of its own (one row per visit: two reads, two rows). Visits
        recording the object their URL names take their rows first, then those that accept one
        of several objects."""
        unused = self.rows()
        missing = []
        pairs = [(visit, self.expected(visit)) for visit in self.visits]
        for visit, candidates in sorted(
            pairs, key=lambda pair: (READS[pair[0].view_name].logged is not None, len(pair[1]))
        ):
            found = next((row for row in unused if row in candidates), None)
            if found is None:
                missing.append((visit, candidates))
            else:
                unused.remove(found)
        return missing

    def assert_audited(self, *, user: models.Model, obj: models.Model, action: str) -> None:
        """The journey read `obj` as `user` (a GET the browser made) and that read was recorded."""
        row = Row(user.pk, family_id_of(obj), obj._meta.model_name, obj.pk, action)
        visits = [visit for visit in self.visits if row in self.expected(visit)]
        assert visits, f"the browser never read {obj!r} as {user} ({action}); it read: {self.visits}"
        recorded = self.rows().count(row)
        assert recorded >= len(visits), (
            f"{len(visits)} read(s) of {obj!r} by {user} ({action}), {recorded} access record(s): "
            f"{[visit.url for visit in visits]}"
        )

    def assert_every_read_recorded(self) -> None:
        missing = self.missing()
        if missing:
            lines = [
                f"- GET {visit.url} ({visit.view_name}): expected one of {rows}" for visit, rows in missing
            ]
            written = "\n".join(f"  {row}" for row in self.rows()) or "  (none)"
            raise AssertionError(
                f"{len(missing)} read(s) of the file without an access record:\n"
                + "\n".join(lines)
                + f"\nAccessLog rows written during the test:\n{written}"
            )
