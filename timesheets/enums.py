"""Choices of the assistant's monthly records: their status, the kinds of hours, the vehicles."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthStatus(models.TextChoices):
    DRAFT = "draft", _("being filled in")
    SUBMITTED = "submitted", _("submitted for approval")
    RETURNED = "returned", _("returned for correction")
    APPROVED = "approved", _("approved by the manager")


class HourKind(models.TextChoices):
    """The kinds of an assistant's working hours; each is a column of the time sheet."""

    FAMILY_WORK = "family_work", _("work with families")
    TRAVEL = "travel", _("travel")
    DOCUMENTATION = "documentation", _("documentation")
    MEETINGS = "meetings", _("team meetings")
    TRAINING = "training", _("training")
    SUPERVISION = "supervision", _("supervision")


class Vehicle(models.TextChoices):
    CAR_SMALL = "car_small", _("car, engine up to 900 cm³")
    CAR_LARGE = "car_large", _("car, engine over 900 cm³")
    MOTORCYCLE = "motorcycle", _("motorcycle")
    MOPED = "moped", _("moped")


# § 2 of the regulation of the Minister of Infrastructure of 25 March 2002 on the conditions for
# reimbursing the costs of using private cars, motorcycles and mopeds for an employer's purposes
# (Dz. U. 2002 nr 27 poz. 271), as amended by the regulation of 22 December 2022 (Dz. U. 2023 poz. 5,
# in force from 17 January 2023): the employer's rate per kilometre may not exceed these.
MAX_RATE_PER_KM = {
    Vehicle.CAR_SMALL: Decimal("0.89"),
    Vehicle.CAR_LARGE: Decimal("1.15"),
    Vehicle.MOTORCYCLE: Decimal("0.69"),
    Vehicle.MOPED: Decimal("0.42"),
}
