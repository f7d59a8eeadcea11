"""Choices of the visits app: kinds and places of visits, and their status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("home visit")
    PHONE = "phone", _("phone call")
    ACCOMPANYING = "accompanying", _("accompanying to an institution")
    CASE_CONFERENCE = "case_conference", _("case conference")
    COURT = "court", _("court")
    MONITORING = "monitoring", _("monitoring contact")
    # art. 15 ust. 1 pkt 13 of the Act: individual parenting consultations for parents and children.
    CONSULTATION = "consultation", _("individual parenting consultation")
    # art. 15 ust. 1 pkt 10-11: group activities for parents, psychoeducational activities for children.
    GROUP_PARENTS = "group_parents", _("group activities for parents")
    GROUP_CHILDREN = "group_children", _("group activities for children")
    # An attempt that met nobody: it counts as an attempt, never as a contact.
    UNSUCCESSFUL = "unsuccessful", _("unsuccessful visit (no meeting)")


class UnsuccessfulReason(models.TextChoices):
    NOBODY_HOME = "nobody_home", _("nobody at home")
    ENTRY_REFUSED = "entry_refused", _("the family refused entry")
    CANCELLED = "cancelled", _("the family cancelled at the door or did not come")
    OTHER = "other", _("another reason")


class VisitPlace(models.TextChoices):
    HOME = "home", _("the family's home")
    OTHER = "other", _("another place")


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("saved")
