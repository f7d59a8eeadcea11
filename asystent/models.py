"""The user model with its roles, and the centre's details."""

from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth import get_backends
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import dates
from .enums import EmailNotifications, EmploymentForm, Role, RoleChangeStatus
from .limits import NOTE, limited

# art. 15 ust. 4 of the Act: an assistant works with at most 15 families at the same time.
STATUTORY_CASELOAD_LIMIT = 15


def caseload_limit_of(personal: int | None, centre_limit: int) -> int:
    """The lower of a personal limit (None: none set) and the centre's limit."""
    return min(centre_limit, personal) if personal else centre_limit


postal_code_validator = RegexValidator(r"^\d{2}-\d{3}$", _("Enter the postal code in the form 00-000."))


class StaffManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):  # noqa: ANN001, ANN201
        """`createsuperuser` makes the first administrator (the role, not only Django's flags)."""
        extra_fields.setdefault("is_administrator", True)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A member of the centre's staff; roles are flags because one person may hold several."""

    is_social_worker = models.BooleanField(_("social worker"), default=False)
    is_assistant = models.BooleanField(_("family assistant"), default=False)
    is_manager = models.BooleanField(_("manager"), default=False)
    is_administrator = models.BooleanField(_("administrator"), default=False)
    employment_form = models.CharField(
        _("form of employment"),
        max_length=20,
        choices=EmploymentForm.choices,
        blank=True,
        help_text=_("For family assistants: needed for the semi-annual report."),
    )
    coordinator = models.ForeignKey(
        "self",
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team",
        limit_choices_to={"is_manager": True, "is_active": True},
        help_text=_(
            "For family assistants: the manager who supervises their cases and is told of their "
            "overdue deadlines. Empty: every manager is told."
        ),
    )
    # A lower limit of families for one assistant (part-time work, a service contract); the
    # centre's limit applies when it is lower still (`caseload_limit_of`).
    personal_caseload_limit = models.PositiveSmallIntegerField(
        _("personal limit of families"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(STATUTORY_CASELOAD_LIMIT)],
        help_text=_(
            "For family assistants: at most this many families at the same time (e.g. part-time "
            "work). Empty: the centre's limit."
        ),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(
        _("job title"),
        max_length=100,
        blank=True,
        help_text=_("As it is signed under documents, e.g. “Kierownik Działu Pomocy Rodzinie”."),
    )
    email_notifications = models.CharField(
        _("e-mail notifications"),
        max_length=20,
        choices=EmailNotifications.choices,
        default=EmailNotifications.IMMEDIATE,
    )

    must_change_password = models.BooleanField(
        _("must change the password at the next login"),
        default=False,
        help_text=_("Set when someone else set the password: only its owner should know it."),
    )

    objects: ClassVar[StaffManager] = StaffManager()

    if TYPE_CHECKING:
        # django_otp's OTPMiddleware gives the request's user this method: whether this login
        # passed the second step.
        def is_verified(self) -> bool: ...

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            *dates.datetime_range_constraints("user", "date_joined", "last_login"),
            # art. 17 of the Act: an assistant may not be the same gmina's social worker.
            models.CheckConstraint(
                condition=~Q(is_social_worker=True, is_assistant=True),
                name="user_not_social_worker_and_assistant",
                violation_error_message=_(
                    "One person cannot be both a social worker and a family assistant "
                    "(art. 17 of the Act on family support)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(personal_caseload_limit__isnull=True)
                | Q(personal_caseload_limit__gte=1, personal_caseload_limit__lte=STATUTORY_CASELOAD_LIMIT),
                name="user_personal_caseload_limit_statutory",
                violation_error_message=_("The personal limit must be between 1 and 15 families."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def caseload_limit_of(self, centre: "Centre") -> int:
        """The families this assistant may have at the same time: the lower of the centre's limit
        and the personal one (art. 15 ust. 4 of the Act caps both at 15)."""
        return caseload_limit_of(self.personal_caseload_limit, centre.caseload_limit)

    def clean(self) -> None:
        super().clean()
        if self.coordinator_id is None:
            return
        if self.coordinator_id == self.pk:
            raise ValidationError({"coordinator": _("A person cannot be their own coordinator.")})
        if not self.is_assistant:
            raise ValidationError({"coordinator": _("Only a family assistant has a coordinator.")})

    @property
    def roles(self) -> list[Role]:
        flags = {
            Role.SOCIAL_WORKER: self.is_social_worker,
            Role.ASSISTANT: self.is_assistant,
            Role.MANAGER: self.is_manager,
            Role.ADMINISTRATOR: self.is_administrator,
        }
        return [role for role, held in flags.items() if held]

    def has_role(self, *roles: Role) -> bool:
        return self.is_active and any(role in self.roles for role in roles)

    def has_perm(self, perm: str, obj: "models.Model | None" = None) -> bool:
        # Rights follow the roles (asystent.permissions, asystent.roles): Django's superuser flag
        # grants nothing by itself, so a superuser never edits a plan that is not theirs.
        if not self.is_active:
            return False
        for backend in get_backends():
            if not hasattr(backend, "has_perm"):
                continue
            try:
                if backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:
                return False
        return False

    @property
    def role_labels(self) -> str:
        return ", ".join(str(role.label) for role in self.roles)


class RoleChangeRequest(models.Model):
    """A change of the roles that open case data, waiting for a second person to confirm it.

    An administrator's request is confirmed by a manager and a manager's by an administrator;
    never by the person who asked nor by the person whose roles change (asystent/role_changes.py).
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="role_change_requests"
    )
    is_social_worker = models.BooleanField(_("social worker"), default=False)
    is_assistant = models.BooleanField(_("family assistant"), default=False)
    is_manager = models.BooleanField(_("manager"), default=False)
    coordinator = models.ForeignKey(
        User, verbose_name=_("coordinator"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_as = models.CharField(_("requested as"), max_length=20, choices=Role.choices)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RoleChangeStatus.choices, default=RoleChangeStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("role change request")
        verbose_name_plural = _("role change requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            *dates.datetime_range_constraints("role_change", "requested_at", "decided_at"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=RoleChangeStatus.PENDING),
                name="role_change_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")) & ~Q(decided_by=models.F("user")),
                name="role_change_decided_by_another_person",
                violation_error_message=_("A role change is confirmed by a second person."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.roles_label}"

    @property
    def roles_label(self) -> str:
        flags = [
            (self.is_social_worker, Role.SOCIAL_WORKER),
            (self.is_assistant, Role.ASSISTANT),
            (self.is_manager, Role.MANAGER),
        ]
        return ", ".join(str(role.label) for held, role in flags if held) or "—"


class Centre(models.Model):
    """The social welfare centre's details: one row, edited by the administrator."""

    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[postal_code_validator]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    logo = models.ImageField(_("logo for letterheads"), upload_to="centre/", blank=True)
    caseload_limit = models.PositiveSmallIntegerField(
        _("caseload limit per assistant"),
        default=STATUTORY_CASELOAD_LIMIT,
        validators=[MinValueValidator(1), MaxValueValidator(STATUTORY_CASELOAD_LIMIT)],
        help_text=_("At most 15 families at the same time (art. 15 ust. 4 of the Act)."),
    )
    count_monitoring_in_caseload = models.BooleanField(
        _("families in monitoring count towards the limit"), default=False
    )
    monitoring_months = models.PositiveSmallIntegerField(
        _("monitoring period after closure (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    assessment_scale_max = models.PositiveSmallIntegerField(
        _("highest rating in assessments"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(10)],
        help_text=_("Areas are rated from 1 to this number."),
    )
    assessment_interval_months = models.PositiveSmallIntegerField(
        _("assessment at least every (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("At most 6 months (art. 15 ust. 1 pkt 15 of the Act)."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention period of closed files (years)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # The information clause handed to the families (art. 13 ust. 1 lit. b GDPR): the contact
    # details of the controller's data protection officer.
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("data protection officer's e-mail"), blank=True)
    dpo_address = models.CharField(
        _("data protection officer's postal address"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty when it is the centre's address."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centre")
        constraints = [
            models.CheckConstraint(
                condition=Q(caseload_limit__gte=1, caseload_limit__lte=STATUTORY_CASELOAD_LIMIT),
                name="centre_caseload_limit_statutory",
                violation_error_message=_("The caseload limit must be between 1 and 15."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> "Centre":
        """The centre's single row, created with defaults on first use."""
        centre = cls.objects.order_by("pk").first()
        if centre is None:
            centre = cls.objects.create(name=str(_("Social Welfare Centre")))
        return centre

    @property
    def address_line(self) -> str:
        return ", ".join(p for p in [self.street, f"{self.postal_code} {self.city}".strip()] if p)


class AccessLog(models.Model):
    """One read or download of a family's file: who, in which role, what, when, from where.

    Written in the same request as the content it records; never edited or deleted by the app.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    roles = models.CharField(_("roles"), max_length=100)
    family_id = models.PositiveBigIntegerField(_("family"), null=True, db_index=True)
    object_type = models.CharField(_("object"), max_length=50)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True)
    action = models.CharField(_("action"), max_length=30)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-pk"]
        constraints = [
            *dates.datetime_range_constraints("access_log", "at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type}#{self.object_id}"

    @property
    def action_label(self) -> str:
        from .audit import AccessAction

        return str(AccessAction(self.action).label) if self.action in AccessAction.values else self.action


class TransitionLog(models.Model):
    """The shape of every status machine's log: who moved the object, when, from which status to
    which, and what they gave as the reason. Each app keeps its own log table (a foreign key to
    the object, named by `subject_field`), so a page reads its object's log with one indexed
    query and an app's eraser reaches it through the object. Rows are written only by
    `asystent.transitions.transition`."""

    subject_field: ClassVar[str]

    from_status = models.CharField(_("from"), max_length=20)
    to_status = models.CharField(_("to"), max_length=20)
    # Empty for a move made by the system (e.g. the daily end of monitoring).
    by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True, **limited(NOTE))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    def _label(self, value: str) -> str:
        subject = self._meta.get_field(self.subject_field).related_model
        labels = {
            key: label
            for field in subject._meta.concrete_fields  # type: ignore[union-attr]
            if field.name == "status"
            for key, label in field.flatchoices
        }
        return str(labels.get(value, value))

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)


class DailyJobRun(models.Model):
    """The last day a daily periodic job ran successfully (see asystent.daily_jobs)."""

    task = models.CharField(_("task"), max_length=200, unique=True)
    last_day = models.DateField(_("last successful day"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("daily job run")
        verbose_name_plural = _("daily job runs")
        constraints = [
            *dates.range_constraints("daily_job_run", "last_day"),
            *dates.datetime_range_constraints("daily_job_run", "updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.task}: {self.last_day}"


class PendingDraft(models.Model):
    """What a person typed into a form sent after their session had ended, kept encrypted until
    they log in again (asystent.drafts). Only a hash of the token is stored: the row alone does not
    lead anyone to the draft."""

    token_hash = models.CharField(max_length=64, unique=True)
    # The account of the session that ended, when known; otherwise the first to log in with the
    # token claims it, and nobody else can.
    user = models.ForeignKey(
        "asystent.User", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The page that showed the form, and the address the form was sent to.
    page = models.CharField(max_length=500)
    action = models.CharField(max_length=500)
    payload = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("pending form draft")
        verbose_name_plural = _("pending form drafts")
        constraints = [
            *dates.datetime_range_constraints("pending_draft", "created_at", "expires_at"),
        ]

    def __str__(self) -> str:
        return f"{self.page} ({self.created_at:%Y-%m-%d %H:%M})"


class PendingTask(models.Model):
    """A task to hand to the broker, written in the same transaction as the change that asks for
    it (asystent.outbox): a task asked for while Redis is down is sent when it is back, never lost.
    The row is deleted once the broker has the message."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    # The task and its arguments: the same task asked for twice before it is sent is sent once.
    key = models.CharField(_("key"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("pending task")
        verbose_name_plural = _("pending tasks")
        constraints = [*dates.datetime_range_constraints("pending_task", "created_at")]

    def __str__(self) -> str:
        return self.key
