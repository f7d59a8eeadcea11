"""PESEL numbers: validation, decoding of date of birth and sex, masking, and generation for demo data.

Written here rather than taken from a library: the rules are a few lines of public arithmetic
(ustawa o ewidencji ludności, art. 15) and no maintained package covers decoding and generation.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
# The month field carries the century: offset -> first year of the century.
CENTURY_BY_OFFSET = {80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200}


@dataclass(frozen=True)
class PeselInfo:
    birth_date: dt.date
    sex: str  # "M" or "F"


def check_digit(first_ten: str) -> int:
    return (10 - sum(int(d) * w for d, w in zip(first_ten, WEIGHTS, strict=True)) % 10) % 10


def decode(pesel: str) -> PeselInfo:
    """The date of birth and sex encoded in a valid PESEL; ValidationError otherwise."""
    if len(pesel) != 11 or not pesel.isdigit():
        raise ValidationError(_("A PESEL number has exactly 11 digits."), code="pesel_length")
    if check_digit(pesel[:10]) != int(pesel[10]):
        raise ValidationError(
            _("This PESEL number has a wrong check digit. Check for a typo."),
            code="pesel_checksum",
        )
    year, month, day = int(pesel[0:2]), int(pesel[2:4]), int(pesel[4:6])
    offset = (month // 20) * 20
    century = CENTURY_BY_OFFSET[offset]
    try:
        birth_date = dt.date(century + year, month - offset, day)
    except ValueError:
        raise ValidationError(
            _("The date of birth encoded in this PESEL number does not exist."),
            code="pesel_date",
        ) from None
    return PeselInfo(birth_date=birth_date, sex="M" if int(pesel[9]) % 2 else "F")


def validate_pesel(value: str) -> None:
    decode(value)


def mask(pesel: str) -> str:
    """Lists show at most the last 4 digits."""
    return f"•••••••{pesel[-4:]}" if pesel else ""


def generate(birth_date: dt.date, sex: str, rng: random.Random | None = None) -> str:
    """A checksum-valid PESEL for fictional people (demo data and tests)."""
    rng = rng or random.Random()
    offset = {v: k for k, v in CENTURY_BY_OFFSET.items()}[birth_date.year // 100 * 100]
    serial = f"{rng.randrange(0, 1000):03d}"
    sex_digit = rng.choice("13579" if sex == "M" else "02468")
    first_ten = (
        f"{birth_date.year % 100:02d}{birth_date.month + offset:02d}{birth_date.day:02d}{serial}{sex_digit}"
    )
    return first_ten + str(check_digit(first_ten))
