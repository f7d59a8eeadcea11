"""Choices of the staff records: the employer, the qualification route of art. 12 of the Act and
the kinds of professional development."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Employer(models.TextChoices):
    # Art. 17 ust. 1 of the Act: the head of the gmina's unit that organises the work with families,
    # or the body the gmina contracted to organise it (art. 190).
    CENTRE = "centre", _("the centre (the gmina's unit)")
    CONTRACTED = "contracted", _("a body contracted by the gmina (art. 190 of the Act)")


class QualificationRoute(models.TextChoices):
    # Art. 12 ust. 1 pkt 1 lit. a-c of the Act (partly verified: quoted in a legal Q&A).
    DEGREE = "degree", _("higher education in pedagogy, psychology, sociology, family studies or social work")
    DEGREE_AND_TRAINING = (
        "degree_training",
        _(
            "other higher education, with training (or postgraduate studies) in work with children or "
            "families and at least 1 year of work with children or families"
        ),
    )
    SECONDARY_AND_TRAINING = (
        "secondary_training",
        _(
            "secondary education, with training in work with children or families and at least 3 years "
            "of work with children or families"
        ),
    )


class DevelopmentKind(models.TextChoices):
    TRAINING = "training", _("training")
    SUPERVISION = "supervision", _("supervision")


class FundingSource(models.TextChoices):
    OWN = "own", _("the gmina's own funds")
    PROGRAMME = "programme", _("the government programme co-financing the assistants' employment")
    EU = "eu", _("European Union funds")
    OTHER = "other", _("other sources")
