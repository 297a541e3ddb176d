"""GB 32100-2015: every valid code passes, any single-character change fails."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from parkops.enterprises.uscc import (
    CHARSET,
    check_character,
    looks_like_prefix,
    make_uscc,
    normalise,
    validate_uscc,
)

bodies = st.text(alphabet=CHARSET, min_size=17, max_size=17)


def error_code(value):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(value)
    return caught.value.code


def test_published_example_code_is_valid():
    # A real code printed on a business licence (国家税务总局's own test example).
    validate_uscc("91350100M000100Y43")


@given(bodies)
def test_every_generated_valid_code_passes(body):
    validate_uscc(make_uscc(body))


@given(bodies, st.integers(min_value=0, max_value=17), st.sampled_from(CHARSET))
def test_any_single_character_change_fails(body, position, replacement):
    code = make_uscc(body)
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1 :]
    assert error_code(changed) == "uscc_check"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100Y433", "uscc_length"),
        ("", "uscc_length"),
        ("91350100M000100IO3", "uscc_charset"),
        ("91350100M000100Z43", "uscc_charset"),
        ("91350100M000100Y44", "uscc_check"),
    ],
)
def test_each_kind_of_error_has_its_own_message(value, code):
    assert error_code(value) == code


def test_charset_error_names_the_offending_characters():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("91350100M000100IO3")
    assert "IO" in caught.value.messages[0]


def test_normalise_trims_folds_full_width_and_upper_cases():
    assert normalise(" ９１３５０１００m０００１００y４３ ") == "91350100M000100Y43"


def test_check_character_of_known_code():
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [
        ("91", True),  # an authority (工商) and a type
        ("9132", True),  # … and the start of a province's code (江苏)
        ("91321300", True),  # … a division (宿迁市)
        ("91321300MA1X", True),  # … and the organisation code's start
        ("91321399", False),  # no division 321399
        ("1300000035", False),  # 1 3 then "000000": no division
        ("0052600", False),  # no authority 0
        ("9", False),  # one character: matched anywhere
        ("91宿迁", False),  # not code characters
    ],
)
def test_what_reads_as_the_start_of_a_code(typed, prefix):
    assert looks_like_prefix(typed) is prefix
