import copy
import json
from datetime import UTC, date, datetime

import pytest

from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import Stage
from shared.core.domain.council import COUNCILS_FILE, CouncilConfigError, RetentionSchedule, parse_councils
from shared.core.domain.retention import retain_until, years_later
from shared.services.blue_badge.domain.case import BadgeCase
from shared.services.blue_badge.domain.retention import BADGE_RETENTION
from tests.factories import complete_application
from shared.services.blue_badge.domain.settings import badge_settings, language_code

ENTRIES = json.loads(COUNCILS_FILE.read_text())


def with_change(position: int, field: str, value) -> list[dict]:
    entries = copy.deepcopy(ENTRIES)
    node = entries[position]
    *parents, leaf = field.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = value
    return entries


def test_shipped_councils_are_valid_and_at_least_two():
    registry = parse_councils(ENTRIES)
    assert len(registry) >= 2
    assert language_code(registry.get("VALEWYE")) == "EW"
    assert badge_settings(registry.get("NORTHSHIRE")).charges_fee


def test_a_third_council_is_one_more_entry():
    third = copy.deepcopy(ENTRIES[0]) | {"code": "EASTMOOR", "name": "Eastmoor Borough Council"}
    assert parse_councils([*ENTRIES, third]).codes[-1] == "EASTMOOR"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nation", "FRA", "field 'nation'"),
        ("services.blue-badge.badge_fee_pence", 1500, "exceeds the ENG maximum of 1000"),
        ("contact.email", "not-an-email", "field 'contact.email'"),
        ("services.blue-badge.collection_address.postcode", "ZZ", "field 'services.blue-badge.collection_address.postcode'"),
        ("services.blue-badge.kpi.days_to_decision", 0, "field 'services.blue-badge.kpi.days_to_decision'"),
        ("services.blue-badge.signpost_url", "nowhere", "field 'services.blue-badge.signpost_url'"),
        ("services.blue-badge.team", "nobody", "team 'nobody' is not one of the council's teams"),
        ("services.parking-fines", {}, "field 'services.parking-fines': no such service"),
        ("teams", [], "field 'teams'"),
    ],
)
def test_bad_entry_names_council_and_field(field, value, message):
    with pytest.raises(CouncilConfigError) as caught:
        parse_councils(with_change(0, field, value))
    assert "council 'NORTHSHIRE'" in str(caught.value)
    assert message in str(caught.value)


def test_missing_field_and_bad_code_are_named():
    entries = copy.deepcopy(ENTRIES)
    del entries[1]["services"]["blue-badge"]["kpi"]
    with pytest.raises(CouncilConfigError, match=r"council 'VALEWYE': field 'services.blue-badge.kpi': Field required"):
        parse_councils(entries)
    with pytest.raises(CouncilConfigError, match=r"council 'lower': field 'code'"):
        parse_councils(with_change(0, "code", "lower"))


def test_duplicate_codes_are_refused():
    with pytest.raises(CouncilConfigError, match="appears more than once"):
        parse_councils([ENTRIES[0], ENTRIES[0]])


def test_welsh_councils_cannot_charge():
    with pytest.raises(CouncilConfigError, match="exceeds the WLS maximum of 0"):
        parse_councils(with_change(1, "services.blue-badge.badge_fee_pence", 500))


def test_the_reminder_comes_before_the_information_deadline():
    assert parse_councils(ENTRIES).get("NORTHSHIRE").information_reminder_days == 7  # the default
    entries = with_change(1, "information_reminder_days", 15)  # Vale of Wye waits 15 working days
    with pytest.raises(CouncilConfigError, match=r"council 'VALEWYE': .*information_reminder_days 15 must be smaller than information_request_days 15"):
        parse_councils(entries)
    with pytest.raises(CouncilConfigError, match=r"council 'NORTHSHIRE': field 'information_reminder_days'"):
        parse_councils(with_change(0, "information_reminder_days", 0))


# ---------------------------------------------------------------- retention schedule
def _entry_with_retention(**retention):
    entry = json.loads(COUNCILS_FILE.read_text(encoding="utf-8"))[0]
    return [entry | {"retention": retention}]


def test_the_retention_schedule_has_safe_defaults_when_left_out():
    entry = json.loads(COUNCILS_FILE.read_text(encoding="utf-8"))[0]
    entry.pop("retention")
    schedule = parse_councils([entry]).get(entry["code"]).retention
    assert (schedule.case_years, schedule.intake_file_days, schedule.export_days, schedule.erasure_request_days) == (2, 90, 1, 14)


@pytest.mark.parametrize(("retention", "field"), [
    ({"case_years": 0}, "retention.case_years"),
    ({"intake_file_days": 7}, "retention.intake_file_days"),  # a parked application needs its intake files until replayed
    ({"export_days": 30}, "retention.export_days"),
    ({"kept_forever": True}, "retention.kept_forever"),
])
def test_a_bad_retention_schedule_stops_synth_naming_the_field(retention, field):
    with pytest.raises(CouncilConfigError, match=f"field '{field}'"):
        parse_councils(_entry_with_retention(**retention))


def test_a_case_is_kept_for_the_period_after_it_closes():
    schedule = RetentionSchedule(case_years=2)
    case = BadgeCase.open(Application.model_validate(complete_application()), [], datetime(2024, 2, 29, tzinfo=UTC))
    assert retain_until(case, {}, BADGE_RETENTION, schedule) is None  # open
    assert retain_until(case.model_copy(update={"stage": Stage.WITHDRAWN}), {}, BADGE_RETENTION, schedule) == date(2026, 2, 28)
    refused = case.model_copy(update={"stage": Stage.REFUSED, "review_due": date(2024, 4, 1)})
    assert retain_until(refused, {}, BADGE_RETENTION, schedule) == date(2026, 4, 1)  # from when the refusal became final
    assert retain_until(refused.model_copy(update={"stage": Stage.REVIEW}), {}, BADGE_RETENTION, schedule) is None
    assert years_later(date(2028, 2, 29), -2) == date(2026, 2, 28)
