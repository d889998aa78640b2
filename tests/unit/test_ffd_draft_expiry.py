"""How long a partner's draft is kept: DRAFT_LIFETIME after it was last saved, never past DRAFT_MAX_AGE after it was
started; the lifecycle rule's age for a draft's files is always past the draft's end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.services.family_front_door.domain.drafts import (
    DRAFT_FILES_EXPIRE_AFTER,
    DRAFT_LIFETIME,
    DRAFT_MAX_AGE,
    Draft,
)
from shared.services.family_front_door.domain.submission import CauseForConcern

STARTED = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _draft(saved_after: timedelta) -> Draft:
    return Draft(draft_id="NORTHSHIRE-260105-AAAAAA", council_code="NORTHSHIRE", user_id="sub-1", form=CauseForConcern(),
                 created_at=STARTED, saved_at=STARTED + saved_after)


def test_a_draft_is_kept_its_lifetime_after_the_last_save():
    assert _draft(timedelta(days=10)).expires_at() == STARTED + timedelta(days=10) + DRAFT_LIFETIME


def test_a_draft_saved_again_and_again_still_ends_at_its_maximum_age():
    assert _draft(DRAFT_MAX_AGE - timedelta(days=1)).expires_at() == STARTED + DRAFT_MAX_AGE


def test_a_drafts_files_outlive_it_so_the_lifecycle_rule_never_takes_a_live_drafts_file():
    # A file is uploaded after its draft was started, so its age when the draft ends is at most DRAFT_MAX_AGE.
    assert DRAFT_FILES_EXPIRE_AFTER > DRAFT_MAX_AGE >= DRAFT_LIFETIME
