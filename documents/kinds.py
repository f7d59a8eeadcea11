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

from asystent.enums import Role
from asystent.models import Centre, User
from cases.enums import LegalBasis, Relation
from cases.models import Case, Family, WorkPlan
from visits.enums import VisitStatus

from .enums import DocumentKind, Owner
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
    # Whom the document belongs to (a case, a family, a worker or the centre): with `readers`, the
    # one thing that decides who sees it (`RenderedDocumentQuerySet.visible_to`).
    owner: Owner = Owner.CASE
    # The case, family or worker (by `owner`) the kind's object belongs to; None: the object is
    # the owner itself (a case, a worker). A centre's document has no owner object.
    owner_of: Callable[[Any], Case | Family | User] | None = None
    # The roles that may see it, narrowing the owner's rule (None: whoever the owner's rule lets
    # in). A centre's document is seen by its readers only, so it must name them.
    readers: tuple[Role, ...] | None = None
    # Why (object id, version) may not be printed now, or None when it may (`request_document`).
    refusal: Callable[[int, int], str | None] | None = None
    # Where the document's page links back to (None: the case).
    back_url: Callable[[RenderedDocument], str | None] | None = None
    # Who may ask for it, given the key (None: `documents.prepare_documents` on the case).
    may_prepare: Callable[[User, Key], bool] | None = None
    # The downloaded file's name (None: <stem>-<family>-v<version>.pdf).
    file_name: Callable[[RenderedDocument], str] | None = None
    # What the document's page says under its title (None: "Version N").
    describe: Callable[[RenderedDocument], str] | None = None
    # The families a worker's document names (erasing one of them deletes it).
    mentions: Callable[[Key], list[Family]] | None = None
    # Handed to the family: a tagged PDF (PDF/UA-style structure, language set) for screen readers.
    tagged: bool = False
    # The object's id in the key (None: `obj.pk`), for an object that is not a model (a period).
    object_id_of: Callable[[Any], int] | None = None
    # Whether this version is frozen, for a kind with frozen and live versions (a report as sent,
    # and its current figures); None: `frozen` decides for every version.
    version_frozen: Callable[[int], bool] | None = None
    # Leaves the centre (to a court, an authority, a person): sealed with the centre's seal when
    # rendered, if the administrator has put one in use (seals.services.seal_pdf).
    sealed: bool = False

    def __post_init__(self) -> None:
        if self.owner == Owner.CENTRE and not self.readers:
            raise ValueError(f"A centre's document ({self.template}) names the roles that read it.")


def month_version(year: int, month: int) -> int:
    return year * 100 + month


def month_of(version: int) -> tuple[int, int]:
    return divmod(version, 100)


def key_for(*, kind: str, obj: object, version: int) -> Key:
    """The key of the document of `kind` about `obj` (the registered kind's object, or a Case),
    with its owner: the case (and its family), the family, the worker, or none for the centre."""
    spec = KINDS[kind]
    object_id = spec.object_id_of(obj) if spec.object_id_of is not None else obj.pk  # type: ignore[attr-defined]
    if spec.owner == Owner.CENTRE:
        return Key(kind, object_id, version, None, None)
    owner = spec.owner_of(obj) if spec.owner_of is not None else obj
    if spec.owner == Owner.WORKER:
        assert isinstance(owner, User)
        return Key(kind, object_id, version, None, None, owner)
    if spec.owner == Owner.FAMILY:
        assert isinstance(owner, Family)
        return Key(kind, object_id, version, None, owner)
    assert isinstance(owner, Case)
    return Key(kind, object_id, version, owner, owner.family)


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


def readable_kinds(user: User) -> list[str]:
    """The kinds whose readers include one of the user's roles (every kind without readers but a
    centre's): the narrowing half of the visibility rule (`RenderedDocumentQuerySet.visible_to`)."""
    return [
        kind
        for kind, spec in KINDS.items()
        if (spec.readers is None and spec.owner != Owner.CENTRE)
        or (spec.readers is not None and user.has_role(*spec.readers))
    ]


def kinds_owned_by(owner: Owner) -> list[str]:
    return [kind for kind, spec in KINDS.items() if spec.owner == owner]


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
