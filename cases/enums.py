"""Choices of the cases app: family members, legal bases, case statuses and reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Relation(models.TextChoices):
    PARENT = "parent", _("parent")
    LEGAL_GUARDIAN = "guardian", _("legal guardian")
    CHILD = "child", _("child")
    OTHER = "other", _("other")


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class Placement(models.TextChoices):
    HOME = "home", _("lives at home")
    FOSTER_FAMILY = "foster_family", _("foster family")
    RESIDENTIAL = "residential", _("residential care facility")


class LegalBasis(models.TextChoices):
    VOLUNTARY = "voluntary", _("voluntary (the family's consent)")
    COURT_ORDER = "court_order", _("court order (art. 109 § 2 pkt 1 KRO)")
    MINOR_PARENT = "minor_parent", _("minor parent leaving an institution (art. 11 ust. 1a)")
    ZA_ZYCIEM = "za_zyciem", _("“Za życiem” support on request")


class StatutoryTask(models.IntegerChoices):
    """The points of art. 15 ust. 1 of the Act that describe the help itself (pkt 3-13): each
    area of help belongs to one; plans and visits are grouped by it."""

    LIFE_SITUATION = 3, _("pkt 3: improving the family's life situation, running the household")
    SOCIAL = 4, _("pkt 4: solving social problems")
    PSYCHOLOGICAL = 5, _("pkt 5: solving psychological problems")
    UPBRINGING = 6, _("pkt 6: solving problems of bringing up the children")
    SOCIAL_ACTIVITY = 7, _("pkt 7: supporting the family's social activity")
    QUALIFICATIONS = 8, _("pkt 8: motivating to raise vocational qualifications")
    WORK = 9, _("pkt 9: finding, taking up and keeping paid work")
    PARENT_GROUPS = 10, _("pkt 10: group activities for parents")
    CHILDREN = 11, _("pkt 11: support for children, psychoeducational activities")
    INTERVENTION = 12, _("pkt 12: intervention when children's or the family's safety is at risk")
    CONSULTATIONS = 13, _("pkt 13: individual parenting consultations")


class CaseStatus(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("awaiting consent")
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")
    MONITORING = "monitoring", _("monitoring")
    ENDED = "ended", _("ended")


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("goals achieved")
    REFUSED = "refused", _("the family refused consent")
    WITHDREW = "withdrew", _("the family withdrew or stopped cooperating")
    NO_EFFECTS = "no_effects", _("no effects / change of method")
    MOVED_AWAY = "moved_away", _("moved away")
    FOSTER_CARE = "foster_care", _("child placed in foster care")
    COURT_DECISION = "court_decision", _("court decision")
    OTHER = "other", _("other")


class MonitoringRule(models.TextChoices):
    """Whether monitoring follows a closure for a given reason (a centre's table, per reason)."""

    REQUIRED = "required", _("required")
    OFFERED = "offered", _("offered (the assistant chooses)")
    NOT_OFFERED = "not_offered", _("not offered")


class ClosureProposalStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the manager's approval")
    RETURNED = "returned", _("returned to the assistant")
    APPROVED = "approved", _("approved")


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("consent given")
    REFUSED = "refused", _("consent refused")
    WITHDRAWN = "withdrawn", _("consent withdrawn")


class Responsible(models.TextChoices):
    FAMILY_MEMBER = "family_member", _("a family member")
    ASSISTANT = "assistant", _("the family assistant")
    SOCIAL_WORKER = "social_worker", _("the social worker")
    INSTITUTION = "institution", _("another institution")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    NOT_DONE = "not_done", _("not done")


class Recommendation(models.TextChoices):
    CONTINUE = "continue", _("continue the work")
    REVISE_PLAN = "revise_plan", _("revise the work plan")
    END = "end", _("end the work")
    NOTIFY_COURT = "notify_court", _("notify the court")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted to the manager")
    ACKNOWLEDGED = "acknowledged", _("acknowledged by the manager")
