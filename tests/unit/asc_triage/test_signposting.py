"""Signposting: which community services a person is offered, and a hub's bookable slots."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from shared.services.asc_triage.domain.questions import ADULT_OUTCOME_IDS, CARER_OUTCOME_IDS
from shared.services.asc_triage.domain.signposting import (
    OUTCOMES,
    CommunityDirectory,
    DirectoryEntry,
    Hub,
    hub_slot_starts,
    postcode_district,
    signposts_for,
)


def entry(entry_id: str, helps_with: list[str], area: str | list[str] = "ALL") -> DirectoryEntry:
    return DirectoryEntry(id=entry_id, organisation=f"{entry_id} trust", helps_with=helps_with,
                          description="Help at home.", phone="0191 123 4567", area=area)


def hub(**changes) -> Hub:
    return Hub.model_validate({
        "id": "civic-centre", "name": "Civic Centre hub", "address": "1 Market Street\nNewcastle", "postcode": "ne1 4xf",
        "opening_hours": {"MON": [("09:00", "12:00"), ("13:00", "15:00")], "SAT": [("10:00", "11:00")]},
        "slot_minutes": 45, "slots_per_time": 2,
    } | changes)


DIRECTORY = CommunityDirectory(entries=(
    entry("meals", ["nutrition"]),
    entry("advice", ["general"]),
    entry("home-help", ["nutrition", "habitable_home", "home_safety"], ["NE1", "NE2"]),
    entry("carers-centre", ["carer_support"]),
    entry("lunch-club", ["nutrition", "community_facilities"], ["NE10"]),
    entry("local-meals", ["nutrition"], ["NE1"]),
))


def test_more_matched_outcomes_first_then_local_then_the_councils_order():
    found = signposts_for(DIRECTORY, ["nutrition", "home_safety"], "NE1 4XF")
    assert [one.id for one in found] == ["home-help", "local-meals", "meals", "advice"]


def test_area_is_the_postcode_district_exactly():
    assert [one.id for one in signposts_for(DIRECTORY, ["nutrition"], "ne10 0aa")] == ["lunch-club", "meals", "advice"]


def test_a_postcode_that_cannot_be_read_matches_whole_area_entries_only():
    assert [one.id for one in signposts_for(DIRECTORY, ["nutrition"], "not a postcode")] == ["meals", "advice"]
    assert [one.id for one in signposts_for(DIRECTORY, ["carer_support"], None)] == ["carers-centre", "advice"]


def test_every_outcome_the_questions_ask_about_can_be_signposted():
    assert set(ADULT_OUTCOME_IDS) | set(CARER_OUTCOME_IDS) <= set(OUTCOMES)


def test_unknown_outcome_ids_are_refused():
    with pytest.raises(ValueError, match="unknown outcome ids: cooking"):
        signposts_for(DIRECTORY, ["cooking"], "NE1 4XF")


@pytest.mark.parametrize("postcode, district", [
    ("NE1 4XF", "NE1"), ("ne14xf", "NE1"), ("SW1A 1AA", "SW1A"), ("EH10 5AB", "EH10"), ("NE1", None), ("", None),
])
def test_postcode_district_is_the_outward_code(postcode, district):
    assert postcode_district(postcode) == district


def test_directory_entries_are_checked():
    assert entry("x", ["toilet_needs"], [" ne1 ", "sw1a"]).area == ("NE1", "SW1A")
    with pytest.raises(ValidationError, match="postcode district"):
        entry("x", ["toilet_needs"], ["NE1 4XF"])
    with pytest.raises(ValidationError):
        entry("x", ["gardening"])
    with pytest.raises(ValidationError, match="phone number, an email address or a web address"):
        DirectoryEntry(id="x", organisation="X", helps_with=["general"], description="d", area="ALL")
    with pytest.raises(ValidationError, match="Extra inputs"):
        DirectoryEntry.model_validate(entry("x", ["general"]).model_dump() | {"rating": 5})
    with pytest.raises(ValidationError, match="unique: meals"):
        CommunityDirectory(entries=(entry("meals", ["nutrition"]), entry("meals", ["general"])))


def test_hub_opening_hours_must_run_forward_without_overlap():
    with pytest.raises(ValidationError, match="must run forward"):
        hub(opening_hours={"TUE": [("12:00", "09:00")]})
    with pytest.raises(ValidationError, match="must run forward"):
        hub(opening_hours={"TUE": [("09:00", "12:00"), ("11:00", "13:00")]})
    with pytest.raises(ValidationError):
        hub(opening_hours={"MONDAY": [("09:00", "12:00")]})
    assert hub().postcode == "NE1 4XF"


def test_a_directory_finds_its_hub_by_id():
    directory = CommunityDirectory(hubs=(hub(),))
    assert directory.hub("civic-centre") == hub() and directory.hub("town-hall") is None
    with pytest.raises(ValidationError, match="hub ids must be unique: civic-centre"):
        CommunityDirectory(hubs=(hub(), hub(name="Civic Centre annexe")))


def test_slots_fill_each_opening_window_in_london_time():
    # Monday 1 June 2026 (BST) and Saturday 6 June; a 45-minute slot that would run past a window's close is not offered.
    starts = hub_slot_starts(hub(), date(2026, 6, 1), date(2026, 6, 7), "ENG")
    assert starts == [datetime(2026, 6, 1, hour, minute, tzinfo=UTC) for hour, minute in
                      [(8, 0), (8, 45), (9, 30), (10, 15), (12, 0), (12, 45)]] + [datetime(2026, 6, 6, 9, tzinfo=UTC)]


def test_slots_skip_the_nations_bank_holidays():
    first, last = date(2026, 4, 6), date(2026, 4, 6)  # Easter Monday: a holiday in England, not in Scotland
    assert hub_slot_starts(hub(), first, last, "ENG") == []
    assert hub_slot_starts(hub(), first, last, "SCO")[0] == datetime(2026, 4, 6, 8, tzinfo=UTC)


def test_slot_range_is_bounded():
    assert hub_slot_starts(hub(), date(2026, 6, 2), date(2026, 6, 1), "ENG") == []
    with pytest.raises(ValueError, match="at most 366 days"):
        hub_slot_starts(hub(), date(2026, 1, 1), date(2028, 1, 1), "ENG")
