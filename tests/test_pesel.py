"""PESEL rules: length, check digit, the encoded date in every century, sex, masking, generation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from cases import pesel as pesel_rules

# Worked out by hand from the rule in the statute, not by the code under test:
# month + 80 for the 1800s, + 0 for the 1900s, + 20 for the 2000s, + 40 for the 2100s, + 60 for the 2200s.
VALID = [
    ("99923112347", dt.date(1899, 12, 31), "F"),
    ("44051401359", dt.date(1944, 5, 14), "M"),
    ("04222912378", dt.date(2004, 2, 29), "M"),
    ("01410100007", dt.date(2101, 1, 1), "F"),
    ("99723199991", dt.date(2299, 12, 31), "M"),
]


@pytest.mark.parametrize(("pesel", "birth_date", "sex"), VALID)
def test_a_valid_number_decodes_to_its_date_of_birth_and_sex(pesel, birth_date, sex):
    info = pesel_rules.decode(pesel)
    assert info.birth_date == birth_date
    assert info.sex == sex
    pesel_rules.validate_pesel(pesel)  # does not raise


@pytest.mark.parametrize(("pesel", "birth_date", "sex"), VALID)
def test_any_other_check_digit_is_refused(pesel, birth_date, sex):
    for digit in "0123456789":
        if digit == pesel[-1]:
            continue
        with pytest.raises(ValidationError) as caught:
            pesel_rules.decode(pesel[:-1] + digit)
        assert caught.value.code == "pesel_checksum"


def test_a_typo_in_the_middle_breaks_the_check_digit():
    with pytest.raises(ValidationError) as caught:
        pesel_rules.validate_pesel("44051401358")
    assert caught.value.code == "pesel_checksum"
    assert caught.value.messages == [gettext("This PESEL number has a wrong check digit. Check for a typo.")]


@pytest.mark.parametrize(
    "value", ["", "4405140135", "440514013590", "4405140135X", "44 05140135", "44051401-59"]
)
def test_anything_but_eleven_digits_is_refused(value):
    with pytest.raises(ValidationError) as caught:
        pesel_rules.decode(value)
    assert caught.value.code == "pesel_length"


@pytest.mark.parametrize("value", ["44 051401359", "440514-01359", " 44051401359", "44051401359\n"])
def test_separators_that_stdnum_would_strip_are_refused(value):
    # The register stores the 11 digits as written on the ID, and compares them as they are.
    with pytest.raises(ValidationError) as caught:
        pesel_rules.decode(value)
    assert caught.value.code == "pesel_length"
    assert caught.value.messages == [gettext("A PESEL number has exactly 11 digits.")]


@pytest.mark.parametrize(
    "pesel",
    [
        "04023000014",  # 30 February 1904
        "86023012343",  # 30 February 1986
        "85134512344",  # month 13
        "00022900003",  # 29 February 1900: not a leap year
        "01243100001",  # 31 April 2001
        "00822900007",  # 29 February 1800: not a leap year
        "00693100001",  # 31 September 2200
        "85934512348",  # month 93: the 1800s have months 81-92 only
    ],
)
def test_an_impossible_date_is_refused(pesel):
    with pytest.raises(ValidationError) as caught:
        pesel_rules.decode(pesel)
    assert caught.value.code == "pesel_date"
    expected = gettext("The date of birth encoded in this PESEL number does not exist.")
    assert caught.value.messages == [expected]


def test_the_check_digit_completes_the_first_ten_digits():
    assert pesel_rules.check_digit("4405140135") == 9
    assert pesel_rules.check_digit("9992311234") == 7


FAKER = pesel_rules.fake(0)


@given(
    birth_date=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2299, 12, 31)),
    sex=st.sampled_from(["M", "F"]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_generated_numbers_are_always_valid_and_decode_back(birth_date, sex, seed):
    FAKER.seed_instance(seed)
    pesel = pesel_rules.generate(birth_date, sex, FAKER)
    assert len(pesel) == 11 and pesel.isdigit()
    info = pesel_rules.decode(pesel)
    assert info.birth_date == birth_date
    assert info.sex == sex


def test_the_same_seed_gives_the_same_numbers():
    born = dt.date(2015, 9, 3)
    faker, again = pesel_rules.fake(7), pesel_rules.fake(7)
    first = [pesel_rules.generate(born, "F", faker) for _ in range(3)]
    assert [pesel_rules.generate(born, "F", again) for _ in range(3)] == first
    assert len(set(first)) == 3
    other = pesel_rules.fake(8)
    assert [pesel_rules.generate(born, "F", other) for _ in range(3)] != first


def test_the_mask_shows_only_the_last_four_digits():
    masked = pesel_rules.mask("44051401359")
    assert masked.endswith("1359")
    assert sum(ch.isdigit() for ch in masked) == 4
    assert "440514" not in masked


def test_no_pesel_masks_to_nothing():
    assert pesel_rules.mask("") == ""
