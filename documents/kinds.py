"""The printed documents' kinds: for each kind, which object and version it is keyed by, the
template, the data it shows, and the name of the downloaded file. `build_html` is what the
renderer prints.

The registry `KINDS` holds the case's own documents (work plan, monthly visit log, assignment
letter), defined here; an app above registers its kinds from its `AppConfig.ready()` with
`register_kind` (the court opinion: `courts.documents`; a person's copy of their data, which
belongs to no case: `reports.subject_access.documents`; the centre's reports, which belong to no
family either: `reports.semiannual.documents`), so this app never names them.

Fixed headings of the documents are written in Polish in the templates (they are legal texts in
the centre's language); the templates are rendered inside `translation.override("pl")`.
"""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from asystent.models import Centre, User
from cases.enums import LegalBasis, Relation
from cases.models import Case, Family, WorkPlan
from visits.enums import VisitStatus

from .enums import DocumentKind
from .models import RenderedDocument
from .pdf import LOGO_URL

PDF_LANGUAGE = "pl"


@dataclass(frozen=True)
class Key:
    """What a rendering is keyed by, and the case and family it belongs to (for access checks);
    a document about a person rather than a case has no case, and a document of the centre (the
    reports' figures) neither a case nor a family."""

    kind: str
    object_id: int
    version: int
    case: Case | None
    family: Family | None
    # A worker's document (the assistant's monthly report): the worker; no case, no family.
    worker: User | None = None


@dataclass(frozen=True)
class KindSpec:
    template: str
    file_stem: str
    # A frozen document (an approved opinion) is never rendered again once its file is ready: the
    # file is what was sent. Live documents are rendered again when their data has changed.
    frozen: bool
    context: Callable[[RenderedDocument], dict]
    # The case a document about `obj` belongs to (access checks); by default `obj` is the case.
    case_of: Callable[[Any], Case] | None = None
    # Why (object id, version) may not be printed now, or None when it may (`request_document`).
    refusal: Callable[[int, int], str | None] | None = None
    # Where the document's page links back to (None: the case).
    back_url: Callable[[RenderedDocument], str | None] | None = None
    # A kind that belongs to no case: the family its object belongs to (`case_of` is not given).
    family_of: Callable[[object], Family] | None = None
    # Who may ask for it, given the key (None: `documents.prepare_documents` on the case).
    may_prepare: Callable[[User, Key], bool] | None = None
    # Who may see it besides seeing the family (None: whoever sees the case).
    may_view: Callable[[User], bool] | None = None
    # The downloaded file's name (None: <stem>-<family>-v<version>.pdf).
    file_name: Callable[[RenderedDocument], str] | None = None
    # What the document's page says under its title (None: "Version N").
    describe: Callable[[RenderedDocument], str] | None = None
    # A document about a member of staff (no case, no family): who may see this one (required).
    may_view_document: Callable[[User, RenderedDocument], bool] | None = None
    # A worker's document (about no one family): the worker its object is (or belongs to).
    worker_of: Callable[[object], User] | None = None
    # The families a worker's document names (erasing one of them deletes it).
    mentions: Callable[[Key], list[Family]] | None = None
    # Handed to the family: a tagged PDF (PDF/UA-style structure, language set) for screen readers.
    tagged: bool = False
    # A document of the centre that names no family (the reports' figures): its key has neither a
    # case nor a family, and `may_prepare` and `may_view` alone decide who asks for it and sees
    # it (without `may_view`, nobody sees it).
    centre_document: bool = False
    # The object's id in the key (None: `obj.pk`), for an object that is not a model (a period).
    object_id_of: Callable[[Any], int] | None = None
    # Whether this version is frozen, for a kind with frozen and live versions (a report as sent,
    # and its current figures); None: `frozen` decides for every version.
    version_frozen: Callable[[int], bool] | None = None
    # Leaves the centre (to a court, an authority, a person): sealed with the centre's seal when
    # rendered, if the administrator has put one in use (seals.services.seal_pdf).
    sealed: bool = False


def month_version(year: int, month: int) -> int:
    return year * 100 + month


def month_of(version: int) -> tuple[int, int]:
    return divmod(version, 100)


def key_for(*, kind: str, obj: object, version: int) -> Key:
    """The key of the document of `kind` about `obj` (the registered kind's object, or a Case)."""
    spec = KINDS[kind]
    if spec.centre_document:
        object_id = spec.object_id_of(obj) if spec.object_id_of is not None else obj.pk  # type: ignore[attr-defined]
        return Key(kind, object_id, version, None, None)
    if spec.may_view_document is not None:
        return Key(kind, obj.pk, version, None, None)  # type: ignore[attr-defined]
    if spec.worker_of is not None:
        return Key(kind, obj.pk, version, None, None, spec.worker_of(obj))  # type: ignore[attr-defined]
    if spec.family_of is not None:
        return Key(kind, obj.pk, version, None, spec.family_of(obj))  # type: ignore[attr-defined]
    if spec.case_of is not None:
        case = spec.case_of(obj)
        return Key(kind, obj.pk, version, case, case.family)  # type: ignore[attr-defined]
    assert isinstance(obj, Case)
    return Key(kind, obj.pk, version, obj, obj.family)


def may_prepare(user: User, key: Key) -> bool:
    """Whether `user` may ask for (or retry) the document of `key`."""
    spec = KINDS[key.kind]
    if spec.may_prepare is not None:
        return spec.may_prepare(user, key)
    return user.has_perm("documents.prepare_documents", key.case)


def key_of(document: RenderedDocument) -> Key:
    return Key(
        document.kind, document.object_id, document.version, document.case, document.family, document.worker
    )


def may_view(user: User, document: RenderedDocument) -> bool:
    """Beyond seeing the family or case (the selectors' scope), what the kind asks of the user."""
    spec = KINDS.get(document.kind)
    if spec is None:
        return False
    if spec.may_view_document is not None:
        return spec.may_view_document(user, document)
    if spec.may_view is None:
        return not spec.centre_document
    return spec.may_view(user)


def is_frozen(document: RenderedDocument) -> bool:
    """Whether the document, once its file is ready, is never rendered again (what was sent)."""
    spec = KINDS[document.kind]
    if spec.version_frozen is not None:
        return spec.version_frozen(document.version)
    return spec.frozen


def describe(document: RenderedDocument) -> str:
    spec = KINDS[document.kind]
    if spec.describe is not None:
        return spec.describe(document)
    if document.kind == DocumentKind.MONTHLY_VISITS:
        year, month = month_of(document.version)
        return _("Month %(month)s.%(year)s") % {"month": f"{month:02d}", "year": year}
    return _("Version %(number)s") % {"number": document.version}


def work_plan_version(case: Case) -> int | None:
    """The version of the case's current work plan (None: no plan yet)."""
    return case.plans.order_by("-version").values_list("version", flat=True).first()


def assignment_version(case: Case) -> int:
    """The ordinal of the case's current assignment: 1 for the first assistant, 2 after a
    reassignment, ... (a reassignment calls for a new letter)."""
    return max(case.assignments.count(), 1)


def _work_plan_context(document: RenderedDocument) -> dict:
    case = Case.objects.select_related("family", "assistant", "social_worker").get(pk=document.object_id)
    plan = (
        WorkPlan.objects.select_related("created_by")
        .prefetch_related("goals__area", "goals__actions")
        .get(case=case, version=document.version)
    )
    members = list(case.family.members.order_by("birth_date", "pk"))
    return {
        "case": case,
        "family": case.family,
        "plan": plan,
        "goals": plan.goals.all(),
        "adults": [m for m in members if m.relation != Relation.CHILD],
        "children": [m for m in members if m.relation == Relation.CHILD],
        "issued_on": timezone.localdate(plan.created_at),
    }


def _monthly_visits_context(document: RenderedDocument) -> dict:
    case = Case.objects.select_related("family", "assistant").get(pk=document.object_id)
    year, month = month_of(document.version)
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    # The log is evidence of the work: only saved entries, not drafts.
    visits = list(
        case.visits.filter(status=VisitStatus.FINAL, date__range=(first, last))
        .select_related("author")
        .prefetch_related("participants")
        .order_by("date", "start_time", "pk")
    )
    minutes = sum(v.length_minutes or 0 for v in visits)
    return {
        "case": case,
        "family": case.family,
        "visits": visits,
        "first": first,
        "last": last,
        "hours": minutes // 60,
        "minutes": minutes % 60,
        "issued_on": last,
    }


def _assignment_letter_context(document: RenderedDocument) -> dict:
    case = Case.objects.select_related("family", "assistant").get(pk=document.object_id)
    assignments = list(
        case.assignments.select_related("assistant", "assigned_by").order_by("started_on", "pk")
    )
    assignment = assignments[document.version - 1] if len(assignments) >= document.version else None
    order = None
    if case.legal_basis == LegalBasis.COURT_ORDER:
        order = case.family.court_orders.order_by("-order_date", "-pk").first()
    return {
        "case": case,
        "family": case.family,
        "assistant": assignment.assistant if assignment else case.assistant,
        "assigned_by": assignment.assigned_by if assignment else None,
        "start": assignment.started_on if assignment else case.opened_on,
        "reason": assignment.reason if assignment else "",
        "court_order": order,
        "issued_on": assignment.started_on if assignment else case.opened_on,
    }


KINDS: dict[str, KindSpec] = {
    DocumentKind.WORK_PLAN: KindSpec("documents/pdf/work_plan.html", "plan-pracy", False, _work_plan_context),
    DocumentKind.MONTHLY_VISITS: KindSpec(
        "documents/pdf/monthly_visits.html", "dziennik-wizyt", False, _monthly_visits_context
    ),
    DocumentKind.ASSIGNMENT_LETTER: KindSpec(
        "documents/pdf/assignment_letter.html",
        "pismo-przydzielajace",
        False,
        _assignment_letter_context,
        sealed=True,
    ),
}


def register_kind(kind: str, spec: KindSpec) -> None:
    """Add a kind of document (from an app's `AppConfig.ready()`); `kind` is a `DocumentKind`."""
    KINDS.setdefault(str(kind), spec)


def back_url(document: RenderedDocument) -> str:
    """The page a document's page links back to: the registered kind's own, or the case."""
    spec = KINDS[document.kind]
    url = spec.back_url(document) if spec.back_url is not None else None
    if url:
        return url
    if document.case is not None:
        return document.case.get_absolute_url()
    if document.family is not None:
        return document.family.get_absolute_url()
    return reverse("home")


def build_html(document: RenderedDocument, centre: Centre) -> str:
    """The document's HTML, in Polish, with the centre's letterhead."""
    spec = KINDS[document.kind]
    with translation.override(PDF_LANGUAGE):
        context = spec.context(document)
        context.update({"centre": centre, "logo_url": LOGO_URL if centre.logo else "", "document": document})
        return render_to_string(spec.template, context)


def download_name(document: RenderedDocument) -> str:
    """e.g. opinia-wisniewscy-v2.pdf, dziennik-wizyt-nowakowie-2026-11.pdf"""
    spec = KINDS[document.kind]
    if spec.file_name is not None:
        return spec.file_name(document)
    family = (slugify(document.family.name) if document.family else "") or "rodzina"
    stem = spec.file_stem
    if document.kind == DocumentKind.MONTHLY_VISITS:
        year, month = month_of(document.version)
        return f"{stem}-{family}-{year}-{month:02d}.pdf"
    return f"{stem}-{family}-v{document.version}.pdf"
