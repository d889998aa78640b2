"""Queue rows: what the work-queue indexes hold of a case (shared.core.domain.queue_row). Each service's row must carry
what its queues show and filter on, since those indexes project nothing else (shared.resources.QUEUE_ROW_PROJECTION)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.core.adapters.case_store import CaseStore
from shared.resources import FILTER_INDEXES, QUEUE_ROW_ATTRIBUTE, QUEUE_ROW_PROJECTION, STAGE_INDEX, CASE_TABLE_LAYOUT
from shared.services.asc_triage.domain.queue_row import ReferralQueueRow
from shared.services.blue_badge.domain.application import Application
from shared.services.blue_badge.domain.case import BadgeCase
from shared.services.blue_badge.domain.queue_row import BadgeQueueRow
from shared.services.registry import SERVICES
from tests.factories import complete_application
from tests.unit.asc_triage.test_screening_rules import referral_case

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def badge_case() -> BadgeCase:
    return BadgeCase.open(Application.model_validate(complete_application(holder__forenames="Ada", holder__surname="Lovelace")), [], NOW)


def stored_item(case) -> dict:
    return CaseStore(client=None, table_name="t")._case_item(case)


def test_every_queue_filter_and_the_row_are_in_the_queue_indexes_projection():
    for case in (badge_case(), referral_case()):
        item = stored_item(case)
        filtered = {"service", "stage", "priority", "received_at", "team", *SERVICES.for_case(case).queue_filters(case)}
        assert filtered <= set(QUEUE_ROW_PROJECTION), filtered - set(QUEUE_ROW_PROJECTION)
        assert QUEUE_ROW_ATTRIBUTE in item and "body" not in QUEUE_ROW_PROJECTION
    assert STAGE_INDEX.projected is None  # the scheduled jobs read whole cases from the stage index
    assert all(index.projected == QUEUE_ROW_PROJECTION for index in CASE_TABLE_LAYOUT.indexes if index is not STAGE_INDEX)
    assert all(index in CASE_TABLE_LAYOUT.indexes for index in FILTER_INDEXES)


def test_a_badge_case_row_names_the_applicant_and_the_route_and_reads_back_typed():
    case = badge_case()
    row = SERVICES.for_case(case).queue_row.model_validate_json(stored_item(case)[QUEUE_ROW_ATTRIBUTE])
    assert isinstance(row, BadgeQueueRow)
    assert (row.case_id, row.name, row.stage, row.route, row.version) == (
        case.case_id, "Ada Lovelace", case.stage, case.application.eligibility.code, case.version)
    assert row.application_type is case.application.application_type and row.route.words


def test_a_referral_row_carries_the_referrer_and_the_recommendation():
    case = referral_case()
    row = SERVICES.for_case(case).queue_row.model_validate_json(stored_item(case)[QUEUE_ROW_ATTRIBUTE])
    assert isinstance(row, ReferralQueueRow)
    assert (row.referrer_kind, row.recommendation, row.is_closed) == (case.application.referrer.kind, case.recommendation.route, False)
    assert row.name == f"{case.application.adult.given_name} {case.application.adult.family_name}"


def test_a_row_is_far_smaller_than_the_case():
    item = stored_item(badge_case())
    assert len(item[QUEUE_ROW_ATTRIBUTE]) * 3 < len(item["body"])
