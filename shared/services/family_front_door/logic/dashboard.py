"""The Family Front Door dashboard's tables (its ServiceSpec.dashboard): contacts received in a period by agency and by
channel, their outcomes, the conversion of contacts to referrals, what is pending, and the time to outcome against each
level's response target. The figures are of the contacts received in the period (one Query per stage on the stage
index, whose sort key starts with the time received); each table is also a CSV download."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from shared.core.adapters.case_store import CaseStore
from shared.core.domain.business_hours import LONDON, business_hours_between
from shared.core.domain.council import CouncilConfig
from shared.core.domain.statistics import Cell, Period, Table, of_team, share
from shared.services.family_front_door.domain.case import (
    ACCEPTING_OUTCOMES,
    OPEN_STAGES,
    OUTCOME_NAMES,
    ContactCase,
    ContactOutcome,
    ContactStage,
)
from shared.services.family_front_door.domain.settings import front_door_settings
from shared.services.family_front_door.domain.submission import Channel, SubmissionKind

CHANNEL_NAMES = {Channel.PORTAL: "Partner portal", Channel.PHONE: "Phone", Channel.EMAIL: "Email"}
KIND_NAMES = {SubmissionKind.CAUSE_FOR_CONCERN: "Cause for concern", SubmissionKind.INFORMATION_REQUEST: "Request for information"}
STATUS_NAMES = {ContactStage.RECEIVED: "Received", ContactStage.SCREENING: "Waiting for screening",
                ContactStage.AWAITING_INFORMATION: "Waiting for the partner", ContactStage.ACCEPTED: "Accepted",
                ContactStage.CLOSED: "Closed"}
# Domain notes: partners get "the outcome by email within 24 hours", and the team reports time to decision against that
# target, whatever the level's own (counted, as the levels are, in business hours from receipt).
OUTCOME_TARGET_HOURS = 24
# What an open contact waits for (RECEIVED lasts the moment before its workflow's first step: counted with screening).
PENDING_ACTIONS = {"Waiting for the team's decision": (ContactStage.RECEIVED, ContactStage.SCREENING),
                   "Waiting for the partner's answer": (ContactStage.AWAITING_INFORMATION,)}


def contacts_received(store: CaseStore, period: Period, team: str | None) -> list[ContactCase]:
    since = datetime.combine(period.first, time(), tzinfo=UTC)
    before = datetime.combine(period.last + timedelta(days=1), time(), tzinfo=UTC)
    found = [case for stage in ContactStage for case in store.received_at_stage(stage, since, before)]
    return [case for case in of_team(found, team) if isinstance(case, ContactCase)]


def front_door_tables(contacts: list[ContactCase], council: CouncilConfig, now: datetime) -> dict[str, Table]:
    received = len(contacts)
    decided = [case for case in contacts if case.is_closed and case.outcome is not None]
    accepted = [case for case in decided if case.outcome.outcome in ACCEPTING_OUTCOMES]
    pending = [case for case in contacts if not case.is_closed]
    overdue = [case for case in pending if case.response_due < now]
    within = [case for case in decided if case.outcome.at <= case.response_due]
    within_day = [case for case in decided
                  if business_hours_between(case.received_at, case.outcome.at, council.nation.value) <= OUTCOME_TARGET_HOURS]
    by_agency = Counter(case.application.submitter.agency_name for case in contacts)
    by_channel = Counter(case.application.channel for case in contacts)
    by_outcome = Counter(case.outcome.outcome for case in decided)
    settings = front_door_settings(council)

    def level_row(key: str, name: str, hours: float) -> tuple[Cell, ...]:
        of_level = [case for case in decided if case.level == key]
        on_time = sum(1 for case in of_level if case.outcome.at <= case.response_due)
        return (f"{name} ({hours:g} business hours)", len(of_level), on_time, share(on_time, len(of_level)))

    return {
        "key-figures": Table("key-figures", "At a glance", "Contacts received in the period",
                             ("Figure", "Number", "Out of", "Per cent"), [
                                 ("Contacts received", received, None, None),
                                 ("Outcome recorded", len(decided), received, share(len(decided), received)),
                                 ("Accepted (referred to children's social care or early help)", len(accepted), len(decided),
                                  share(len(accepted), len(decided))),
                                 ("Not accepted (information and advice, or no further action)", len(decided) - len(accepted),
                                  len(decided), share(len(decided) - len(accepted), len(decided))),
                                 ("Converted to a referral to children's social care", by_outcome[ContactOutcome.REFER_TO_CSC],
                                  len(decided), share(by_outcome[ContactOutcome.REFER_TO_CSC], len(decided))),
                                 ("Outcome within the response target", len(within), len(decided), share(len(within), len(decided))),
                                 (f"Outcome within {OUTCOME_TARGET_HOURS} business hours of receipt", len(within_day), len(decided),
                                  share(len(within_day), len(decided))),
                                 ("Pending (no outcome yet)", len(pending), received, share(len(pending), received)),
                                 ("Pending and past the response target", len(overdue), len(pending), share(len(overdue), len(pending))),
                             ]),
        "agencies": Table("agencies", "Contacts by agency", "Contacts received in the period, by the sender's agency",
                          ("Agency", "Contacts", "Share"),
                          [(agency, count, share(count, received)) for agency, count in by_agency.most_common()],
                          when_empty="No contacts were received in this period."),
        "channels": Table("channels", "Contacts by channel", "Contacts received in the period, by how they arrived",
                          ("Channel", "Contacts", "Share"),
                          [(CHANNEL_NAMES[channel], by_channel[channel], share(by_channel[channel], received)) for channel in Channel]),
        "outcomes": Table("outcomes", "Outcomes", "Outcomes of the contacts received in the period (conversion to referrals)",
                          ("Outcome", "Contacts", "Share of outcomes"),
                          [(OUTCOME_NAMES[outcome], by_outcome[outcome], share(by_outcome[outcome], len(decided)))
                           for outcome in ContactOutcome]),
        "response-times": Table("response-times", "Time to outcome against the target",
                                "Outcomes recorded, by level of need, within its response target from receipt",
                                ("Level of need", "Outcomes", "Within target", "Within target (%)"),
                                [level_row(level.key, level.name, level.response_hours) for level in settings.levels]),
    }


def pending_actions(open_contacts: list[ContactCase], now: datetime) -> Table:
    """What waits now, however long ago it arrived: by what it waits for, how many are past their response target, and
    how many have no screening officer yet."""
    rows: list[tuple[Cell, ...]] = []
    for label, stages in PENDING_ACTIONS.items():
        waiting = [case for case in open_contacts if case.stage in stages]
        overdue = sum(1 for case in waiting if case.response_due < now)
        rows.append((label, len(waiting), overdue, share(overdue, len(waiting)),
                     sum(1 for case in waiting if case.screening_officer is None)))
    return Table("pending", "Pending actions now", "Open contacts at this moment, whenever they were received",
                 ("Waiting for", "Contacts", "Past the response target", "Past the target (%)", "No screening officer yet"), rows)


def contact_list(contacts: list[ContactCase], council: CouncilConfig) -> Table:
    """Each contact of the period, newest first: the drill-down (the dashboard page links each reference to its contact)."""
    settings = front_door_settings(council)

    def row(case: ContactCase) -> tuple[Cell, ...]:
        outcome = case.outcome
        hours = business_hours_between(case.received_at, outcome.at, council.nation.value) if outcome else None
        level = settings.level(case.level)
        return (case.case_id, f"{case.received_at.astimezone(LONDON):%Y-%m-%d %H:%M}", case.application.submitter.agency_name,
                CHANNEL_NAMES[case.application.channel], KIND_NAMES[case.kind], level.name if level else case.level,
                STATUS_NAMES[case.stage], OUTCOME_NAMES[outcome.outcome] if outcome else None,
                ("Yes" if outcome.at <= case.response_due else "No") if outcome else None,
                f"{hours:.1f}" if hours is not None else None)

    return Table("contacts", "Each contact", "Contacts received in the period, newest first",
                 ("Reference", "Received (UK time)", "Agency", "Channel", "Kind", "Level of need", "Status", "Outcome",
                  "Within target", "Business hours to outcome"),
                 [row(case) for case in sorted(contacts, key=lambda case: case.received_at, reverse=True)],
                 when_empty="No contacts were received in this period.", text_columns=9)


def front_door_dashboard_tables(store: CaseStore, council: CouncilConfig, period: Period, now: datetime,
                                team: str | None) -> dict[str, Table]:
    """The period's tables, and what is pending now: one more Query per open stage (every open contact, however old)."""
    contacts = contacts_received(store, period, team)
    open_now = [case for case in of_team([case for stage in OPEN_STAGES for case in store.received_at_stage(stage, None, now)], team)
                if isinstance(case, ContactCase)]
    return front_door_tables(contacts, council, now) | {"pending": pending_actions(open_now, now),
                                                        "contacts": contact_list(contacts, council)}
