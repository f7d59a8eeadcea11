"""Court requests and opinions (art. 15 ust. 1 pkt 17 of the Act): the court's letter, the opinion
answering it in numbered versions, and the versions' transition log. Court-ordered families that do
not cooperate: the facts the assistant records, and the notice to the court that reports them."""

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField
from simple_history.models import HistoricalRecords

from asystent import dates, limits
from asystent.files import private_storage, validate_scan
from asystent.limits import DESCRIPTION, NOTE, OPINION_SECTION, limited
from asystent.meta import field_label
from asystent.models import TransitionLog, User
from asystent.transitions import transition
from cases.models import Case
from referrals.models import CourtOrder

from .enums import CourtNoticeStatus, CourtRequestStatus, DispatchMethod, OpinionStatus

if TYPE_CHECKING:
    from documents.models import RenderedDocument

# The opinion's sections, in the order of the document (domain reference, "The life of a case" 11).
OPINION_SECTIONS = (
    "composition",
    "period_and_basis",
    "contacts",
    "goals_progress",
    "care_per_child",
    "housing_and_finances",
    "health",
    "cooperation_with_institutions",
    "attitude",
    "conclusions",
)
# Sections a submitted opinion must contain; the others are written where they matter (health
# "where needed", institutions only if there were any).
REQUIRED_SECTIONS = tuple(
    s
    for s in OPINION_SECTIONS
    if s not in {"health", "housing_and_finances", "cooperation_with_institutions"}
)
# An approved or sent version is frozen: changing the opinion makes a new version.
FROZEN_STATUSES = (OpinionStatus.APPROVED, OpinionStatus.SENT)
OPEN_VERSION_STATUSES = (OpinionStatus.DRAFT, OpinionStatus.SUBMITTED)


class CourtRequestQuerySet(models.QuerySet["CourtRequest"]):
    def visible_to(self, user) -> "CourtRequestQuerySet":  # noqa: ANN001
        return self.filter(case__in=Case.objects.visible_to(user))

    def open(self) -> "CourtRequestQuerySet":
        return self.filter(status=CourtRequestStatus.OPEN)

    def due_by(self, day: dt.date) -> "CourtRequestQuerySet":
        """art. 15 ust. 1 pkt 17: the open requests the court expects an answer to by `day` or
        earlier (overdue when before today): the reminders and the manager's dashboard."""
        return self.open().filter(due_date__lte=day)


class CourtRequest(models.Model):
    """A family court's letter asking the assistant for an opinion about the family."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="court_requests", verbose_name=_("case")
    )
    court = models.CharField(_("court"), max_length=200, help_text=_("e.g. Sąd Rejonowy w Zielonej Dolinie"))
    division = models.CharField(
        _("division"), max_length=200, help_text=_("e.g. III Wydział Rodzinny i Nieletnich")
    )
    court_address = models.CharField(
        _("court's address"),
        max_length=300,
        blank=True,
        help_text=_("Printed in the opinion's address block."),
    )
    case_number = models.CharField(
        _("case number (sygnatura akt)"), max_length=50, help_text=_("e.g. III Nsm 123/26")
    )
    letter_date = models.DateField(_("date of the court's letter"), validators=[dates.PAST])
    received_on = models.DateField(_("date received"), validators=[dates.PAST])
    due_date = models.DateField(_("the court expects the opinion by"), validators=[dates.PLANNED])
    request_text = models.TextField(_("what the court asks"), **limited(DESCRIPTION))
    scan = models.FileField(
        _("scan of the letter"),
        storage=private_storage,
        upload_to="court_requests/%Y/%m/",
        validators=[validate_scan],
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CourtRequestStatus.choices, default=CourtRequestStatus.OPEN
    )
    answered_on = models.DateField(_("answered on"), validators=[dates.PAST], null=True, blank=True)
    # A request that will not be answered (the court withdrew it, the proceedings ended): a manager
    # records why, so the case may be closed (courts.closure.open_requests_block_closure).
    not_answered_reason = models.TextField(_("why it will not be answered"), blank=True, **limited(NOTE))
    not_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CourtRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("court request")
        verbose_name_plural = _("court requests")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="court_request_open_due_idx")]
        constraints = [
            *limits.length_constraints("court_request", not_answered_reason=NOTE),
            *limits.length_constraints("court_request", request_text=DESCRIPTION),
            *dates.datetime_range_constraints("court_request", "created_at"),
            *dates.range_constraints(
                "court_request", "letter_date", "received_on", "due_date", "answered_on"
            ),
            models.CheckConstraint(
                condition=Q(received_on__gte=F("letter_date")),
                name="court_request_received_after_letter",
                violation_error_message=_("The letter cannot be received before it was written."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("letter_date")),
                name="court_request_due_after_letter",
                violation_error_message=_("The due date cannot be before the date of the letter."),
            ),
            models.CheckConstraint(
                condition=~Q(status=CourtRequestStatus.NOT_ANSWERED)
                | (~Q(not_answered_reason="") & Q(not_answered_by__isnull=False)),
                name="court_request_not_answered_has_reason",
                violation_error_message=_("Say why the court's request will not be answered."),
            ),
            models.CheckConstraint(
                condition=Q(status=CourtRequestStatus.OPEN) | Q(answered_on__isnull=False),
                name="court_request_answered_has_date",
                violation_error_message=_("An answered request records when it was answered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court}, {self.case_number}"

    def get_absolute_url(self) -> str:
        return reverse("courts:court-request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == CourtRequestStatus.OPEN


class CourtOpinion(models.Model):
    """The opinion answering one court request; its text lives in numbered versions."""

    request = models.OneToOneField(
        CourtRequest, on_delete=models.PROTECT, related_name="opinion", verbose_name=_("court request")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("court opinion")
        verbose_name_plural = _("court opinions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *dates.datetime_range_constraints("court_opinion", "created_at"),
        ]

    def __str__(self) -> str:
        return _("Opinion for %(request)s") % {"request": self.request}

    def get_absolute_url(self) -> str:
        return reverse("courts:opinion-edit", args=[self.pk])

    def current_version(self) -> "OpinionVersion":
        """The latest version; an opinion is created with its first one (draft_opinion)."""
        return self.versions.order_by("-number")[:1].get()


class OpinionVersion(models.Model):
    """One version of the opinion's text. Drafts are edited in place; an approved or sent version
    is never changed again (a correction is the next version), so every version stays readable."""

    opinion = models.ForeignKey(
        CourtOpinion, on_delete=models.PROTECT, related_name="versions", verbose_name=_("opinion")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True, editable=False
    )
    composition = models.TextField(_("the family's composition"), blank=True, **limited(OPINION_SECTION))
    period_and_basis = models.TextField(
        _("period and legal basis of the work"), blank=True, **limited(OPINION_SECTION)
    )
    contacts = models.TextField(_("frequency of contacts"), blank=True, **limited(OPINION_SECTION))
    goals_progress = models.TextField(
        _("goals of the work plan and how far they were reached"), blank=True, **limited(OPINION_SECTION)
    )
    care_per_child = models.TextField(
        _("care and upbringing of each child"), blank=True, **limited(OPINION_SECTION)
    )
    housing_and_finances = models.TextField(_("housing and finances"), blank=True, **limited(OPINION_SECTION))
    health = models.TextField(
        _("health"),
        blank=True,
        help_text=_("Only where it matters to the court."),
        **limited(OPINION_SECTION),
    )
    cooperation_with_institutions = models.TextField(
        _("cooperation with institutions"), blank=True, **limited(OPINION_SECTION)
    )
    attitude = models.TextField(
        _("the family's attitude to the work"), blank=True, **limited(OPINION_SECTION)
    )
    conclusions = models.TextField(_("conclusions"), blank=True, **limited(OPINION_SECTION))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    status = FSMField(_("status"), max_length=20, choices=OpinionStatus.choices, default=OpinionStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"), validators=[dates.PAST], null=True, blank=True)
    sent_method = models.CharField(_("sent"), max_length=20, choices=DispatchMethod.choices, blank=True)
    sent_reference = models.CharField(
        _("dispatch reference"),
        max_length=200,
        blank=True,
        help_text=_("e.g. the registered-letter number or the ePUAP confirmation (UPO) number"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    # The version's rendered PDF, if any: set by the versions page (selectors.opinion_documents).
    document: "RenderedDocument | None"

    class Meta:
        verbose_name = _("opinion version")
        verbose_name_plural = _("opinion versions")
        ordering = ["opinion", "-number"]
        constraints = [
            *limits.length_constraints("opinion_version", **dict.fromkeys(OPINION_SECTIONS, OPINION_SECTION)),
            *dates.datetime_range_constraints("opinion_version", "created_at", "updated_at"),
            *dates.range_constraints("opinion_version", "sent_on"),
            *dates.datetime_range_constraints("opinion_version", "submitted_at", "approved_at"),
            models.UniqueConstraint(fields=["opinion", "number"], name="opinion_version_number_unique"),
            # At most one version in the works (draft or submitted) per opinion.
            models.UniqueConstraint(
                fields=["opinion"],
                condition=Q(status__in=OPEN_VERSION_STATUSES),
                name="opinion_one_open_version",
                violation_error_message=_("The opinion already has a version in preparation."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=FROZEN_STATUSES)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="opinion_version_approved_has_approver",
                violation_error_message=_("An approved opinion records who approved it and when."),
            ),
            models.CheckConstraint(
                condition=~Q(status=OpinionStatus.SENT) | (Q(sent_on__isnull=False) & ~Q(sent_method="")),
                name="opinion_version_sent_has_dispatch",
                violation_error_message=_("A sent opinion records the date and the method of dispatch."),
            ),
        ]

    def __str__(self) -> str:
        return _("Opinion, version %(number)d") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("courts:opinion-version", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == OpinionStatus.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    # --- the state machine: every allowed move, once (asystent.transitions) ----------------------

    def transition_refused(self, target: str) -> str:
        return gettext("The opinion is %(status)s: this step is not possible now.") % {
            "status": self.get_status_display()
        }

    @transition(field=status, source=OpinionStatus.DRAFT, target=OpinionStatus.SUBMITTED)
    def submit(self, *, by: User, comment: str = "") -> None:
        """The assistant hands the text to the manager; who submits it is its author."""
        self.submitted_at = timezone.now()
        self.author = by

    @transition(field=status, source=OpinionStatus.SUBMITTED, target=OpinionStatus.APPROVED)
    def approve(self, *, by: User, comment: str = "") -> None:
        """The manager approves: the version is frozen."""
        self.approved_by = by
        self.approved_at = timezone.now()

    @transition(field=status, source=OpinionStatus.SUBMITTED, target=OpinionStatus.DRAFT)
    def send_back(self, *, by: User, comment: str = "") -> None:
        """The manager returns the text to the assistant, saying in `comment` what to change."""
        self.submitted_at = None

    @transition(field=status, source=OpinionStatus.APPROVED, target=OpinionStatus.SENT)
    def mark_sent(
        self, *, sent_on: dt.date, sent_method: str, sent_reference: str = "", by: User, comment: str = ""
    ) -> None:
        """The approved opinion went to the court (how: `sent_method`; not `method`, which is
        django-fsm's own argument)."""
        self.sent_on = sent_on
        self.sent_method = sent_method
        self.sent_reference = sent_reference

    def sections(self) -> list[tuple[str, str, str]]:
        """(field name, label, text) of every section, in the document's order."""
        return [(name, str(field_label(self, name)), getattr(self, name)) for name in OPINION_SECTIONS]


class OpinionTransition(TransitionLog):
    """The transition log of opinion versions: who moved which version from which status to
    which, when, and the manager's comment when it was returned."""

    subject_field = "version"

    version = models.ForeignKey(OpinionVersion, on_delete=models.PROTECT, related_name="transitions")

    class Meta:
        verbose_name = _("opinion status change")
        verbose_name_plural = _("opinion status changes")
        ordering = ["version", "at", "pk"]
        constraints = [
            *limits.length_constraints("opinion_transition", comment=NOTE),
            *dates.datetime_range_constraints("opinion_transition", "at"),
        ]


class CourtNotice(models.Model):
    """A notice to the family court that a family it obliged to work with an assistant
    (art. 109 § 2 pkt 1 KRO) does not cooperate: a letter on the centre's letterhead naming the
    court, the division and the case number of the order, with the facts and their dates. The
    manager sets the date by which it must go out; the managers and the assistant are reminded
    until it is marked as sent."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="court_notices", verbose_name=_("case")
    )
    court_order = models.ForeignKey(
        CourtOrder, on_delete=models.PROTECT, related_name="notices", verbose_name=_("court order")
    )
    due_date = models.DateField(_("to be sent by"), validators=[dates.PLANNED])
    status = models.CharField(
        _("status"), max_length=20, choices=CourtNoticeStatus.choices, default=CourtNoticeStatus.PENDING
    )
    sent_on = models.DateField(_("sent on"), validators=[dates.PAST], null=True, blank=True)
    sent_method = models.CharField(_("sent"), max_length=20, choices=DispatchMethod.choices, blank=True)
    sent_reference = models.CharField(
        _("dispatch reference"),
        max_length=200,
        blank=True,
        help_text=_("e.g. the registered-letter number or the ePUAP confirmation (UPO) number"),
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice to the court")
        verbose_name_plural = _("notices to the court")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="court_notice_pending_due_idx")]
        constraints = [
            *dates.datetime_range_constraints("court_notice", "created_at"),
            *dates.range_constraints("court_notice", "due_date", "sent_on"),
            models.CheckConstraint(
                condition=~Q(status=CourtNoticeStatus.SENT) | (Q(sent_on__isnull=False) & ~Q(sent_method="")),
                name="court_notice_sent_has_dispatch",
                violation_error_message=_("A sent notice records the date and the method of dispatch."),
            ),
        ]

    def __str__(self) -> str:
        prepared = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
        return _("Notice to the court of %(date)s") % {"date": prepared.strftime("%d.%m.%Y")}

    def get_absolute_url(self) -> str:
        return reverse("courts:court-notice-detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == CourtNoticeStatus.PENDING


class NonCooperation(models.Model):
    """A fact of a court-ordered family's non-cooperation (a missed meeting, a refusal, a
    withdrawal of consent), recorded by the assistant with its date; a notice to the court
    reports it."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="non_cooperation", verbose_name=_("case")
    )
    date = models.DateField(_("date"), validators=[dates.PAST])
    description = models.TextField(_("what happened"), **limited(DESCRIPTION))
    notice = models.ForeignKey(
        CourtNotice,
        on_delete=models.PROTECT,
        related_name="facts",
        null=True,
        blank=True,
        verbose_name=_("reported in"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fact of non-cooperation")
        verbose_name_plural = _("facts of non-cooperation")
        ordering = ["case", "date", "pk"]
        constraints = [
            *dates.range_constraints("non_cooperation", "date"),
            *dates.datetime_range_constraints("non_cooperation", "created_at"),
            *limits.length_constraints("non_cooperation", description=DESCRIPTION),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.description[:50]}"
