"""How much text a person may type into each kind of field.

Without a limit one paste of a few hundred kilobytes makes the month's visit log or a personal
data export impossible to print in time. The limits fit the purpose: a reason or a comment is a
paragraph, a note or a description a page or two, a section of a court opinion several pages.
The forms show the limit in their error (Django's MaxLengthValidator, translated); the models
keep the same validator, so services that call `full_clean` refuse it too; and the database
refuses it by a CheckConstraint on each field (`length_constraints`), so neither a bulk update,
a script nor the admin can store more.
"""

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

REASON = 2_000  # a reason, a comment, a scope: a paragraph
NOTE = 5_000  # a note of a visit, a goal, an action: a page
DESCRIPTION = 10_000  # a description of the family's situation, a justification: two pages
OPINION_SECTION = 30_000  # a section of an opinion for the family court


def limited(length: int) -> dict[str, Any]:
    """Keyword arguments of a model TextField limited to `length` characters (a TextField's
    max_length alone reaches only its form field)."""
    return {"max_length": length, "validators": [MaxLengthValidator(length)]}


def length_constraints(prefix: str, **fields: int) -> list[models.CheckConstraint]:
    """One CheckConstraint per field keeping its text within its limit (in characters, as the
    validator counts them); named `<prefix>_<field>_length`. Give the same limit as the field's
    `limited(...)`: tests/test_fuzz_forms.py compares them."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), length),
            name=f"{prefix}_{field}_length",
            violation_error_message=_("The text is longer than the application accepts."),
        )
        for field, length in fields.items()
    ]
