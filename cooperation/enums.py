"""Choices of cooperation with institutions: kinds of institutions, letters, the "Niebieska
Karta" procedure's meetings and its end."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", _("school or kindergarten")
    POLICE = "police", _("police")
    COURT = "court", _("court")
    CURATOR = "curator", _("court curator")
    PCPR = "pcpr", _("district family-support centre")
    HEALTH = "health", _("health care")
    NGO = "ngo", _("non-governmental organisation")
    TEAM = "team", _("interdisciplinary team")
    OTHER = "other", _("other")


class LetterDirection(models.TextChoices):
    RECEIVED = "received", _("received")
    SENT = "sent", _("sent")


class LetterSource(models.TextChoices):
    RECORDED = "recorded", _("recorded by hand")
    PRINTED = "printed", _("printed by the application")


class MeetingKind(models.TextChoices):
    GROUP = "group", _("diagnostic-and-support group")
    TEAM = "team", _("interdisciplinary team")


class ProcedureEnd(models.TextChoices):
    VIOLENCE_STOPPED = "stopped", _("the violence stopped and the help plan was carried out")
    UNFOUNDED = "unfounded", _("no grounds for action")
    OTHER = "other", _("other")


class CardFormKind(models.TextChoices):
    """The forms prepared within the procedure. "Niebieska Karta - A" is named in § 2 ust. 1 and 7
    of the regulation of 6 September 2023 (Dz. U. 2023 poz. 1870); the names of B, C and D follow
    the same pattern as centres publish them (the regulation's text beyond § 2 was not read)."""

    A = "A", _("Niebieska Karta – A")
    B = "B", _("Niebieska Karta – B")
    C = "C", _("Niebieska Karta – C")
    D = "D", _("Niebieska Karta – D")
