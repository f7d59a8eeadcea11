"""Institutions the centre works with, the correspondence log of each family, and the "Niebieska
Karta" procedure (its diagnostic-and-support group, meetings, tasks given at them and its end).

The procedure's data is the most sensitive the application holds: it is reached only through
`cooperation.selectors` (the family's assistant, the managers and the social workers in its group),
and no document addressed to the family or the data-subject export names it (reports and documents
do not know this app).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asystent import dates, limits
from asystent.files import private_storage, validate_scan
from asystent.limits import NOTE, REASON, limited
from cases.models import Family, WorkPlan
from documents.models import RenderedDocument
from visits.models import Visit

from .enums import CardFormKind, InstitutionKind, LetterDirection, LetterSource, MeetingKind, ProcedureEnd


class Institution(models.Model):
    """A school, police station, court, health service or organisation the centre works with."""

    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name", "pk"]
        constraints = [*dates.datetime_range_constraints("institution", "created_at")]

    def __str__(self) -> str:
        return self.name


class Letter(models.Model):
    """A letter or e-mail about a family, received or sent; those the application prints (the
    notice to the court, the answer to whoever reported the family) are logged on their own."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="letters", verbose_name=_("family")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=LetterDirection.choices)
    date = models.DateField(_("date"), validators=[dates.PAST])
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("institution"),
    )
    counterpart = models.CharField(_("other sender or addressee"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    notes = models.TextField(_("notes"), blank=True, **limited(NOTE))
    scan = models.FileField(
        _("scan"), storage=private_storage, upload_to="letters/%Y/%m/", blank=True, validators=[validate_scan]
    )
    reply_by = models.DateField(_("reply by"), null=True, blank=True, validators=[dates.PLANNED])
    replied_on = models.DateField(_("replied on"), null=True, blank=True, validators=[dates.PAST])
    source = models.CharField(max_length=10, choices=LetterSource.choices, default=LetterSource.RECORDED)
    # The printed document the letter is (one log entry per rendering).
    document = models.OneToOneField(
        RenderedDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="letter"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("correspondence")
        ordering = ["-date", "-pk"]
        constraints = [
            *dates.range_constraints("letter", "date", "reply_by", "replied_on"),
            *dates.datetime_range_constraints("letter", "created_at"),
            *limits.length_constraints("letter", notes=NOTE),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("cooperation:letter-list", args=[self.family_id])

    @property
    def awaiting_reply(self) -> bool:
        return self.reply_by is not None and self.replied_on is None


class ProcedureTerms(models.Model):
    """The "Niebieska Karta" deadlines in working days, set by the centre. Empty: not counted.

    The numbers were not verified against the text of the regulation of 6 September 2023
    (Dz. U. 2023 poz. 1870, §§ 3-19 not read, searched again in session 7; secondary sources only,
    listed in README, "Rules of the law"), so the application ships none: the administrator
    enters those the centre's procedure sets."""

    form_to_team_days = models.PositiveSmallIntegerField(
        _("working days for the NK-A form to reach the interdisciplinary team"), null=True, blank=True
    )
    group_formed_days = models.PositiveSmallIntegerField(
        _("working days from the form's receipt to the diagnostic-and-support group"), null=True, blank=True
    )
    first_meeting_days = models.PositiveSmallIntegerField(
        _("working days from the group's forming to its first meeting"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("Niebieska Karta deadlines")
        verbose_name_plural = _("Niebieska Karta deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(form_to_team_days__lte=60)
                & Q(group_formed_days__lte=60)
                & Q(first_meeting_days__lte=60),
                name="procedure_terms_sane",
                violation_error_message=_("A deadline longer than 60 working days is not accepted."),
            )
        ]

    def __str__(self) -> str:
        return str(_("Niebieska Karta deadlines"))

    @classmethod
    def load(cls) -> "ProcedureTerms":
        terms = cls.objects.order_by("pk").first()
        return terms if terms is not None else cls.objects.create()


class Procedure(models.Model):
    """A family's "Niebieska Karta" procedure: its start (the NK-A form), the receipt by the
    interdisciplinary team, the forming of the diagnostic-and-support group and its end."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="blue_card_procedures", verbose_name=_("family")
    )
    reference = models.CharField(_("reference number"), max_length=50, blank=True)
    # § 2 ust. 1 of the regulation of 6 September 2023: the procedure starts when NK-A is filled in.
    started_on = models.DateField(_("started on (NK-A filled in)"), validators=[dates.PAST])
    started_by_body = models.CharField(_("body that filled in the NK-A form"), max_length=200)
    team_received_on = models.DateField(
        _("form received by the interdisciplinary team"), null=True, blank=True, validators=[dates.PAST]
    )
    group_formed_on = models.DateField(
        _("diagnostic-and-support group formed"), null=True, blank=True, validators=[dates.PAST]
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=[dates.PAST])
    end_reason = models.CharField(
        _("reason for the end"), max_length=20, choices=ProcedureEnd.choices, blank=True
    )
    end_note = models.TextField(_("note on the end"), blank=True, **limited(REASON))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Niebieska Karta procedure")
        verbose_name_plural = _("Niebieska Karta procedures")
        ordering = ["-started_on", "-pk"]
        constraints = [
            *dates.range_constraints(
                "procedure", "started_on", "team_received_on", "group_formed_on", "ended_on"
            ),
            *dates.datetime_range_constraints("procedure", "created_at"),
            *limits.length_constraints("procedure", end_note=REASON),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="procedure_ends_after_start",
                violation_error_message=_("The procedure cannot end before it started."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="")
                | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                name="procedure_end_has_reason",
                violation_error_message=_("An ended procedure needs the reason for its end."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Niebieska Karta procedure of %(date)s") % {"date": f"{self.started_on:%d.%m.%Y}"})

    def get_absolute_url(self) -> str:
        return reverse("cooperation:procedure-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class GroupMember(models.Model):
    """A member of the diagnostic-and-support group: a user of the application (the assistant, a
    social worker) or a person from another institution."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user of the application"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("name of a person from another institution"), max_length=200, blank=True)
    role = models.CharField(_("role in the group"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "user"], condition=Q(user__isnull=False), name="group_member_once"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="group_member_named",
                violation_error_message=_("Choose a user or give the person's name."),
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() if self.user else self.name


class Meeting(models.Model):
    """A meeting of the diagnostic-and-support group or of the interdisciplinary team."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(
        _("meeting of"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.GROUP
    )
    date = models.DateField(_("date"), validators=[dates.PAST])
    participants = models.TextField(_("participants"), **limited(REASON))
    decisions = models.TextField(_("decisions"), **limited(NOTE))
    next_meeting = models.DateField(_("next meeting"), null=True, blank=True, validators=[dates.PLANNED])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-pk"]
        constraints = [
            *dates.range_constraints("meeting", "date", "next_meeting"),
            *dates.datetime_range_constraints("meeting", "created_at"),
            *limits.length_constraints("meeting", participants=REASON, decisions=NOTE),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"


class Task(models.Model):
    """A task a meeting gave to a user of the application (the assistant): in their week."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="blue_card_tasks",
        verbose_name=_("given to"),
    )
    description = models.TextField(_("task"), **limited(REASON))
    due_on = models.DateField(_("due on"), validators=[dates.PLANNED])
    done_on = models.DateField(_("done on"), null=True, blank=True, validators=[dates.PAST])

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]
        constraints = [
            *dates.range_constraints("task", "due_on", "done_on"),
            *limits.length_constraints("task", description=REASON),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class CardForm(models.Model):
    """A "Niebieska Karta" form prepared within the procedure (NK-A to NK-D), by kind and date,
    with its scan. Part of the procedure: seen only by its circle, never in what the family gets."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="card_forms", verbose_name=_("procedure")
    )
    kind = models.CharField(_("form"), max_length=1, choices=CardFormKind.choices)
    date = models.DateField(_("date of the form"), validators=[dates.PAST])
    note = models.TextField(_("note"), blank=True, **limited(REASON))
    scan = models.FileField(
        _("scan"),
        storage=private_storage,
        upload_to="blue-card/%Y/%m/",
        blank=True,
        validators=[validate_scan],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Niebieska Karta form")
        verbose_name_plural = _("Niebieska Karta forms")
        ordering = ["date", "kind", "pk"]
        constraints = [
            *dates.range_constraints("card_form", "date"),
            *dates.datetime_range_constraints("card_form", "created_at"),
            *limits.length_constraints("card_form", note=REASON),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.date:%d.%m.%Y}"


# The institutions taking part in a visit or named in a work plan. The link tables live here, not
# in `visits` or `cases`: those apps are on lower floors and never name this one (README,
# "Architecture"); their pages show the links through the panels this app registers.


class VisitInstitution(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="visit_links")

    class Meta:
        verbose_name = _("institution taking part in a visit")
        verbose_name_plural = _("institutions taking part in visits")
        constraints = [
            models.UniqueConstraint(fields=["visit", "institution"], name="visit_institution_once")
        ]

    def __str__(self) -> str:
        return str(self.institution)


class PlanInstitution(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="plan_links")

    class Meta:
        verbose_name = _("institution taking part in a work plan")
        verbose_name_plural = _("institutions taking part in work plans")
        constraints = [models.UniqueConstraint(fields=["plan", "institution"], name="plan_institution_once")]

    def __str__(self) -> str:
        return str(self.institution)
