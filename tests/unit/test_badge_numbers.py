"""Badge numbers: base-20 encoding, the offensive-string filter, and issuing from a decreasing counter."""

import re

import pytest

from shared.services.blue_badge.domain.application import BADGE_NUMBER_PATTERN
from shared.services.blue_badge.domain.badge import (
    ALPHABET,
    COUNTER_SEED,
    FIRST_ISSUABLE_VALUE,
    LOCAL_OFFENSIVE_SUBSTRINGS,
    NATIONAL_OFFENSIVE_SUBSTRINGS,
    OFFENSIVE_SUBSTRINGS,
    SEQUENCE_SIZE,
    SEQUENCE_START,
    BadgeRuleError,
    badge_number_for,
    badge_number_value,
    highest_issuable_value,
    is_issuable,
    is_valid_badge_number,
    issuable_badge_number,
    next_badge_number,
    normalise_badge_number,
    offensive_substring,
)


def refused(error: pytest.ExceptionInfo, field: str) -> str:
    """The error names the field, both as an attribute and in its message; returns the message."""
    assert error.value.field == field
    assert f"field '{field}'" in str(error.value)
    return str(error.value)


def brute_force_highest_issuable(at_most: int) -> int | None:
    value = at_most
    while value >= 0 and not is_issuable(badge_number_for(value)):
        value -= 1
    return value if value >= 0 else None


# --- the alphabet and the encoding ---------------------------------------------------------------


def test_alphabet_is_base_20_without_i_and_matches_the_application_pattern():
    assert ALPHABET == "0123456789ABCDEFGHJK"
    assert len(set(ALPHABET)) == 20 and "I" not in ALPHABET
    assert all(re.fullmatch(BADGE_NUMBER_PATTERN, character * 6) for character in ALPHABET)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (0, "000000"),
        (1, "000001"),
        (9, "000009"),
        (10, "00000A"),
        (17, "00000H"),
        (18, "00000J"),
        (19, "00000K"),
        (20, "000010"),
        (20**5, "100000"),
        (SEQUENCE_START, "KKKKKK"),
        (SEQUENCE_START - 1, "KKKKKJ"),
    ],
)
def test_known_encodings(value, number):
    assert badge_number_for(value) == number
    assert badge_number_value(number) == value


def test_every_sampled_value_encodes_to_a_unique_valid_number_that_decodes_back():
    values = list(range(0, SEQUENCE_SIZE, 997)) + [SEQUENCE_START]
    numbers = [badge_number_for(value) for value in values]
    assert all(len(number) == 6 and is_valid_badge_number(number) for number in numbers)
    assert [badge_number_value(number) for number in numbers] == values
    assert len(set(numbers)) == len(values)


def test_text_order_follows_the_sequence_so_later_numbers_sort_lower():
    values = list(range(0, SEQUENCE_SIZE, 7919))
    numbers = [badge_number_for(value) for value in values]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("value", [-1, SEQUENCE_SIZE, 10**9, 1.5, "12", None, True])
def test_values_outside_the_sequence_are_refused(value):
    with pytest.raises(BadgeRuleError) as error:
        badge_number_for(value)
    refused(error, "sequence_value")


def test_a_negative_value_is_reported_as_an_exhausted_sequence():
    with pytest.raises(BadgeRuleError) as error:
        badge_number_for(-1)
    assert "exhausted" in refused(error, "sequence_value")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("AB12CD", True),
        ("000000", True),
        ("KKKKKK", True),
        ("AB12C", False),  # too short
        ("AB12CDE", False),  # too long
        ("AB12CI", False),  # I is not in the alphabet
        ("AB12CL", False),  # nor is anything after K
        ("ab12cd", False),  # stored numbers are upper case
        ("AB 2CD", False),
        ("", False),
        (123456, False),
        (None, False),
    ],
)
def test_is_valid_badge_number(text, valid):
    assert is_valid_badge_number(text) is valid


@pytest.mark.parametrize("text", ["AB12C", "AB12CI", "ab12cd", "", "AB12CDE"])
def test_decoding_a_malformed_number_is_refused(text):
    with pytest.raises(BadgeRuleError) as error:
        badge_number_value(text)
    assert repr(text) in refused(error, "badge_number")


def test_normalise_badge_number_tidies_what_people_type():
    assert normalise_badge_number("  ab12cd ") == "AB12CD"
    assert is_valid_badge_number(normalise_badge_number(" kkjkkj"))


# --- the offensive-string filter -------------------------------------------------------------------


def test_every_listed_string_can_actually_appear_in_a_badge_number():
    for word in OFFENSIVE_SUBSTRINGS:
        assert word == word.upper() and set(word) <= set(ALPHABET), word
        assert 3 <= len(word) <= 6, word


def test_the_list_keeps_the_national_list_whole_and_adds_ours():
    assert NATIONAL_OFFENSIVE_SUBSTRINGS <= OFFENSIVE_SUBSTRINGS
    assert LOCAL_OFFENSIVE_SUBSTRINGS <= OFFENSIVE_SUBSTRINGS
    assert {"KKK", "DEAD", "FECK", "FAG"} <= OFFENSIVE_SUBSTRINGS


@pytest.mark.parametrize("word", sorted(OFFENSIVE_SUBSTRINGS))
def test_no_listed_string_gets_through_at_any_position(word):
    for filler in "0", "9", "K":
        for position in range(6 - len(word) + 1):
            number = (filler * position + word).ljust(6, filler)
            assert is_valid_badge_number(number)
            assert not is_issuable(number), number
            assert offensive_substring(number) is not None
            assert issuable_badge_number(badge_number_value(number)) is None


@pytest.mark.parametrize("word", sorted(OFFENSIVE_SUBSTRINGS))
def test_matching_is_case_insensitive(word):
    assert offensive_substring(word.lower().ljust(6, "0")) is not None


def test_filter_agrees_with_a_plain_substring_search_across_the_sequence():
    for value in range(0, SEQUENCE_SIZE, 1009):
        number = badge_number_for(value)
        listed = any(word in number for word in OFFENSIVE_SUBSTRINGS)
        assert is_issuable(number) is not listed, number
        assert (issuable_badge_number(value) is None) is listed


def test_clean_numbers_are_issuable_and_malformed_ones_are_not():
    assert is_issuable("AB12CD")
    assert issuable_badge_number(badge_number_value("AB12CD")) == "AB12CD"
    assert not is_issuable("AB12CI")
    assert not is_issuable("ab12cd")


# --- issuing from the decreasing sequence ----------------------------------------------------------


def test_the_top_of_the_sequence_is_skipped_and_the_counter_seed_lands_on_the_first_issuable_number():
    assert issuable_badge_number(SEQUENCE_START) is None  # "KKKKKK"
    assert badge_number_for(FIRST_ISSUABLE_VALUE) == "KKJKKJ"
    assert COUNTER_SEED == FIRST_ISSUABLE_VALUE + 1
    assert brute_force_highest_issuable(SEQUENCE_START) == FIRST_ISSUABLE_VALUE
    assert next_badge_number(SEQUENCE_SIZE) == ("KKJKKJ", FIRST_ISSUABLE_VALUE)
    assert next_badge_number(COUNTER_SEED) == ("KKJKKJ", FIRST_ISSUABLE_VALUE)


@pytest.mark.parametrize(
    "start",
    ["KKKKKK", "FAGKKK", "FAH000", "DEADKK", "1DEAD9", "0JADEK", "KKK000", "000KKK", "FECK00", "H35H3K", "C4C4C4",
     "AB12CD", "000000", "00000K"],
)
def test_block_jumping_finds_the_same_value_as_counting_down_one_by_one(start):
    at_most = badge_number_value(start)
    assert highest_issuable_value(at_most) == brute_force_highest_issuable(at_most)


def test_block_jumping_agrees_with_counting_down_across_the_sequence():
    for at_most in range(5, SEQUENCE_SIZE, 104_729):
        assert highest_issuable_value(at_most) == brute_force_highest_issuable(at_most), at_most


def test_the_bottom_of_the_sequence():
    assert highest_issuable_value(0) == 0
    assert highest_issuable_value(-1) is None
    assert next_badge_number(1) == ("000000", 0)
    with pytest.raises(BadgeRuleError) as error:
        next_badge_number(0)
    assert "exhausted" in refused(error, "sequence_value")


@pytest.mark.parametrize("last_value", [-1, SEQUENCE_SIZE + 1, "5", None])
def test_next_badge_number_refuses_values_outside_the_counter_range(last_value):
    with pytest.raises(BadgeRuleError) as error:
        next_badge_number(last_value)
    refused(error, "sequence_value")


def test_next_badge_number_walks_down_issuing_every_clean_number_once_and_nothing_else():
    top = badge_number_value("FAH005")  # just above the 8,000 "FAG..." numbers
    issued_values = []
    last = top + 1
    while last > badge_number_value("FAF000"):
        number, last = next_badge_number(last)
        assert is_issuable(number)
        issued_values.append(last)
    assert issued_values == sorted(issued_values, reverse=True)  # strictly decreasing, so unique
    low = issued_values[-1]
    expected = [value for value in range(top, low - 1, -1) if is_issuable(badge_number_for(value))]
    assert issued_values == expected
    assert not any(number.startswith("FAG") for number in map(badge_number_for, issued_values))


class AtomicCounter:
    """Stands in for the DynamoDB counter item: ADD (atomic) and a conditional SET."""

    def __init__(self, value: int):
        self.value = value
        self.round_trips = 0

    def add(self, delta: int) -> int:
        self.round_trips += 1
        self.value += delta
        return self.value

    def set_if(self, expected: int, new: int) -> bool:
        self.round_trips += 1
        if self.value != expected:
            return False
        self.value = new
        return True


def issuing_caller(counter: AtomicCounter, issued: list[str], *, fast_forward: bool):
    """One caller issuing one number as issuable_badge_number's docstring describes; yields between calls."""
    while True:
        value = counter.add(-1)
        yield
        number = issuable_badge_number(value)
        if number is not None:
            issued.append(number)
            return
        if fast_forward:
            target = highest_issuable_value(value - 1)
            counter.set_if(value, target + 1)
            yield


@pytest.mark.parametrize("fast_forward", [False, True])
def test_interleaved_callers_on_an_atomic_counter_never_share_a_number(fast_forward):
    counter = AtomicCounter(badge_number_value("FAH002") + 1)
    issued: list[str] = []
    callers = [issuing_caller(counter, issued, fast_forward=fast_forward) for _ in range(60)]
    while callers:  # round-robin: every caller takes one step in turn, like concurrent Lambdas
        for caller in list(callers):
            try:
                next(caller)
            except StopIteration:
                callers.remove(caller)
    assert len(issued) == 60 and len(set(issued)) == 60
    assert all(is_issuable(number) for number in issued)
    values = sorted((badge_number_value(number) for number in issued), reverse=True)
    low = values[-1]
    clean = [value for value in range(badge_number_value("FAH002"), low - 1, -1) if is_issuable(badge_number_for(value))]
    assert values == clean  # no clean number in the range was lost
    if fast_forward:
        assert counter.round_trips < 1000  # the 8,000 "FAG..." values were jumped, not walked
