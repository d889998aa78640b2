"""A council admin's settings over the deployment entry: the overlay, its validation by the deployment's own models (a
bad value names its field), what is stored (only what differs), and the one read every council read goes through."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.core.domain.council import CouncilRegistry, CouncilSettingsInvalid, load_councils
from shared.core.domain.council_settings import changed_from, editable_values, overlay
from shared.core.logic.council_admin import AdminRefused, LiveCouncils, chosen_access, save_settings
from shared.core.logic.tenancy import Caller
from shared.resources import Role
from shared.services.blue_badge.domain.settings import badge_settings
from shared.services.registry import SERVICES

DEPLOYED = load_councils()
NORTHSHIRE = DEPLOYED.get("NORTHSHIRE")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def problems(changes: dict) -> list[tuple[str, str]]:
    with pytest.raises(CouncilSettingsInvalid) as refused:
        overlay(NORTHSHIRE, changes, SERVICES)
    return refused.value.problems


def test_the_overlay_changes_only_what_it_names():
    now = overlay(NORTHSHIRE, {"information_request_days": 21, "services": {"blue-badge": {"badge_fee_pence": 500,
                                                                                          "kpi": {"days_to_decision": 20, "days_to_decision_automatic": 3}}}}, SERVICES)
    assert (now.information_request_days, badge_settings(now).badge_fee_pence, badge_settings(now).kpi.days_to_decision) == (21, 500, 20)
    unchanged = {"code", "name", "nation", "teams", "retention", "contact"}
    assert {key: getattr(now, key) for key in unchanged} == {key: getattr(NORTHSHIRE, key) for key in unchanged}
    assert badge_settings(now).team == badge_settings(NORTHSHIRE).team and badge_settings(now).national == badge_settings(NORTHSHIRE).national
    assert now.settings_for("asc-triage") == NORTHSHIRE.settings_for("asc-triage")


@pytest.mark.parametrize("code", DEPLOYED.codes)
def test_every_deployed_council_comes_through_the_overlay_unchanged(code):
    """The overlay re-validates the deployment entry from its JSON form: every field must survive that as it was."""
    council = DEPLOYED.get(code)
    assert overlay(council, {"information_reminder_days": council.information_reminder_days}, SERVICES) == council


def test_no_changes_is_the_deployment_entry_itself():
    assert overlay(NORTHSHIRE, {}, SERVICES) is NORTHSHIRE


@pytest.mark.parametrize(("changes", "expected"), [
    ({"services": {"blue-badge": {"badge_fee_pence": 1500}}},
     [("services.blue-badge.badge_fee_pence", "Value error, badge_fee_pence 1500 exceeds the ENG maximum of 1000")]),
    ({"services": {"blue-badge": {"badge_fee_pence": -1}}},
     [("services.blue-badge.badge_fee_pence", "Input should be greater than or equal to 0")]),
    ({"contact": {"phone": "none", "email": "a@b.example", "web": "https://b.example"}},
     [("contact.phone", "String should match pattern '^\\+?[0-9 ]{10,16}$'")]),
    ({"services": {"blue-badge": {"kpi": {"days_to_decision": 0, "days_to_decision_automatic": 5}}}},
     [("services.blue-badge.kpi.days_to_decision", "Input should be greater than 0")]),
    ({"services": {"blue-badge": {"refusal_reasons": ["ok reason", ""]}}},
     [("services.blue-badge.refusal_reasons.1", "String should have at least 1 character")]),
])
def test_a_bad_value_is_refused_naming_its_field(changes, expected):
    assert problems(changes) == expected


def test_a_number_outside_the_deployments_range_names_its_field():
    [(field, message)] = problems({"information_request_days": 1})
    assert field == "information_request_days" and message.startswith("Input should be greater than or equal to")


def test_the_rule_across_two_fields_is_the_deployments_own():
    [(field, message)] = problems({"information_reminder_days": 25})
    assert message == f"Value error, information_reminder_days 25 must be smaller than information_request_days {NORTHSHIRE.information_request_days}"


def test_email_wording_is_checked_against_the_services_catalogue():
    assert problems({"services": {"blue-badge": {"email_templates": {"RECEIVED": {"subject": "Hi", "body": "Dear $who"}}}}}) == [
        ("services.blue-badge.email_templates.RECEIVED.body", "unknown placeholder $who (the placeholders are "
         + ", ".join("$" + name for name in SERVICES.get("blue-badge").emails.placeholders) + ")")]
    assert problems({"services": {"blue-badge": {"email_templates": {"NOT_A_KIND": {"subject": "Hi", "body": "Hello"}}}}})[0][0] == \
        "services.blue-badge.email_templates.NOT_A_KIND"


@pytest.mark.parametrize(("changes", "field"), [
    ({"code": "ELSEWHERE"}, "code"),
    ({"teams": []}, "teams"),
    ({"services": {"blue-badge": {"team": "asc-front-door"}}}, "services.blue-badge.team"),
    ({"services": {"blue-badge": {"national": None}}}, "services.blue-badge.national"),
])
def test_what_the_deployment_decides_cannot_be_changed(changes, field):
    assert problems(changes) == [(field, "is not a setting a council admin may change")]


def test_a_service_the_council_does_not_run_cannot_be_set():
    not_run = next(spec.key for spec in SERVICES if not NORTHSHIRE.runs(spec.key)) if any(not NORTHSHIRE.runs(spec.key) for spec in SERVICES) else "no-such-service"
    assert problems({"services": {not_run: {"email_templates": {}}}}) == [(f"services.{not_run}", "Northshire County Council does not run this service")]


def test_only_values_that_differ_from_the_deployment_are_stored():
    values = editable_values(NORTHSHIRE)
    assert changed_from(NORTHSHIRE, values) == {}
    values["information_reminder_days"] = 6
    values["services"]["blue-badge"]["badge_fee_pence"] = 800
    assert changed_from(NORTHSHIRE, values) == {"information_reminder_days": 6, "services": {"blue-badge": {"badge_fee_pence": 800}}}


class Records:
    """The council's stored settings, in memory."""

    def __init__(self) -> None:
        self.saved: list[dict] = []

    def save_settings(self, changes, expected_version, by, now, before, after):
        self.saved.append({"changes": changes, "expected_version": expected_version, "by": by, "before": before, "after": after})


ADMIN = Caller(user="admin@northshire.example", council_code="NORTHSHIRE", roles=frozenset({Role.COUNCIL_ADMIN}))


def test_saving_settings_audits_each_changed_value_before_and_after():
    records = Records()
    save_settings(records, NORTHSHIRE, NORTHSHIRE, {"services": {"blue-badge": {"badge_fee_pence": 600}}}, 0, ADMIN, NOW, SERVICES)
    [saved] = records.saved
    assert saved["changes"] == {"services": {"blue-badge": {"badge_fee_pence": 600}}} and saved["by"] == "user:admin@northshire.example"
    assert (saved["before"], saved["after"]) == ({"services.blue-badge.badge_fee_pence": 1000}, {"services.blue-badge.badge_fee_pence": 600})


def test_a_refused_value_is_never_stored():
    records = Records()
    with pytest.raises(CouncilSettingsInvalid):
        save_settings(records, NORTHSHIRE, NORTHSHIRE, {"services": {"blue-badge": {"badge_fee_pence": 5000}}}, 0, ADMIN, NOW, SERVICES)
    assert records.saved == []


@pytest.mark.parametrize("caller", [
    Caller(user="x@valewye.example", council_code="VALEWYE", roles=frozenset({Role.COUNCIL_ADMIN})),
    Caller(user="x@northshire.example", council_code="NORTHSHIRE", roles=frozenset({Role.TEAM_LEADER})),
    Caller(user="national@example", council_code=None, roles=frozenset(), national_admin=True),
])
def test_only_the_councils_own_admin_saves_its_settings(caller):
    with pytest.raises(PermissionError):
        save_settings(Records(), NORTHSHIRE, NORTHSHIRE, {"information_request_days": 20}, 0, caller, NOW, SERVICES)


def test_every_read_of_a_council_goes_through_the_one_read_and_nothing_is_kept_between_reads():
    reads: list[str] = []
    fees = iter([700, 400, 300])

    def now(council):
        reads.append(council.code)
        if council.code != "NORTHSHIRE":
            return council
        return overlay(council, {"services": {"blue-badge": {"badge_fee_pence": next(fees)}}}, SERVICES)

    live = LiveCouncils(DEPLOYED, now)
    assert badge_settings(live.get("NORTHSHIRE")).badge_fee_pence == 700
    assert badge_settings(live.get("NORTHSHIRE")).badge_fee_pence == 400  # read again: the change is seen at once
    assert live.get("NOWHERE") is None and live.deployed("NORTHSHIRE") is NORTHSHIRE
    assert [council.code for council in live] == DEPLOYED.codes  # which councils exist: the deployment's
    assert reads == ["NORTHSHIRE", "NORTHSHIRE", *DEPLOYED.codes] and len(live) == len(DEPLOYED)
    assert isinstance(live, CouncilRegistry)


@pytest.mark.parametrize(("roles", "teams", "field", "message"), [
    ([], [], "roles", "Select at least one role (to stop someone signing in, disable their account)"),
    (["national-admin"], [], "roles", "'national-admin' is not a role here"),
    (["VALEWYE--caseworker"], [], "roles", "'VALEWYE--caseworker' is not a role here"),
    (["caseworker"], ["VALEWYE--team--blue-badge"], "teams", "'VALEWYE--team--blue-badge' is not one of Northshire County Council's teams"),
])
def test_only_the_councils_own_roles_and_teams_can_be_given(roles, teams, field, message):
    with pytest.raises(AdminRefused) as refused:
        chosen_access(NORTHSHIRE, roles, teams)
    assert refused.value.field == field and refused.value.message.startswith(message)


def test_the_councils_roles_and_teams_are_given():
    assert chosen_access(NORTHSHIRE, ["caseworker", "council-admin"], ["blue-badge"]) == (
        frozenset({Role.CASEWORKER, Role.COUNCIL_ADMIN}), frozenset({"blue-badge"}))


def test_an_invocation_reads_each_councils_settings_once_and_the_next_invocation_reads_again(monkeypatch):
    import shared.bootstrap as bootstrap

    reads: list[str] = []
    monkeypatch.setattr(bootstrap, "_overlaid", lambda council: reads.append(council.code) or council)

    @bootstrap.one_invocation
    def handler(event, context):
        return [bootstrap.council_now(NORTHSHIRE), bootstrap.council_now(NORTHSHIRE), bootstrap.council_now(DEPLOYED.get("VALEWYE"))]

    handler({}, None)
    assert reads == ["NORTHSHIRE", "VALEWYE"]
    handler({}, None)  # a new invocation: read again
    assert reads == ["NORTHSHIRE", "VALEWYE", "NORTHSHIRE", "VALEWYE"]
    bootstrap.council_now(NORTHSHIRE)
    bootstrap.council_now(NORTHSHIRE)  # outside an invocation: every read goes to the table
    assert reads[4:] == ["NORTHSHIRE", "NORTHSHIRE"]
