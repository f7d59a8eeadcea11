"""How much text a person may type into each kind of field.

Without a limit one paste of a few hundred kilobytes makes the month's visit log or a personal
data export impossible to print in time. The limits fit the purpose: a reason or a comment is a
paragraph, a note or a description a page or two, a section of a court opinion several pages.
The forms show the limit in their error (Django's MaxLengthValidator, translated); the models
keep the same validator, so services that call `full_clean` refuse it too.
"""

from typing import Any

from django.core.validators import MaxLengthValidator

REASON = 2_000  # a reason, a comment, a scope: a paragraph
NOTE = 5_000  # a note of a visit, a goal, an action: a page
DESCRIPTION = 10_000  # a description of the family's situation, a justification: two pages
OPINION_SECTION = 30_000  # a section of an opinion for the family court


def limited(length: int) -> dict[str, Any]:
    """Keyword arguments of a model TextField limited to `length` characters (a TextField's
    max_length alone reaches only its form field)."""
    return {"max_length": length, "validators": [MaxLengthValidator(length)]}
