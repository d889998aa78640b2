"""Badge rules: start and expiry dates, replacement, delivery, statuses, printed reference, one badge per person."""

from datetime import date, timedelta
from itertools import product

import pytest
from pydantic import ValidationError

from shared.services.blue_badge.domain.application import (
    AUTOMATIC_ROUTES,
    BENEFIT_ROUTES,
    CHILD_ROUTES,
    CancelReason,
    EligibilityCode,
    Gender,
    ReplaceReason,
)
from shared.services.blue_badge.domain.badge import (
    BADGE_TRANSITIONS,
    RENEWAL_WINDOW,
    BadgeDates,
    BadgeRuleError,
    BadgeStatus,
    BadgeTransitionError,
    DeliverTo,
    DeliveryOption,
    DispatchMethodCode,
    ExistingBadge,
    FastTrackCode,
    PostageCode,
    PrintBatchType,
    SupplierCodes,
    age_on,
    anniversary,
    badge_dates,
    badge_transition,
    barcode_data,
    batch_type,
    conflicting_badges,
    end_reason,
    ensure_one_badge,
    is_expired,
    latest_expiry,
    printed_reference,
    replacement_dates,
    supplier_codes,
)

TODAY = date(2026, 3, 10)
ADULT = date(1958, 9, 14)
FURTHER_ASSESSMENT = [code for code in EligibilityCode if code not in AUTOMATIC_ROUTES | CHILD_ROUTES]


def refused(error: pytest.ExceptionInfo, field: str) -> str:
    """The error names the field, both as an attribute and in its message; returns the message."""
    assert error.value.field == field
    assert f"field '{field}'" in str(error.value)
    return str(error.value)


def dates(**overrides) -> BadgeDates:
    arguments = {"start": TODAY, "today": TODAY, "eligibility": EligibilityCode.BLIND, "date_of_birth": ADULT}
    return badge_dates(**(arguments | overrides))


# --- anniversaries, age and the 3-year limit --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 1, 15), 3, date(2029, 1, 15)),
        (date(2024, 2, 29), 3, date(2027, 3, 1)),  # leap day into a common year: 1 March
        (date(2024, 2, 29), 4, date(2028, 2, 29)),  # leap day into a leap year: itself
        (date(2025, 2, 28), 3, date(2028, 2, 28)),
    ],
)
def test_anniversary(day, years, expected):
    assert anniversary(day, years) == expected


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2020, 6, 10), date(2023, 6, 9), 2),
        (date(2020, 6, 10), date(2023, 6, 10), 3),
        (date(2020, 2, 29), date(2023, 2, 28), 2),  # a leap-day child turns 3 on 1 March
        (date(2020, 2, 29), date(2023, 3, 1), 3),
        (date(2020, 2, 29), date(2024, 2, 29), 4),
        (ADULT, TODAY, 67),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("start", "expiry"),
    [
        (date(2026, 1, 15), date(2029, 1, 14)),
        (date(2026, 12, 31), date(2029, 12, 30)),
        (date(2027, 1, 1), date(2029, 12, 31)),
        (date(2028, 2, 29), date(2031, 2, 28)),  # leap-day start keeps the whole of February
        (date(2027, 3, 1), date(2030, 2, 28)),
        (date(2025, 3, 1), date(2028, 2, 29)),  # ends on a leap day
        (date(2026, 2, 28), date(2029, 2, 27)),
    ],
)
def test_a_badge_lasts_until_the_day_before_its_third_anniversary(start, expiry):
    assert latest_expiry(start) == expiry
    assert dates(start=start, today=start, eligibility=None, date_of_birth=None).expiry_date == expiry


def test_the_three_year_limit_is_exactly_three_years_for_every_start_day():
    start = date(2024, 1, 1)
    while start < date(2029, 1, 1):
        expiry = latest_expiry(start)
        assert expiry + timedelta(days=1) == anniversary(start, 3)
        assert (expiry - start).days in (1094, 1095)
        start += timedelta(days=1)


# --- start date ----------------------------------------------------------------------------------


def test_a_badge_may_start_today_or_later():
    assert dates().start_date == TODAY
    assert dates(start=TODAY + timedelta(days=30)).start_date == TODAY + timedelta(days=30)


def test_a_badge_cannot_start_in_the_past():
    with pytest.raises(BadgeRuleError) as error:
        dates(start=TODAY - timedelta(days=1))
    assert refused(error, "start_date").endswith("Start date must be today or in the future")


def test_the_holder_must_be_born_by_the_start_date():
    with pytest.raises(BadgeRuleError) as error:
        dates(date_of_birth=TODAY + timedelta(days=1))
    refused(error, "date_of_birth")


def test_an_unknown_eligibility_code_is_refused():
    with pytest.raises(BadgeRuleError) as error:
        dates(eligibility="NOPE")
    refused(error, "eligibility")


def test_eligibility_may_be_given_as_its_code():
    assert dates(eligibility="BLIND") == dates(eligibility=EligibilityCode.BLIND)


# --- awards --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(BENEFIT_ROUTES))
def test_the_badge_ends_with_an_award_ending_within_three_years(code):
    award_end = TODAY + timedelta(days=400)
    assert dates(eligibility=code, award_end=award_end).expiry_date == award_end


@pytest.mark.parametrize("code", sorted(BENEFIT_ROUTES))
def test_an_award_ending_after_three_years_does_not_lengthen_the_badge(code):
    assert dates(eligibility=code, award_end=date(2035, 1, 1)).expiry_date == latest_expiry(TODAY)


@pytest.mark.parametrize("code", sorted(BENEFIT_ROUTES))
def test_an_award_ending_on_the_start_date_gives_a_one_day_badge(code):
    assert dates(eligibility=code, award_end=TODAY) == BadgeDates(start_date=TODAY, expiry_date=TODAY)


@pytest.mark.parametrize("code", sorted(BENEFIT_ROUTES))
def test_an_award_that_ended_before_the_start_is_refused(code):
    with pytest.raises(BadgeRuleError) as error:
        dates(eligibility=code, start=TODAY + timedelta(days=10), award_end=TODAY + timedelta(days=9))
    assert "before the badge start date" in refused(error, "award_end")


@pytest.mark.parametrize("code", sorted(BENEFIT_ROUTES))
def test_an_indefinite_award_leaves_the_three_year_limit(code):
    assert dates(eligibility=code, award_indefinite=True).expiry_date == latest_expiry(TODAY)


@pytest.mark.parametrize("code", [EligibilityCode.PIP, EligibilityCode.DLA, EligibilityCode.WPMS])
def test_a_dated_award_route_needs_the_award_end(code):
    with pytest.raises(BadgeRuleError) as error:
        dates(eligibility=code)
    assert "indefinite" in refused(error, "award_end")


def test_an_afcs_award_without_an_end_date_does_not_shorten_the_badge():
    assert dates(eligibility=EligibilityCode.AFRFCS).expiry_date == latest_expiry(TODAY)


def test_an_end_date_on_an_indefinite_award_is_refused():
    with pytest.raises(BadgeRuleError) as error:
        dates(eligibility=EligibilityCode.PIP, award_end=TODAY + timedelta(days=100), award_indefinite=True)
    assert "indefinite" in refused(error, "award_end")


@pytest.mark.parametrize("code", [EligibilityCode.BLIND, *FURTHER_ASSESSMENT])
def test_award_dates_do_not_affect_routes_without_an_award(code):
    assert dates(eligibility=code, award_end=TODAY + timedelta(days=5)).expiry_date == latest_expiry(TODAY)


# --- ages: automatic routes and the under-3 routes ------------------------------------------------


@pytest.mark.parametrize("code", sorted(AUTOMATIC_ROUTES))
def test_automatic_routes_need_the_holder_aged_3_on_the_start_date(code):
    award = {"award_indefinite": True} if code in BENEFIT_ROUTES else {}
    born = date(2023, 3, 11)  # 3 on 11 March 2026, the day after TODAY
    with pytest.raises(BadgeRuleError) as error:
        dates(eligibility=code, date_of_birth=born, **award)
    assert "3 or over" in refused(error, "date_of_birth")
    assert dates(eligibility=code, date_of_birth=born, start=date(2026, 3, 11), **award).start_date == date(2026, 3, 11)


@pytest.mark.parametrize("code", sorted(AUTOMATIC_ROUTES | CHILD_ROUTES))
def test_routes_with_an_age_rule_need_the_date_of_birth(code):
    with pytest.raises(BadgeRuleError) as error:
        dates(eligibility=code, date_of_birth=None, award_indefinite=True)
    assert "is required" in refused(error, "date_of_birth")


def test_a_leap_day_child_is_still_2_on_28_february():
    born = date(2020, 2, 29)
    with pytest.raises(BadgeRuleError):
        dates(eligibility=EligibilityCode.BLIND, date_of_birth=born, start=date(2023, 2, 28), today=date(2023, 2, 28))
    assert dates(eligibility=EligibilityCode.BLIND, date_of_birth=born, start=date(2023, 3, 1), today=date(2023, 3, 1))


@pytest.mark.parametrize("code", sorted(CHILD_ROUTES))
def test_a_child_badge_ends_the_day_after_the_third_birthday(code):
    born = date(2025, 6, 10)
    assert dates(eligibility=code, date_of_birth=born).expiry_date == date(2028, 6, 11)


@pytest.mark.parametrize("code", sorted(CHILD_ROUTES))
def test_a_child_route_is_refused_from_the_third_birthday(code):
    born = date(2023, 3, 10)  # 3 today
    with pytest.raises(BadgeRuleError) as error:
        dates(eligibility=code, date_of_birth=born)
    assert "under 3" in refused(error, "date_of_birth")


@pytest.mark.parametrize("code", sorted(CHILD_ROUTES))
def test_a_child_turning_3_tomorrow_gets_a_two_day_badge(code):
    born = date(2023, 3, 11)
    assert dates(eligibility=code, date_of_birth=born) == BadgeDates(start_date=TODAY, expiry_date=date(2026, 3, 12))


def test_for_a_baby_the_three_year_limit_comes_before_the_day_after_the_third_birthday():
    born = TODAY - timedelta(days=1)
    assert dates(eligibility=EligibilityCode.CHILDBULK, date_of_birth=born).expiry_date == latest_expiry(TODAY)
    assert latest_expiry(TODAY) == anniversary(born, 3)


def test_a_leap_day_child_badge_ends_on_2_march():
    born = date(2024, 2, 29)  # turns 3 on 1 March 2027
    result = dates(eligibility=EligibilityCode.CHILDVEHIC, date_of_birth=born, start=date(2027, 2, 28), today=date(2027, 2, 28))
    assert result.expiry_date == date(2027, 3, 2)
    with pytest.raises(BadgeRuleError):
        dates(eligibility=EligibilityCode.CHILDVEHIC, date_of_birth=born, start=date(2027, 3, 1), today=date(2027, 3, 1))


@pytest.mark.parametrize("code", FURTHER_ASSESSMENT)
def test_further_assessment_routes_have_no_age_rule_here(code):
    assert dates(eligibility=code, date_of_birth=None).expiry_date == latest_expiry(TODAY)


def test_expiry_is_never_before_start_nor_beyond_three_years():
    births = [None, date(1950, 2, 28), date(2022, 1, 1), date(2024, 2, 29), date(2025, 12, 31)]
    award_ends = [None, TODAY, TODAY + timedelta(days=1), date(2027, 2, 28), date(2029, 3, 9), date(2040, 1, 1)]
    starts = [TODAY, TODAY + timedelta(days=1), date(2028, 2, 29)]
    outcomes = 0
    for code, born, award_end, indefinite, start in product(
        [None, *EligibilityCode], births, award_ends, [False, True], starts
    ):
        try:
            result = dates(eligibility=code, date_of_birth=born, award_end=award_end, award_indefinite=indefinite, start=start)
        except BadgeRuleError as error:
            assert f"field '{error.field}'" in str(error)
            continue
        outcomes += 1
        assert result.start_date == start
        assert start <= result.expiry_date <= latest_expiry(start)
        if award_end is not None and code in BENEFIT_ROUTES:
            assert result.expiry_date <= award_end
    assert outcomes > 100


def test_badge_dates_cannot_be_built_back_to_front():
    with pytest.raises(ValidationError, match="before start_date"):
        BadgeDates(start_date=TODAY, expiry_date=TODAY - timedelta(days=1))


# --- replacement ---------------------------------------------------------------------------------


@pytest.mark.parametrize("old_expiry", [TODAY, TODAY + timedelta(days=1), date(2028, 2, 29)])
def test_a_replacement_starts_today_and_keeps_the_old_expiry(old_expiry):
    assert replacement_dates(old_expiry, TODAY) == BadgeDates(start_date=TODAY, expiry_date=old_expiry)


def test_an_expired_badge_cannot_be_replaced():
    with pytest.raises(BadgeRuleError) as error:
        replacement_dates(TODAY - timedelta(days=1), TODAY)
    assert "renew" in refused(error, "old_expiry")


def test_replacement_keeps_the_expiry_of_any_new_badge():
    for code in (EligibilityCode.BLIND, EligibilityCode.WALKD):
        original = dates(eligibility=code)
        for days_later in range(0, 1095, 37):
            today = TODAY + timedelta(days=days_later)
            replacement = replacement_dates(original.expiry_date, today)
            assert replacement.start_date == today and replacement.expiry_date == original.expiry_date


# --- delivery --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deliver_to", "option", "batch", "dispatch", "fast_track", "postage"),
    [
        (DeliverTo.HOME, DeliveryOption.STANDARD, PrintBatchType.STANDARD, DispatchMethodCode.HOME, FastTrackCode.NO, PostageCode.STANDARD),
        (DeliverTo.HOME, DeliveryOption.FAST, PrintBatchType.FASTTRACK, DispatchMethodCode.HOME, FastTrackCode.YES, PostageCode.FAST),
        (DeliverTo.COUNCIL, DeliveryOption.STANDARD, PrintBatchType.LA, DispatchMethodCode.COUNCIL, FastTrackCode.NO, PostageCode.STANDARD),
    ],
)
def test_delivery_decides_the_batch_and_the_supplier_codes(deliver_to, option, batch, dispatch, fast_track, postage):
    assert batch_type(deliver_to, option) is batch
    assert batch_type(deliver_to.value, option.value) is batch
    codes = supplier_codes(deliver_to, option)
    assert codes == SupplierCodes(batch_type=batch, dispatch_method=dispatch, fast_track=fast_track, postage=postage)
    assert (codes.dispatch_method.value, codes.fast_track.value, codes.postage.value) in {
        ("M", "N", "SC"), ("M", "Y", "RD"), ("C", "N", "SC")
    }


def test_fast_delivery_to_the_council_is_refused():
    with pytest.raises(BadgeRuleError) as error:
        batch_type(DeliverTo.COUNCIL, DeliveryOption.FAST)
    assert "FAST" in refused(error, "delivery_option")
    with pytest.raises(BadgeRuleError):
        supplier_codes("COUNCIL", "FAST")


@pytest.mark.parametrize(
    ("deliver_to", "option", "field"), [("POST", "STANDARD", "deliver_to"), ("HOME", "SLOW", "delivery_option")]
)
def test_unknown_delivery_codes_are_refused(deliver_to, option, field):
    with pytest.raises(BadgeRuleError) as error:
        batch_type(deliver_to, option)
    refused(error, field)


def test_supplier_codes_are_frozen():
    with pytest.raises(ValidationError):
        supplier_codes("HOME", "FAST").postage = PostageCode.STANDARD


# --- statuses -------------------------------------------------------------------------------------

S = BadgeStatus
EXPECTED_MOVES = {
    (S.ORDERED, S.PROCESSED), (S.ORDERED, S.CANCELLED), (S.ORDERED, S.DELETED),
    (S.PROCESSED, S.ISSUED), (S.PROCESSED, S.REJECT), (S.PROCESSED, S.DELETED),
    (S.ISSUED, S.CANCELLED), (S.ISSUED, S.REPLACED), (S.ISSUED, S.DELETED),
    (S.REJECT, S.ORDERED), (S.REJECT, S.CANCELLED), (S.REJECT, S.DELETED),
    (S.CANCELLED, S.DELETED), (S.REPLACED, S.DELETED),
}  # fmt: skip


def test_the_transition_table_is_exactly_the_documented_one():
    assert set(BADGE_TRANSITIONS) == set(BadgeStatus)
    assert {(source, target) for source, targets in BADGE_TRANSITIONS.items() for target in targets} == EXPECTED_MOVES


@pytest.mark.parametrize(("current", "new"), sorted(product(BadgeStatus, BadgeStatus)))
def test_every_move_in_and_out_of_the_table(current, new):
    if (current, new) in EXPECTED_MOVES:
        assert badge_transition(current, new) is new
        assert badge_transition(current.value, new.value) is new
    else:
        with pytest.raises(BadgeTransitionError) as error:
            badge_transition(current, new)
        message = refused(error, "status")
        assert current.value in message and new.value in message


@pytest.mark.parametrize("current", [status for status in BadgeStatus if status is not BadgeStatus.DELETED])
def test_any_badge_but_a_deleted_one_can_be_soft_deleted(current):
    assert badge_transition(current, BadgeStatus.DELETED) is BadgeStatus.DELETED


def test_deleted_is_final():
    with pytest.raises(BadgeTransitionError) as error:
        badge_transition(BadgeStatus.DELETED, BadgeStatus.ORDERED)
    assert "final" in refused(error, "status")


def test_a_refused_move_lists_what_is_allowed():
    with pytest.raises(BadgeTransitionError) as error:
        badge_transition(BadgeStatus.ISSUED, BadgeStatus.ORDERED)
    assert "may become CANCELLED, DELETED, REPLACED" in refused(error, "status")


@pytest.mark.parametrize("new", [BadgeStatus.CANCELLED, BadgeStatus.REPLACED])
def test_an_expired_badge_cannot_be_cancelled_or_replaced(new):
    with pytest.raises(BadgeTransitionError) as error:
        badge_transition(BadgeStatus.ISSUED, new, expiry=TODAY - timedelta(days=1), today=TODAY)
    assert "expired" in refused(error, "expiry_date")
    assert badge_transition(BadgeStatus.ISSUED, new, expiry=TODAY, today=TODAY) is new


def test_an_expired_badge_can_still_be_deleted():
    assert badge_transition(BadgeStatus.ISSUED, BadgeStatus.DELETED, expiry=date(2020, 1, 1), today=TODAY) is BadgeStatus.DELETED


@pytest.mark.parametrize(("current", "new"), [("EXPIRED", "ISSUED"), ("ISSUED", "EXPIRED")])
def test_an_unknown_status_is_refused(current, new):
    with pytest.raises(BadgeRuleError) as error:
        badge_transition(current, new)
    refused(error, "status")


@pytest.mark.parametrize(
    ("expiry", "today", "expired"),
    [(TODAY, TODAY, False), (TODAY, TODAY + timedelta(days=1), True), (TODAY + timedelta(days=1), TODAY, False)],
)
def test_is_expired_counts_the_expiry_day_as_valid(expiry, today, expired):
    assert is_expired(expiry, today) is expired


@pytest.mark.parametrize("reason", list(CancelReason))
def test_a_cancellation_carries_a_cancel_reason(reason):
    assert end_reason(BadgeStatus.CANCELLED, reason.value) is reason


@pytest.mark.parametrize("reason", list(ReplaceReason))
def test_a_replacement_carries_a_replace_reason(reason):
    result = end_reason(BadgeStatus.REPLACED, reason.value)
    assert result is reason and isinstance(result, ReplaceReason)


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [
        (BadgeStatus.CANCELLED, None, "cancel_reason"),
        (BadgeStatus.CANCELLED, "STOLEN", "cancel_reason"),
        (BadgeStatus.REPLACED, None, "replace_reason"),
        (BadgeStatus.REPLACED, "REVOKE", "replace_reason"),  # a cancel reason, not a replace reason
        (BadgeStatus.ISSUED, "LOST", "reason"),
    ],
)
def test_a_missing_or_wrong_reason_is_refused(status, reason, field):
    with pytest.raises(BadgeRuleError) as error:
        end_reason(status, reason)
    refused(error, field)


def test_other_statuses_carry_no_reason():
    assert end_reason(BadgeStatus.ISSUED, None) is None


# --- printed reference and barcode --------------------------------------------------------------------

EXPIRY = date(2029, 1, 14)


@pytest.mark.parametrize(
    ("gender", "reference", "barcode"),
    [
        (Gender.MALE, "AB12CD 0 0958X0129", "58X0129"),
        (Gender.FEMALE, "AB12CD 0 0958Y0129", "58Y0129"),
        (Gender.UNSPECIFIED, "AB12CD 0 0958Z0129", "58Z0129"),
        (None, "AB12CD 0 0958Z0129", "58Z0129"),
        ("FEMALE", "AB12CD 0 0958Y0129", "58Y0129"),
    ],
)
def test_a_persons_reference_and_barcode(gender, reference, barcode):
    assert printed_reference("AB12CD", ADULT, gender, EXPIRY) == reference
    assert barcode_data(reference) == barcode


def test_an_organisations_reference_and_barcode():
    reference = printed_reference("AB12CD", None, None, EXPIRY)
    assert reference == "AB12CD 0 O0129"
    assert barcode_data(reference) == "O0129"


def test_barcodes_are_the_rightmost_characters_and_never_longer_than_7():
    number_dates = [(date(1900 + year, month, 1), date(2026 + year % 10, month, 28)) for year in range(0, 125, 7) for month in (1, 6, 12)]
    for born, expiry in number_dates:
        for gender in [*Gender, None]:
            for birth in (born, None):
                reference = printed_reference("KKJKKJ", birth, gender if birth else None, expiry)
                barcode = barcode_data(reference)
                assert reference.endswith(barcode) and len(barcode) <= 7
                assert barcode.endswith(f"{expiry:%m%y}")


@pytest.mark.parametrize(
    ("number", "born", "gender", "field"),
    [
        ("AB12CI", ADULT, Gender.MALE, "badge_number"),
        ("ab12cd", ADULT, Gender.MALE, "badge_number"),
        ("AB12CD", None, Gender.MALE, "date_of_birth"),
        ("AB12CD", ADULT, "OTHER", "gender"),
    ],
)
def test_a_reference_needs_a_valid_number_and_a_coherent_holder(number, born, gender, field):
    with pytest.raises(BadgeRuleError) as error:
        printed_reference(number, born, gender, EXPIRY)
    refused(error, field)


@pytest.mark.parametrize("reference", ["", "AB12CD", "AB12CD 0 1358X0129", "AB12CD 0 0958Q0129", "AB12CD 0 X0129", "AB12CD0958X0129"])
def test_barcode_data_refuses_what_printed_reference_would_not_make(reference):
    with pytest.raises(BadgeRuleError) as error:
        barcode_data(reference)
    refused(error, "printed_reference")


# --- one badge per person -------------------------------------------------------------------------------


def badge(number="AB12CD", status=BadgeStatus.ISSUED, expiry=TODAY + timedelta(days=700)) -> ExistingBadge:
    return ExistingBadge(badge_number=number, status=status, expiry_date=expiry)


def test_no_badges_no_conflict():
    assert conflicting_badges([], TODAY) == []
    ensure_one_badge([], TODAY)


@pytest.mark.parametrize("status", [BadgeStatus.ORDERED, BadgeStatus.PROCESSED, BadgeStatus.ISSUED])
def test_a_live_badge_blocks_a_new_one(status):
    existing = badge(status=status)
    assert conflicting_badges([existing], TODAY) == [existing]


@pytest.mark.parametrize("status", [BadgeStatus.REJECT, BadgeStatus.CANCELLED, BadgeStatus.REPLACED, BadgeStatus.DELETED])
def test_a_badge_that_is_not_live_does_not_block(status):
    assert conflicting_badges([badge(status=status)], TODAY) == []


def test_an_expired_badge_does_not_block():
    assert conflicting_badges([badge(expiry=TODAY - timedelta(days=1))], TODAY) == []


def test_a_badge_expiring_within_the_renewal_window_may_be_renewed():
    assert RENEWAL_WINDOW == timedelta(weeks=12)
    assert conflicting_badges([badge(expiry=TODAY + RENEWAL_WINDOW)], TODAY) == []
    last_day_blocking = badge(expiry=TODAY + RENEWAL_WINDOW + timedelta(days=1))
    assert conflicting_badges([last_day_blocking], TODAY) == [last_day_blocking]


def test_the_renewal_window_is_a_council_setting():
    existing = badge(expiry=TODAY + timedelta(weeks=10))
    assert conflicting_badges([existing], TODAY, renewal_window=timedelta(weeks=8)) == [existing]
    assert conflicting_badges([badge(expiry=TODAY + timedelta(days=1))], TODAY, renewal_window=timedelta(0)) != []
    with pytest.raises(BadgeRuleError) as error:
        conflicting_badges([], TODAY, renewal_window=timedelta(days=-1))
    refused(error, "renewal_window")


def test_the_badge_being_replaced_does_not_block_its_replacement():
    assert conflicting_badges([badge("AB12CD")], TODAY, replacing="AB12CD") == []
    other = badge("AB12CE")
    assert conflicting_badges([badge("AB12CD"), other], TODAY, replacing="AB12CD") == [other]


def test_every_blocking_badge_is_reported_in_the_order_given():
    first, second = badge("AB12CD", BadgeStatus.ISSUED), badge("AB12CE", BadgeStatus.ORDERED)
    history = [badge("000001", BadgeStatus.REPLACED), first, badge("000002", BadgeStatus.CANCELLED), second]
    assert conflicting_badges(history, TODAY) == [first, second]
    with pytest.raises(BadgeRuleError) as error:
        ensure_one_badge(history, TODAY)
    message = refused(error, "existing_badges")
    assert "AB12CD (ISSUED" in message and "AB12CE (ORDERED" in message and "84 days" in message


def test_existing_badges_need_a_valid_number_and_status():
    with pytest.raises(ValidationError):
        ExistingBadge(badge_number="AB12CI", status="ISSUED", expiry_date=TODAY)
    with pytest.raises(ValidationError):
        ExistingBadge(badge_number="AB12CD", status="EXPIRED", expiry_date=TODAY)


def test_a_badge_a_print_batch_has_taken_only_goes_to_the_printer():
    from datetime import UTC, datetime

    from shared.services.blue_badge.domain.badge import Badge, BadgeTransitionError, DeliverTo, DeliveryOption, PrintBatchType

    now = datetime(2026, 11, 23, tzinfo=UTC)
    badge = Badge(badge_number="AB12CD", council_code="NORTHSHIRE", case_id="NORTHSHIRE-261123-X", start_date=now.date(),
                  expiry_date=now.date() + timedelta(days=900), deliver_to=DeliverTo.HOME, delivery_option=DeliveryOption.STANDARD,
                  batch_type=PrintBatchType.STANDARD, ordered_at=now, updated_at=now, batch_id="20261124T003000Z-STANDARD")
    with pytest.raises(BadgeTransitionError, match="print batch 20261124T003000Z-STANDARD"):
        badge.moved_to(BadgeStatus.CANCELLED, now, now.date(), reason="REVOKE")
    assert badge.moved_to(BadgeStatus.PROCESSED, now, now.date()).status is BadgeStatus.PROCESSED
    unclaimed = badge.model_copy(update={"batch_id": None})
    assert unclaimed.moved_to(BadgeStatus.CANCELLED, now, now.date(), reason="REVOKE").status is BadgeStatus.CANCELLED
