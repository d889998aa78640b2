"""A portal draft's files as synthesised: the evidence bucket's lifecycle rule deletes files still tagged as a draft's
once their draft is sure to be gone (shared/services/family_front_door/domain/drafts.py states the rule; who may tag
them: tests/infra/test_tenant_isolation.py)."""

from __future__ import annotations

from shared.services.family_front_door.domain.drafts import DRAFT_FILE_TAG, DRAFT_FILES_EXPIRE_AFTER


def test_files_still_tagged_as_a_drafts_expire_after_the_draft_can_last(synthesised):
    [bucket] = [r for k, r in synthesised.resources("AWS::S3::Bucket").items() if "Evidence" in k]
    [rule] = [rule for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"] if rule.get("Id") == "portal-draft-files-expiry"]
    assert rule["TagFilters"] == [{"Key": DRAFT_FILE_TAG[0], "Value": DRAFT_FILE_TAG[1]}] and "Prefix" not in rule
    assert (rule["Status"], rule["ExpirationInDays"]) == ("Enabled", DRAFT_FILES_EXPIRE_AFTER.days)
