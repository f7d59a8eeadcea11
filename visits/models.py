"""Visits and contacts with a family (the visit log, art. 15 ust. 1) and interventions when a
child's safety is at risk (art. 15 ust. 1 pkt 12)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from asystent import dates, limits
from asystent.limits import DESCRIPTION, NOTE, REASON, limited
from asystent.removal import PresentManager, RemovalTexts, SoftRemovable, SoftRemovableQuerySet
from cases.models import Case, FamilyMember, Goal, ProblemArea

from .enums import UnsuccessfulReason, VisitKind, VisitPlace, VisitStatus

# (practice) A saved visit stays correctable by its author for a week; after that the log is
# evidence of the work and of the assistant's working time, and is not rewritten.
EDIT_WINDOW = dt.timedelta(days=7)
# (practice) Unsuccessful visits the managers are shown: this many in a row (no contact between
# them), or this many within UNSUCCESSFUL_WINDOW.
UNSUCCESSFUL_REPEATED = 2
UNSUCCESSFUL_WINDOW = dt.timedelta(days=30)


class VisitQuerySet(SoftRemovableQuerySet["Visit"]):
    def visible_to(self, user) -> "VisitQuerySet":  # noqa: ANN001
        return self.filter(case__in=Case.objects.visible_to(user))

    def contacts(self) -> "VisitQuerySet":
        """Saved entries that met the family: an unsuccessful visit is an attempt, not a contact
        (the "no contact" reminder, the dashboard and the court opinion's counts leave it out)."""
        return self.filter(status=VisitStatus.FINAL).exclude(kind=VisitKind.UNSUCCESSFUL)

    def unsuccessful(self) -> "VisitQuerySet":
        return self.filter(status=VisitStatus.FINAL, kind=VisitKind.UNSUCCESSFUL)


_VisitManagerBase = PresentManager.from_queryset(VisitQuerySet)


class VisitManager(_VisitManagerBase["Visit"]):
    """The visit log without the entries removed as logged by mistake: every list, count, reminder
    and statistic reads through it (also `case.visits`). `Visit.all_objects` reaches all of them."""

    def get_queryset(self) -> VisitQuerySet:
        # from_queryset's manager returns a VisitQuerySet; the stubs type it as the base QuerySet.
        return super().get_queryset()  # type: ignore[return-value]


class Visit(SoftRemovable):
    """One entry of the visit log: a visit or another contact with the family."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits", verbose_name=_("case"))
    date = models.DateField(_("date"), validators=[dates.PAST])
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("Only if you do not give the start and end time."),
    )
    kind = models.CharField(_("kind of contact"), max_length=20, choices=VisitKind.choices)
    place = models.CharField(
        _("place"),
        max_length=10,
        choices=VisitPlace.choices,
        blank=True,
        help_text=_("Not needed for a phone call."),
    )
    place_description = models.CharField(
        _("where exactly"), max_length=200, blank=True, help_text=_("Needed if it was another place.")
    )
    participants = models.ManyToManyField(
        FamilyMember, related_name="visits", verbose_name=_("family members present"), blank=True
    )
    other_participants = models.CharField(
        _("other participants"),
        max_length=300,
        blank=True,
        help_text=_("e.g. the social worker, a teacher, a probation officer"),
    )
    areas = models.ManyToManyField(
        ProblemArea, related_name="visits", verbose_name=_("areas of help"), blank=True
    )
    goals = models.ManyToManyField(
        Goal, related_name="visits", verbose_name=_("plan goals worked on"), blank=True
    )
    unsuccessful_reason = models.CharField(
        _("why the visit did not take place"),
        max_length=20,
        choices=UnsuccessfulReason.choices,
        blank=True,
        help_text=_("Only for an unsuccessful visit."),
    )
    topics = models.TextField(_("topics and course of the meeting"), blank=True, **limited(NOTE))
    tasks_agreed = models.TextField(_("tasks agreed until the next meeting"), blank=True, **limited(NOTE))
    tasks_done = models.TextField(_("tasks done since the last meeting"), blank=True, **limited(NOTE))
    child_safety_notes = models.TextField(
        _("observations on the children's safety"), blank=True, **limited(NOTE)
    )
    next_meeting = models.DateField(_("next meeting"), validators=[dates.PLANNED], null=True, blank=True)
    signed_by_family = models.BooleanField(_("a family member signed the entry"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT
    )
    finalised_at = models.DateTimeField(_("saved as final at"), null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # No hard delete (asystent.removal): a visit logged by mistake is marked removed, a manager
    # may restore it, and the history keeps both steps.
    removal_permission = "visits.remove_visit"
    removal_texts = RemovalTexts(
        reason_missing=_("Give the reason for removing the visit."),
        already_removed=_("The visit has already been removed."),
        not_removed=_("The visit has not been removed."),
    )
    history = HistoricalRecords(m2m_fields=[participants, areas, goals])

    objects = VisitManager()  # the default manager: removed visits are left out
    all_objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [
            models.Index(fields=["case", "date"]),
            models.Index(fields=["author", "date"]),
            # The manager's list of removed records: a handful among millions of visits, newest first.
            models.Index(
                fields=["-removed_at"], name="visit_removed_idx", condition=Q(removed_at__isnull=False)
            ),
        ]
        constraints = [
            *limits.length_constraints(
                "visit",
                topics=NOTE,
                tasks_agreed=NOTE,
                tasks_done=NOTE,
                child_safety_notes=NOTE,
                removal_reason=REASON,
            ),
            *dates.datetime_range_constraints("visit", "created_at", "updated_at"),
            *dates.range_constraints("visit", "date", "next_meeting"),
            *dates.datetime_range_constraints("visit", "finalised_at", "removed_at"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="visit_ends_after_start",
                violation_error_message=_("The visit must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status=VisitStatus.DRAFT)
                | Q(start_time__isnull=False, end_time__isnull=False)
                | Q(duration_minutes__isnull=False),
                name="visit_final_has_time",
                violation_error_message=_("Give the start and end time of the visit, or its duration."),
            ),
            models.CheckConstraint(
                condition=Q(status=VisitStatus.DRAFT) | ~Q(topics="") | Q(kind=VisitKind.UNSUCCESSFUL),
                name="visit_final_has_topics",
                violation_error_message=_("Describe the topics of the meeting."),
            ),
            models.CheckConstraint(
                condition=Q(kind=VisitKind.UNSUCCESSFUL, unsuccessful_reason__in=UnsuccessfulReason.values)
                | (~Q(kind=VisitKind.UNSUCCESSFUL) & Q(unsuccessful_reason="")),
                name="visit_unsuccessful_has_reason",
                violation_error_message=_("Say why the visit did not take place."),
            ),
            models.CheckConstraint(
                condition=Q(status=VisitStatus.DRAFT) | Q(finalised_at__isnull=False),
                name="visit_final_has_finalised_at",
                violation_error_message=_("A saved visit records when it was saved."),
            ),
            models.CheckConstraint(
                condition=~Q(place=VisitPlace.OTHER) | ~Q(place_description=""),
                name="visit_other_place_described",
                violation_error_message=_("Say where the meeting took place."),
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gte=1),
                name="visit_duration_positive",
                violation_error_message=_("The duration must be at least one minute."),
            ),
            models.CheckConstraint(
                condition=Q(next_meeting__isnull=True) | Q(next_meeting__gt=F("date")),
                name="visit_next_meeting_later",
                violation_error_message=_("The next meeting must be after this one."),
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | (Q(removed_by__isnull=False) & ~Q(removal_reason="")),
                name="visit_removal_recorded",
                violation_error_message=_("A removed visit records who removed it and why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visit-detail", args=[self.pk])

    def clean(self) -> None:
        """The cross-field rules, each reported next to its field."""
        errors: dict[str, str | Promise] = {}
        final = self.status == VisitStatus.FINAL
        if self.end_time and not self.start_time:
            errors["start_time"] = _("Give the start time too.")
        elif self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The visit must end after it starts.")
        elif final and not (self.start_time and self.end_time) and not self.duration_minutes:
            errors["start_time"] = _("Give the start and end time of the visit, or its duration.")
        if self.kind and self.kind != VisitKind.PHONE and not self.place:
            errors["place"] = _("Say where the meeting took place.")
        if self.place == VisitPlace.OTHER and not self.place_description.strip():
            errors["place_description"] = _("Say where the meeting took place.")
        if self.next_meeting and self.date and self.next_meeting <= self.date:
            errors["next_meeting"] = _("The next meeting must be after this one.")
        unsuccessful = self.kind == VisitKind.UNSUCCESSFUL
        if final and not unsuccessful and not self.topics.strip():
            errors["topics"] = _("Describe the topics of the meeting.")
        if unsuccessful and not self.unsuccessful_reason:
            errors["unsuccessful_reason"] = _("Say why the visit did not take place.")
        elif not unsuccessful and self.unsuccessful_reason:
            errors["unsuccessful_reason"] = _("Give a reason only for an unsuccessful visit.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_draft(self) -> bool:
        return self.status == VisitStatus.DRAFT

    @property
    def length_minutes(self) -> int | None:
        """The time the contact took: the evidence of the assistant's working time."""
        if self.start_time and self.end_time:
            start = dt.datetime.combine(self.date, self.start_time)
            end = dt.datetime.combine(self.date, self.end_time)
            return int((end - start).total_seconds() // 60)
        return self.duration_minutes

    @property
    def editable_until(self) -> dt.datetime | None:
        """Drafts have no limit (None); a saved visit can be corrected for EDIT_WINDOW."""
        if self.is_draft or self.finalised_at is None:
            return None
        return self.finalised_at + EDIT_WINDOW

    def is_editable(self, now: dt.datetime | None = None) -> bool:
        until = self.editable_until
        return self.is_draft or (until is not None and (now or timezone.now()) < until)


class InterventionQuerySet(models.QuerySet["Intervention"]):
    def visible_to(self, user) -> "InterventionQuerySet":  # noqa: ANN001
        return self.filter(case__in=Case.objects.visible_to(user))


class Intervention(models.Model):
    """An intervention when a child's safety is at risk (art. 15 ust. 1 pkt 12): what happened,
    whom the assistant informed and when. The manager is notified at once."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("case")
    )
    date = models.DateTimeField(_("date and time of the event"), validators=[dates.PAST])
    description = models.TextField(_("what happened and what was done"), **limited(DESCRIPTION))
    informed_police = models.BooleanField(_("the police"), default=False)
    informed_court = models.BooleanField(_("the family court"), default=False)
    informed_other = models.BooleanField(_("another institution or person"), default=False)
    other_informed = models.CharField(
        _("who else was informed"), max_length=300, blank=True, help_text=_("Needed if you ticked “another”.")
    )
    informed_at = models.DateTimeField(_("informed at"), validators=[dates.PAST])
    reference_numbers = models.TextField(
        _("reference numbers"),
        blank=True,
        help_text=_("e.g. the police report number, the court's case number (sygnatura akt)"),
        **limited(NOTE),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interventions",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["case", "date"]),
            models.Index(fields=["date"]),  # the dashboard's and the report's interventions in a period
        ]
        constraints = [
            *limits.length_constraints("intervention", description=DESCRIPTION, reference_numbers=NOTE),
            *dates.datetime_range_constraints("intervention", "created_at"),
            *dates.datetime_range_constraints("intervention", "date", "informed_at"),
            models.CheckConstraint(
                condition=Q(informed_police=True) | Q(informed_court=True) | Q(informed_other=True),
                name="intervention_someone_informed",
                violation_error_message=_("Say whom you informed: the police, the family court or another."),
            ),
            models.CheckConstraint(
                condition=Q(informed_other=False) | ~Q(other_informed=""),
                name="intervention_other_named",
                violation_error_message=_("Say who else was informed."),
            ),
            models.CheckConstraint(
                condition=Q(informed_at__gte=F("date")),
                name="intervention_informed_after_event",
                violation_error_message=_("The time you informed them cannot be before the event."),
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.date)
        return _("Intervention of %(date)s") % {"date": local.strftime("%d.%m.%Y %H:%M")}

    def get_absolute_url(self) -> str:
        return reverse("visits:intervention-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if not (self.informed_police or self.informed_court or self.informed_other):
            errors["informed_police"] = _("Say whom you informed: the police, the family court or another.")
        if self.informed_other and not self.other_informed.strip():
            errors["other_informed"] = _("Say who else was informed.")
        now = timezone.now()
        if self.date and self.date > now:
            errors["date"] = _("The event cannot be in the future.")
        if self.informed_at and self.informed_at > now:
            errors["informed_at"] = _("This time cannot be in the future.")
        elif self.date and self.informed_at and self.informed_at < self.date:
            errors["informed_at"] = _("The time you informed them cannot be before the event.")
        if errors:
            raise ValidationError(errors)

    @property
    def informed_list(self) -> list[str]:
        names = []
        if self.informed_police:
            names.append(str(_("the police")))
        if self.informed_court:
            names.append(str(_("the family court")))
        if self.informed_other:
            names.append(self.other_informed or str(_("another institution or person")))
        return names
