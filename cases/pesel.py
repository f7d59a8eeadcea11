"""PESEL numbers: what the register adds to python-stdnum's rules, and fictional numbers.

`stdnum.pl.pesel` checks the check digit and decodes the date of birth (with the century the
month carries: +80 for the 1800s up to +60 for the 2200s) and the sex. This module keeps what the
register adds: exactly 11 digits as written on the ID (stdnum would also take spaces and dashes,
which the register does not store), the Polish messages of each refusal, and masking in lists.
Comparing the decoded date and sex with the typed ones is the member form's, and the duplicate
check is `selectors.find_member_by_pesel`'s. Fictional numbers for demo data, benchmarks and tests
come from Faker's pl_PL provider, seeded by the caller so the same seed gives the same people.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from faker import Faker
from stdnum import exceptions as stdnum_errors
from stdnum.pl import pesel as stdnum_pesel


@dataclass(frozen=True)
class PeselInfo:
    birth_date: dt.date
    sex: str  # "M" or "F"


def check_digit(first_ten: str) -> int:
    """The check digit that completes the first ten digits of a PESEL."""
    return int(stdnum_pesel.calc_check_digit(first_ten))


def decode(pesel: str) -> PeselInfo:
    """The date of birth and sex encoded in a valid PESEL; ValidationError otherwise."""
    # stdnum's `validate` in its order (the check digit, then the date), each step once: an import
    # decodes every row's number twice, and stdnum cleans the number again at every call.
    if len(pesel) != 11 or not (pesel.isascii() and pesel.isdigit()):
        raise ValidationError(_("A PESEL number has exactly 11 digits."), code="pesel_length")
    if pesel[-1] != stdnum_pesel.calc_check_digit(pesel[:-1]):
        raise ValidationError(
            _("This PESEL number has a wrong check digit. Check for a typo."),
            code="pesel_checksum",
        )
    try:
        birth_date = stdnum_pesel.get_birth_date(pesel)
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            _("The date of birth encoded in this PESEL number does not exist."),
            code="pesel_date",
        ) from None
    return PeselInfo(birth_date=birth_date, sex=stdnum_pesel.get_gender(pesel))


def validate_pesel(value: str) -> None:
    decode(value)


def mask(pesel: str) -> str:
    """Lists show at most the last 4 digits."""
    return f"•••••••{pesel[-4:]}" if pesel else ""


def fake(seed: int) -> Faker:
    """A Polish Faker seeded with `seed`: pass it to `generate` for repeatable fictional people."""
    faker = Faker("pl_PL")
    faker.seed_instance(seed)
    return faker


def generate(birth_date: dt.date, sex: str, faker: Faker) -> str:
    """A valid PESEL for a fictional person born on `birth_date` (1800-2299) of sex "M" or "F"."""
    # Faker's signature asks for a datetime; it reads only the year, month and day.
    return faker.pesel(date_of_birth=dt.datetime.combine(birth_date, dt.time()), sex=str(sex))
