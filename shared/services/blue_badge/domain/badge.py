"""Badge rules: numbers, dates, delivery, statuses, the printed reference and one badge per person.

Pure domain code (domain notes: "Decisions and badge rules", "Badge numbers", "Badge statuses",
"The print supplier"): no I/O, no clock. Every rule that depends on the date takes ``today``.

Every refusal is a ``BadgeRuleError`` whose message names the field and says why, e.g.
``field 'start_date': Start date must be today or in the future``.

Where the notes are silent, the choices below follow the DfT's open-source national Blue Badge
service (github.com/uk-gov-dft: bluebadge-badgemanagement-service, bluebadge-print-service) when
that code shows them, and are marked "documented default" otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.core.domain.records import CaseRecord
from shared.services.blue_badge.domain.application import (
    AUTOMATIC_ROUTES,
    BADGE_NUMBER_PATTERN,
    BENEFIT_ROUTES,
    CHILD_ROUTES,
    CancelReason,
    EligibilityCode,
    Gender,
    Holder,
    ReplaceReason,
)


class BadgeRuleError(ValueError):
    """A badge rule refused the input. ``field`` names the input at fault, ``reason`` says why."""

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"field '{field}': {reason}")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------
# Badge numbers
# ---------------------------------------------------------------------------------------------

ALPHABET = "0123456789ABCDEFGHJK"  # base 20: digits, then A-H, J, K (no I: it looks like 1)
BASE = len(ALPHABET)
NUMBER_LENGTH = 6
SEQUENCE_SIZE = BASE**NUMBER_LENGTH  # 64,000,000 possible numbers
SEQUENCE_START = SEQUENCE_SIZE - 1  # the sequence decreases from "KKKKKK" (63,999,999)
_VALUE_OF = {character: position for position, character in enumerate(ALPHABET)}
_BADGE_NUMBER = re.compile(BADGE_NUMBER_PATTERN)

# Substrings a badge number must not contain, matched case-insensitively, upper-case here.
# Only 0-9, A-H, J and K can appear, so only words spelled from those (with the usual digit
# look-alikes 0=O, 1=I, 3=E, 4=A, 5=S) can ever match; a test proves every entry is spellable.
#
# NATIONAL: the list configured in the DfT national service (bluebadge-badgemanagement-service,
# application.yml "blacklisted.combinations"), kept whole so that we never issue a number the
# national service would have refused: profanity (FECK, F3CK, F4CK, FACK), excrement (CACA, C4C4,
# F3C35 "feces"), death (DEAD, D34D - distressing on a disabled person's badge), antisemitic slurs
# (HEBE, H383, HEEB, H338), HESHE (H35H3, transphobic), KKK, and BABE and JADE/J4D3, whose reason
# the national list does not record.
NATIONAL_OFFENSIVE_SUBSTRINGS = frozenset({
    "BABE", "C4C4", "CACA", "D34D", "DEAD", "F3C35", "F3CK", "F4CK", "FACK", "FECK",
    "H338", "H35H3", "H383", "HEBE", "HEEB", "J4D3", "JADE", "KKK",
})
# LOCAL: our additions - a homophobic slur (FAG, F4G), a profanity abbreviation (FCK), genital
# slang (D1CK, C0CK) and a white-supremacist code (1488). Two-character strings (e.g. "FK") are
# deliberately not listed: each would remove about 1.2% of all numbers and two letters are not
# read as a word.
LOCAL_OFFENSIVE_SUBSTRINGS = frozenset({"FAG", "F4G", "FCK", "D1CK", "C0CK", "1488"})
OFFENSIVE_SUBSTRINGS = NATIONAL_OFFENSIVE_SUBSTRINGS | LOCAL_OFFENSIVE_SUBSTRINGS
_OFFENSIVE_IN_ORDER = tuple(sorted(OFFENSIVE_SUBSTRINGS))


def is_valid_badge_number(value: object) -> bool:
    """True for exactly 6 characters of the badge alphabet (upper case), per BADGE_NUMBER_PATTERN."""
    return isinstance(value, str) and _BADGE_NUMBER.match(value) is not None


def normalise_badge_number(value: str) -> str:
    """As typed by staff or applicants: surrounding spaces dropped, upper-cased."""
    return value.strip().upper()


def _check_sequence_value(sequence_value: object, *, upper: int = SEQUENCE_START) -> int:
    if isinstance(sequence_value, bool) or not isinstance(sequence_value, int):
        raise BadgeRuleError("sequence_value", f"{sequence_value!r} is not an integer")
    if sequence_value < 0:
        raise BadgeRuleError(
            "sequence_value", f"{sequence_value} is below 0: the badge number sequence is exhausted"
        )
    if sequence_value > upper:
        raise BadgeRuleError(
            "sequence_value", f"{sequence_value} is above {upper}: a badge number has only 6 base-20 characters"
        )
    return sequence_value


def badge_number_for(sequence_value: int) -> str:
    """Encode 0 <= sequence_value < 20**6 as 6 base-20 characters, zero-padded (0 -> "000000")."""
    remaining = _check_sequence_value(sequence_value)
    characters = []
    for _ in range(NUMBER_LENGTH):
        remaining, digit = divmod(remaining, BASE)
        characters.append(ALPHABET[digit])
    return "".join(reversed(characters))


def badge_number_value(number: str) -> int:
    """Decode a badge number back to its sequence value (the inverse of ``badge_number_for``)."""
    if not is_valid_badge_number(number):
        raise BadgeRuleError(
            "badge_number", f"{number!r} is not a badge number: 6 characters from 0-9, A-H, J, K"
        )
    value = 0
    for character in number:
        value = value * BASE + _VALUE_OF[character]
    return value


def offensive_substring(number: str) -> str | None:
    """The first (alphabetically) listed offensive string inside ``number``, case-insensitively."""
    upper = number.upper()
    return next((word for word in _OFFENSIVE_IN_ORDER if word in upper), None)


def is_issuable(number: str) -> bool:
    """A well-formed badge number containing none of OFFENSIVE_SUBSTRINGS (depends on nothing else)."""
    return is_valid_badge_number(number) and offensive_substring(number) is None


def issuable_badge_number(sequence_value: int) -> str | None:
    """The number for one counter value, or None when that value is skipped (take the next value).

    Issuing from an atomic DynamoDB counter (the adapter's side; this module does no I/O):

    1. Once, create the counter item with value ``COUNTER_SEED`` (condition attribute_not_exists),
       so the first ``ADD -1`` lands on the first issuable value instead of walking through the
       8,000 skipped "KKK..." values at the very top of the sequence.
    2. ``UpdateItem ADD value -1`` with ReturnValues=UPDATED_NEW gives a value ``v``. The ADD is
       atomic, so ``v`` is returned to this caller only; ``badge_number_for`` is one-to-one, so the
       number is unique as long as values are only ever taken this way.
    3. ``number = issuable_badge_number(v)``. If it is None the value is skipped (offensive): go back
       to step 2. Values are never reused, so a skipped value is simply lost.
    4. Optional fast-forward over a long skipped run (a listed word at the front of the number
       skips up to 8,000 consecutive values): ``w = highest_issuable_value(v - 1)`` and
       ``UpdateItem SET value = w + 1 CONDITION value = v``. The condition holds only if nobody has
       taken a value since ``v``, and every value between ``w`` and ``v`` is skipped anyway, so no
       issuable value is lost or duplicated; whether or not it succeeded, go back to step 2.
    5. A value below 0 means the sequence is exhausted: this raises BadgeRuleError.

    ``next_badge_number`` is the same rule for a compare-and-set adapter (read, compute, write
    conditionally).
    """
    number = badge_number_for(sequence_value)
    return number if is_issuable(number) else None


def _earliest_offence_end(number: str) -> int | None:
    """Where the earliest-ending listed word in ``number`` ends (exclusive), or None if clean."""
    ends = [number.find(word) + len(word) for word in _OFFENSIVE_IN_ORDER if word in number]
    return min(ends) if ends else None


def highest_issuable_value(at_most: int) -> int | None:
    """The largest value <= ``at_most`` whose number is issuable; None if there is none.

    Jumps over whole blocks: once the first ``k`` characters contain a listed word, every number
    sharing those ``k`` characters does too, so the search continues below that block.
    """
    if isinstance(at_most, int) and not isinstance(at_most, bool) and at_most < 0:
        return None
    value = _check_sequence_value(at_most)
    while value >= 0:
        end = _earliest_offence_end(badge_number_for(value))
        if end is None:
            return value
        block = BASE ** (NUMBER_LENGTH - end)
        value = (value // block) * block - 1
    return None


def next_badge_number(last_value: int) -> tuple[str, int]:
    """Given the last value taken from the sequence, the next number to issue and its value.

    ``last_value`` is ``COUNTER_SEED`` (or ``SEQUENCE_SIZE``) before anything was issued. Skipped
    values are passed over in one step. For a compare-and-set adapter: read the counter ``c``,
    ``number, v = next_badge_number(c)``, then write ``v`` on condition the counter still holds ``c``;
    retry on a failed condition. Raises BadgeRuleError when the sequence is exhausted.
    """
    _check_sequence_value(last_value, upper=SEQUENCE_SIZE)
    value = highest_issuable_value(last_value - 1)
    if value is None:
        raise BadgeRuleError(
            "sequence_value", f"no issuable badge number below {last_value}: the badge number sequence is exhausted"
        )
    return badge_number_for(value), value


FIRST_ISSUABLE_VALUE: int = highest_issuable_value(SEQUENCE_START)  # type: ignore[assignment]
COUNTER_SEED = FIRST_ISSUABLE_VALUE + 1  # initial counter value: the first ADD -1 returns FIRST_ISSUABLE_VALUE


# ---------------------------------------------------------------------------------------------
# Start and expiry dates
# ---------------------------------------------------------------------------------------------

MAX_BADGE_YEARS = 3
CHILD_ROUTE_AGE_LIMIT = 3  # the under-3 routes are for children under this age
AUTOMATIC_ROUTE_MIN_AGE = 3  # the automatic routes are for people this age or over


class BadgeDates(_Frozen):
    """The first and last day a badge is valid (both inclusive)."""

    start_date: date
    expiry_date: date

    @model_validator(mode="after")
    def expiry_not_before_start(self) -> BadgeDates:
        if self.expiry_date < self.start_date:
            raise ValueError(
                f"expiry_date {self.expiry_date} is before start_date {self.start_date}; a badge must be valid for at least one day"
            )
        return self


def anniversary(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February falls on 1 March in a common year.

    1 March is the usual UK reading for a leap-day birthday (a person born on 29 February turns 3
    on 1 March in a common year), and it also makes a badge starting on 29 February last until
    28 February, the full three years, rather than losing a day.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return date(day.year + years, 3, 1)


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on ``on`` (a leap-day birthday counts from 1 March in common years)."""
    years = on.year - date_of_birth.year
    return years if anniversary(date_of_birth, years) <= on else years - 1


def latest_expiry(start: date) -> date:
    """The last day a badge starting on ``start`` may be valid: the day before its 3rd anniversary.

    Documented default. "A badge lasts at most 3 years from its start date": a badge valid from
    the start date up to the day before the third anniversary lasts exactly 3 years (start
    2026-01-15 -> expiry 2029-01-14; start 2028-02-29 -> expiry 2031-02-28). The national service
    accepts an expiry up to and including the anniversary, so this is one day stricter and never
    refused there.
    """
    return anniversary(start, MAX_BADGE_YEARS) - timedelta(days=1)


def _coerce_eligibility(eligibility: EligibilityCode | str | None) -> EligibilityCode | None:
    if eligibility is None or isinstance(eligibility, EligibilityCode):
        return eligibility
    try:
        return EligibilityCode(eligibility)
    except ValueError:
        raise BadgeRuleError("eligibility", f"{eligibility!r} is not an eligibility code") from None


def badge_dates(
    *,
    start: date,
    today: date,
    eligibility: EligibilityCode | None,
    date_of_birth: date | None = None,
    award_end: date | None = None,
    award_indefinite: bool = False,
) -> BadgeDates:
    """Start and expiry of a new (or renewed) badge.

    - ``start`` is not in the past (``start < today`` is refused).
    - The badge lasts at most 3 years (``latest_expiry``).
    - Benefit routes (PIP, DLA, WPMS, AFRFCS): the badge ends with the award when it ends sooner.
      PIP, DLA and WPMS need an ``award_end`` unless ``award_indefinite``; AFRFCS awards are often
      for life, so an AFRFCS award without an end date does not shorten the badge. An award that
      ended before the start, or an end date given for an indefinite award, is refused. Award dates
      are ignored for the other routes.
    - Under-3 routes (CHILDBULK, CHILDVEHIC): the child must be under 3 on the start date, and the
      badge ends the day after the 3rd birthday (or earlier, if the 3-year limit is reached first).
    - Automatic routes (PIP, DLA, AFRFCS, WPMS, BLIND): the holder must be 3 or over on the start date.
    - ``eligibility=None`` is an organisation badge: only the 3-year limit applies.
    """
    code = _coerce_eligibility(eligibility)
    if start < today:
        raise BadgeRuleError("start_date", "Start date must be today or in the future")
    if date_of_birth is not None and date_of_birth > start:
        raise BadgeRuleError(
            "date_of_birth", f"{date_of_birth} is after the badge start date {start}; the holder must be born by then"
        )
    ends = [latest_expiry(start)]

    if code in CHILD_ROUTES:
        dob = _required_date_of_birth(date_of_birth, code, "to check the child is under 3")
        third_birthday = anniversary(dob, CHILD_ROUTE_AGE_LIMIT)
        if start >= third_birthday:
            raise BadgeRuleError(
                "date_of_birth",
                f"the child (born {dob}) is {age_on(dob, start)} on the start date {start}; "
                f"the {code.value} route is only for children under 3 (apply under another criterion)",
            )
        ends.append(third_birthday + timedelta(days=1))

    if code in AUTOMATIC_ROUTES:
        dob = _required_date_of_birth(date_of_birth, code, "to check the holder is aged 3 or over")
        age = age_on(dob, start)
        if age < AUTOMATIC_ROUTE_MIN_AGE:
            raise BadgeRuleError(
                "date_of_birth",
                f"the holder (born {dob}) is {age} on the start date {start}; the {code.value} route needs "
                "age 3 or over (under-3s apply under CHILDBULK or CHILDVEHIC)",
            )

    if code in BENEFIT_ROUTES:
        award = _award_end(code, start, award_end, award_indefinite)
        if award is not None:
            ends.append(award)

    expiry = min(ends)
    if expiry < start:  # unreachable given the checks above; kept so no bad pair can ever leave here
        raise BadgeRuleError("expiry_date", f"{expiry} is before the start date {start}")
    return BadgeDates(start_date=start, expiry_date=expiry)


def _required_date_of_birth(date_of_birth: date | None, code: EligibilityCode, purpose: str) -> date:
    if date_of_birth is None:
        raise BadgeRuleError("date_of_birth", f"is required for the {code.value} route {purpose}")
    return date_of_birth


def _award_end(code: EligibilityCode, start: date, award_end: date | None, indefinite: bool) -> date | None:
    if indefinite and award_end is not None:
        raise BadgeRuleError(
            "award_end",
            f"{award_end} is given but the {code.value} award is marked indefinite; say which is right",
        )
    if award_end is None:
        if indefinite or code is EligibilityCode.AFRFCS:
            return None
        raise BadgeRuleError(
            "award_end",
            f"is required for the {code.value} route unless the award is indefinite: the badge ends with the award",
        )
    if award_end < start:
        raise BadgeRuleError(
            "award_end",
            f"the {code.value} award ended on {award_end}, before the badge start date {start}; "
            "the qualifying award must still be in payment",
        )
    return award_end


def replacement_dates(old_expiry: date, today: date) -> BadgeDates:
    """A replacement badge starts today and keeps the old badge's expiry (domain notes: Replacement)."""
    if old_expiry < today:
        raise BadgeRuleError(
            "old_expiry",
            f"the badge expired on {old_expiry} (today is {today}); an expired badge cannot be replaced, apply to renew",
        )
    return BadgeDates(start_date=today, expiry_date=old_expiry)


# ---------------------------------------------------------------------------------------------
# Delivery and the print supplier's codes
# ---------------------------------------------------------------------------------------------


class DeliverTo(StrEnum):
    HOME = "HOME"
    COUNCIL = "COUNCIL"


class DeliveryOption(StrEnum):
    STANDARD = "STANDARD"
    FAST = "FAST"


class PrintBatchType(StrEnum):
    STANDARD = "STANDARD"  # standard delivery to the holder's home
    FASTTRACK = "FASTTRACK"  # fast delivery to the holder's home
    LA = "LA"  # standard delivery to the council, for collection


class DispatchMethodCode(StrEnum):
    HOME = "M"
    COUNCIL = "C"


class FastTrackCode(StrEnum):
    YES = "Y"
    NO = "N"


class PostageCode(StrEnum):
    STANDARD = "SC"
    FAST = "RD"


_BATCH_TYPES = {
    (DeliverTo.HOME, DeliveryOption.STANDARD): PrintBatchType.STANDARD,
    (DeliverTo.HOME, DeliveryOption.FAST): PrintBatchType.FASTTRACK,
    (DeliverTo.COUNCIL, DeliveryOption.STANDARD): PrintBatchType.LA,
}


def batch_type(deliver_to: DeliverTo | str, option: DeliveryOption | str) -> PrintBatchType:
    """Which nightly print batch an order goes in. Fast delivery to a council is not allowed."""
    try:
        where = DeliverTo(deliver_to)
    except ValueError:
        raise BadgeRuleError("deliver_to", f"{deliver_to!r} is not one of HOME, COUNCIL") from None
    try:
        how = DeliveryOption(option)
    except ValueError:
        raise BadgeRuleError("delivery_option", f"{option!r} is not one of STANDARD, FAST") from None
    if (where, how) not in _BATCH_TYPES:
        raise BadgeRuleError(
            "delivery_option", "FAST delivery is only to the holder's home; a badge sent to the council goes STANDARD"
        )
    return _BATCH_TYPES[(where, how)]


class SupplierCodes(_Frozen):
    """The delivery codes on a BadgeDetails record of the print extract."""

    batch_type: PrintBatchType
    dispatch_method: DispatchMethodCode
    fast_track: FastTrackCode
    postage: PostageCode


def supplier_codes(deliver_to: DeliverTo | str, option: DeliveryOption | str) -> SupplierCodes:
    batch = batch_type(deliver_to, option)
    fast = batch is PrintBatchType.FASTTRACK
    return SupplierCodes(
        batch_type=batch,
        dispatch_method=DispatchMethodCode.COUNCIL if batch is PrintBatchType.LA else DispatchMethodCode.HOME,
        fast_track=FastTrackCode.YES if fast else FastTrackCode.NO,
        postage=PostageCode.FAST if fast else PostageCode.STANDARD,
    )


# ---------------------------------------------------------------------------------------------
# Badge statuses
# ---------------------------------------------------------------------------------------------


class BadgeStatus(StrEnum):
    ORDERED = "ORDERED"  # decided, waiting for the print batch
    PROCESSED = "PROCESSED"  # sent to the printer
    ISSUED = "ISSUED"  # printer confirmed dispatch
    REJECT = "REJECT"  # printer rejected it, back to a caseworker
    CANCELLED = "CANCELLED"
    REPLACED = "REPLACED"
    DELETED = "DELETED"  # soft delete


# Which status may follow which. "Expired" is not a status: see is_expired.
# - PROCESSED cannot be cancelled: the order is at the printer; wait for ISSUED (then cancel) or
#   REJECT. The national service likewise cancels only ORDERED or ISSUED badges.
# - REJECT -> CANCELLED (beyond the brief): a rejected badge that will never be re-ordered (the
#   holder died, withdrew) is closed with a cancel reason rather than left open or deleted.
# - Only an ISSUED badge is replaced (as in the national service); a lost ORDERED badge does not exist yet.
# - Any status but DELETED may be soft-deleted; DELETED is final.
BADGE_TRANSITIONS: dict[BadgeStatus, frozenset[BadgeStatus]] = {
    BadgeStatus.ORDERED: frozenset({BadgeStatus.PROCESSED, BadgeStatus.CANCELLED, BadgeStatus.DELETED}),
    BadgeStatus.PROCESSED: frozenset({BadgeStatus.ISSUED, BadgeStatus.REJECT, BadgeStatus.DELETED}),
    BadgeStatus.ISSUED: frozenset({BadgeStatus.CANCELLED, BadgeStatus.REPLACED, BadgeStatus.DELETED}),
    BadgeStatus.REJECT: frozenset({BadgeStatus.ORDERED, BadgeStatus.CANCELLED, BadgeStatus.DELETED}),
    BadgeStatus.CANCELLED: frozenset({BadgeStatus.DELETED}),
    BadgeStatus.REPLACED: frozenset({BadgeStatus.DELETED}),
    BadgeStatus.DELETED: frozenset(),
}
LIVE_STATUSES = frozenset({BadgeStatus.ORDERED, BadgeStatus.PROCESSED, BadgeStatus.ISSUED})


class BadgeTransitionError(BadgeRuleError):
    pass


def _coerce_status(status: BadgeStatus | str, field: str = "status") -> BadgeStatus:
    try:
        return BadgeStatus(status)
    except ValueError:
        allowed = ", ".join(BadgeStatus)
        raise BadgeRuleError(field, f"{status!r} is not a badge status ({allowed})") from None


def is_expired(expiry: date, today: date) -> bool:
    """A badge is valid to the end of its expiry date; it has expired from the day after."""
    return today > expiry


def badge_transition(
    current: BadgeStatus | str,
    new: BadgeStatus | str,
    *,
    expiry: date | None = None,
    today: date | None = None,
) -> BadgeStatus:
    """The new status if the move is allowed by BADGE_TRANSITIONS; BadgeTransitionError otherwise.

    With ``expiry`` and ``today`` it also refuses to cancel or replace an expired badge (as the
    national service does): an expired badge is simply no longer valid.
    """
    source, target = _coerce_status(current), _coerce_status(new)
    allowed = BADGE_TRANSITIONS[source]
    if target not in allowed:
        if not allowed:
            reason = f"a {source.value} badge is final and cannot become {target.value}"
        else:
            options = ", ".join(sorted(status.value for status in allowed))
            reason = f"a badge cannot move from {source.value} to {target.value}; from {source.value} it may become {options}"
        raise BadgeTransitionError("status", reason)
    if target in (BadgeStatus.CANCELLED, BadgeStatus.REPLACED) and expiry is not None and today is not None:
        if is_expired(expiry, today):
            raise BadgeTransitionError(
                "expiry_date", f"the badge expired on {expiry}; an expired badge cannot be {target.value.lower()}"
            )
    return target


def end_reason(status: BadgeStatus | str, reason: str | None) -> CancelReason | ReplaceReason | None:
    """Check the reason recorded with a status: CANCELLED needs a CancelReason, REPLACED a ReplaceReason."""
    target = _coerce_status(status)
    if target is BadgeStatus.CANCELLED:
        return _reason(CancelReason, "cancel_reason", reason, target)
    if target is BadgeStatus.REPLACED:
        return _reason(ReplaceReason, "replace_reason", reason, target)
    if reason is not None:
        raise BadgeRuleError("reason", f"{reason!r} given, but only CANCELLED and REPLACED carry a reason (not {target.value})")
    return None


def _reason(kind: type[StrEnum], field: str, reason: str | None, target: BadgeStatus):
    allowed = ", ".join(kind)
    if reason is None:
        raise BadgeRuleError(field, f"is required to mark a badge {target.value} (one of {allowed})")
    try:
        return kind(reason)
    except ValueError:
        raise BadgeRuleError(field, f"{reason!r} is not one of {allowed}") from None


# ---------------------------------------------------------------------------------------------
# Printed reference and barcode
# ---------------------------------------------------------------------------------------------

GENDER_MARKERS = {Gender.MALE: "X", Gender.FEMALE: "Y", Gender.UNSPECIFIED: "Z"}
ORGANISATION_MARKER = "O"
_REFERENCE_FIXED = "0"  # printed between badge number and dates by the national service; meaning undocumented
PERSON_BARCODE_LENGTH = 7
ORGANISATION_BARCODE_LENGTH = 5
_PERSON_REFERENCE = re.compile(r"^[0-9A-HJK]{6} 0 (0[1-9]|1[0-2])\d\d[XYZ](0[1-9]|1[0-2])\d\d$")
_ORGANISATION_REFERENCE = re.compile(r"^[0-9A-HJK]{6} 0 O(0[1-9]|1[0-2])\d\d$")


def printed_reference(badge_number: str, date_of_birth: date | None, gender: Gender | str | None, expiry: date) -> str:
    """The reference printed on the badge: number, birth month/year, gender marker, expiry month/year.

    Documented default, not confirmed with the current print supplier: the layout is the one the
    DfT national service sends (bluebadge-print-service, ``getPrintedBadgeReference``):

        person:       "<number> 0 <MMYY birth><X|Y|Z><MMYY expiry>"   e.g. "AB12CD 0 0958X0129"
        organisation: "<number> 0 O<MMYY expiry>"                     e.g. "AB12CD 0 O0129"

    X = male, Y = female, Z = unspecified (also used when no gender was given), O = organisation.
    An organisation badge is one with neither date of birth nor gender.
    """
    if not is_valid_badge_number(badge_number):
        raise BadgeRuleError("badge_number", f"{badge_number!r} is not a badge number: 6 characters from 0-9, A-H, J, K")
    if date_of_birth is None:
        if gender is not None:
            raise BadgeRuleError(
                "date_of_birth", "is required on a person's badge (a gender was given, so this is not an organisation)"
            )
        return f"{badge_number} {_REFERENCE_FIXED} {ORGANISATION_MARKER}{expiry:%m%y}"
    try:
        marker = GENDER_MARKERS[Gender(gender)] if gender is not None else GENDER_MARKERS[Gender.UNSPECIFIED]
    except ValueError:
        raise BadgeRuleError("gender", f"{gender!r} is not one of {', '.join(Gender)}") from None
    return f"{badge_number} {_REFERENCE_FIXED} {date_of_birth:%m%y}{marker}{expiry:%m%y}"


def barcode_data(reference: str) -> str:
    """The barcode: the rightmost 7 characters of a person's reference, 5 of an organisation's.

    As in the national service: a person's barcode carries birth year, gender marker and expiry
    ("58X0129"); an organisation's the marker and expiry ("O0129"). Never more than 7 characters.
    """
    if _PERSON_REFERENCE.match(reference):
        return reference[-PERSON_BARCODE_LENGTH:]
    if _ORGANISATION_REFERENCE.match(reference):
        return reference[-ORGANISATION_BARCODE_LENGTH:]
    raise BadgeRuleError("printed_reference", f"{reference!r} is not a printed badge reference made by printed_reference")


# ---------------------------------------------------------------------------------------------
# One badge per person
# ---------------------------------------------------------------------------------------------

# Documented default, council-configurable: a renewal may be ordered while the current badge
# still has this long to run (matches the usual 12-week renewal reminder in the domain notes).
RENEWAL_WINDOW = timedelta(weeks=12)


class ExistingBadge(_Frozen):
    """What the one-badge rule needs to know about a badge the person already has."""

    badge_number: str = Field(pattern=BADGE_NUMBER_PATTERN)
    status: BadgeStatus
    expiry_date: date


def conflicting_badges(
    existing: Iterable[ExistingBadge],
    today: date,
    *,
    renewal_window: timedelta = RENEWAL_WINDOW,
    replacing: str | None = None,
) -> list[ExistingBadge]:
    """The person's badges that stop a new badge being ordered, in the order given.

    A badge blocks when it is live (ORDERED, PROCESSED or ISSUED), not expired, and expires after
    ``today + renewal_window`` (a badge expiring within the window may be renewed). ``replacing``
    names the badge a replacement is for: it does not block its own replacement.
    """
    if renewal_window < timedelta(0):
        raise BadgeRuleError("renewal_window", f"{renewal_window} is negative; use timedelta(0) to allow no early renewal")
    renewable_from = today + renewal_window
    return [
        badge
        for badge in existing
        if badge.status in LIVE_STATUSES
        and not is_expired(badge.expiry_date, today)
        and badge.expiry_date > renewable_from
        and badge.badge_number != replacing
    ]


def ensure_one_badge(
    existing: Iterable[ExistingBadge],
    today: date,
    *,
    renewal_window: timedelta = RENEWAL_WINDOW,
    replacing: str | None = None,
) -> None:
    """Raise BadgeRuleError naming the blocking badges, if any (see conflicting_badges)."""
    blocking = conflicting_badges(existing, today, renewal_window=renewal_window, replacing=replacing)
    if blocking:
        listed = ", ".join(f"{badge.badge_number} ({badge.status.value}, expires {badge.expiry_date})" for badge in blocking)
        raise BadgeRuleError(
            "existing_badges",
            f"the person already has a live badge: {listed}; a person gets exactly one badge "
            f"(a renewal may be ordered once the current badge expires within {renewal_window.days} days)",
        )


# ---------------------------------------------------------------------------------------------
# The badge record
# ---------------------------------------------------------------------------------------------


# The print queues (GSI1 partitions of badges): ORDERED badges no batch has taken (by batch type), the badges
# of each batch (to write, mark, re-send and match results), and the badges the printer rejected.
def print_queue_key(batch_type: PrintBatchType) -> str:
    return f"PRINT#{batch_type.value}"


def batch_queue_key(batch_id: str) -> str:
    return f"BATCH#{batch_id}"


REJECTED_QUEUE = "PRINT_REJECTED"
# ISSUED badges whose holder has not yet been reminded to renew, by expiry date (domain/renewal.py reads a window of it).
RENEWAL_QUEUE = "RENEWAL_DUE"


def renewal_sort_key(expiry: date, badge_number: str = "") -> str:
    """The renewal queue's sort key: the expiry date first, so that a window of expiry dates is one key range."""
    return f"{expiry.isoformat()}#{badge_number}"


class Badge(_Frozen, CaseRecord):
    """One ordered badge, with what the print extract needs copied at order time (the badge is printed
    as ordered, even if the application is corrected later)."""

    KIND = "BADGE"  # a case record (shared.core.domain.records), found by its badge number alone
    FOUND_BY_ID = True

    badge_number: str = Field(pattern=BADGE_NUMBER_PATTERN)
    council_code: str
    case_id: str
    status: BadgeStatus = BadgeStatus.ORDERED
    status_reason: str | None = None
    start_date: date
    expiry_date: date
    deliver_to: DeliverTo
    delivery_option: DeliveryOption
    batch_type: PrintBatchType
    eligibility: EligibilityCode | None = None
    holder: Holder | None = None
    organisation_name: str | None = None
    photo_key: str | None = None
    replaces: str | None = Field(default=None, description="The badge number this one replaces")
    replaced_by: str | None = None
    batch_id: str | None = Field(default=None, description="The print batch that took (or sent) this badge")
    print_problem: str | None = Field(default=None, description="Why the last print run skipped it, or the printer rejected it")
    dispatched_on: date | None = Field(default=None, description="When the printer posted it (ISSUED)")
    renewal_reminded_at: datetime | None = Field(default=None, description="When the holder was reminded to renew (once a badge)")
    ordered_at: datetime
    updated_at: datetime
    version: int = 1

    @property
    def record_id(self) -> str:
        return self.badge_number

    def queue_position(self) -> tuple[str, str] | None:
        """The print queue the badge waits in, oldest order first; an ISSUED badge not yet reminded, the renewal queue by
        expiry date; none once the printer has answered for good."""
        if self.status is BadgeStatus.ISSUED and self.renewal_reminded_at is None:
            return RENEWAL_QUEUE, renewal_sort_key(self.expiry_date, self.badge_number)
        if self.batch_id is not None and self.status in (BadgeStatus.ORDERED, BadgeStatus.PROCESSED):
            queue = batch_queue_key(self.batch_id)
        elif self.status is BadgeStatus.ORDERED:
            queue = print_queue_key(self.batch_type)
        elif self.status is BadgeStatus.REJECT:
            queue = REJECTED_QUEUE
        else:
            return None
        return queue, f"{self.ordered_at.astimezone(UTC).isoformat()}#{self.badge_number}"

    def plain_attributes(self) -> dict[str, str]:
        return {"status": self.status.value}

    def moved_to(self, status: BadgeStatus, now: datetime, today: date, reason: str | None = None, **fields) -> Badge:
        """The badge in its new status: the status machine, the expiry and the reason rules all apply; a badge a
        print batch has taken goes nowhere but to the printer until the printer has answered."""
        target = badge_transition(self.status, status, expiry=self.expiry_date, today=today)
        if self.status is BadgeStatus.ORDERED and self.batch_id is not None and target is not BadgeStatus.PROCESSED:
            raise BadgeTransitionError("status", f"the badge is in print batch {self.batch_id}, being sent to the printer: "
                                                 f"it can become {target.value} once the printer has answered")
        checked = end_reason(target, reason)
        return self.model_copy(update=fields | {
            "status": target, "status_reason": checked.value if checked else None,
            "updated_at": now, "version": self.version + 1,
        })
