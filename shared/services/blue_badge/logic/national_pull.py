"""Pulling a council's applications from its national-style Applications API (domain/national.py) into cases.

Per run and council: every application submitted since the watermark (findApplications, page by page), each retrieved
(retrieveApplication) and, if it is this council's, its artifact files fetched into the application's intake folder,
then taken in as the bus's are (IntakeService.receive: a case, or parked naming the national field), and the national
service told INPROGRESS. Then the statuses owed (COMPLETED once decided: NationalStatusReport, written with the
decision) are sent. Only then does the watermark move.

Idempotent: a repeated pull finds each application's case (one case per application id) and parks an unusable record
once (its parked id is its digest). What may pass (the API down, slow or throttling) is retried by the client, then
raised: the run fails, the watermark stays, and Lambda's retries (then its dead-letter queue) take it from there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.evidence_files import EvidenceFiles
from shared.core.domain.council import CouncilConfig
from shared.core.domain.evidence import intake_evidence_prefix
from shared.core.domain.uploads import sniff, upload_problem
from shared.services.blue_badge.adapters.national_api import Artifact, NationalApiError, NationalApiUnavailable
from shared.services.blue_badge.adapters.pull_watermarks import PullWatermarks
from shared.services.blue_badge.domain.national import (
    NATIONAL_STATUS_QUEUE,
    PULL_SOURCE,
    ApplicationSummaryResponse,
    NationalStatus,
    NationalStatusReport,
    artifact_key,
)
from shared.services.blue_badge.domain.settings import NationalPull, badge_settings
from shared.services.blue_badge.logic.intake import IntakeService, IntakeStatus

logger = logging.getLogger(__name__)

# Each window reaches back this far behind the watermark: an application the national service records a little after
# its submission time is still found (the overlap is taken in again as a duplicate, which changes nothing).
WINDOW_OVERLAP = timedelta(minutes=15)
OWED_PER_RUN = 100  # statuses sent per run; the rest wait for the next


class NationalApi(Protocol):
    def find_applications(self, submitted_from: datetime, submitted_to: datetime, page: int) -> ApplicationSummaryResponse: ...
    def retrieve_application(self, application_id: str) -> dict[str, Any]: ...
    def update_status(self, application_id: str, status: NationalStatus) -> None: ...
    def fetch_artifact(self, link: str) -> Artifact: ...


@dataclass
class PullReport:
    council_code: str
    pulled_from: datetime
    pulled_to: datetime
    pages: int = 0
    created: list[str] = field(default_factory=list)  # case ids
    duplicates: int = 0
    parked: list[str] = field(default_factory=list)  # parked ids
    not_this_council: list[str] = field(default_factory=list)  # application ids the API offered for another council
    artifacts_not_fetched: list[str] = field(default_factory=list)  # "<application id> artifacts[i]: why"
    statuses_sent: int = 0


class NationalPuller:
    """One council's pull. `api` is signed in as the council; `files`, `store` and `watermarks` are its own (its scoped
    credentials), so nothing of another council is reached."""

    def __init__(self, council: CouncilConfig, pull: NationalPull, api: NationalApi, intake: IntakeService, store: CaseStore,
                 files: EvidenceFiles, watermarks: PullWatermarks, clock: Callable[[], datetime]) -> None:
        national = badge_settings(council).national
        if national is None:
            raise ValueError(f"{council.code} has no national settings (blue-badge `national`)")
        self._council, self._pull, self._api, self._intake = council, pull, api, intake
        self._local_authority_code = national.local_authority_code
        self._store, self._files, self._watermarks, self._clock = store, files, watermarks, clock

    @property
    def council_code(self) -> str:
        return self._council.code

    def run(self) -> PullReport:
        watermark = self._watermarks.get()
        start = (watermark - WINDOW_OVERLAP) if watermark else self._pull.pull_from.astimezone(UTC)
        end = self._clock().astimezone(UTC)
        report = PullReport(self._council.code, start, end)
        page = 1
        while True:
            answer = self._api.find_applications(start, end, page)
            report.pages += 1
            for summary in answer.data:
                self._take(summary.applicationId, report)
            pages = answer.pagingInfo.pages if answer.pagingInfo and answer.pagingInfo.pages is not None else page
            if not answer.data or page >= pages:
                break
            page += 1
        self._send_owed(report)
        self._watermarks.advance(end, len(report.created))
        return report

    def _take(self, application_id: str, report: PullReport) -> None:
        record = self._api.retrieve_application(application_id)
        named = record.get("localAuthorityCode")
        if named != self._local_authority_code:
            # Signed in as this council, the API should offer only its applications; one that names another council is
            # not this council's to take in (nor to tell the national service about).
            logger.warning("national API offered another council's application: not taken in",
                           extra={"council_code": self._council.code, "application_id": application_id})
            report.not_this_council.append(application_id)
            return
        missed = self._fetch_artifacts(application_id, record) if self._store.case_for_application(application_id) is None else []
        report.artifacts_not_fetched += [f"{application_id} {why}" for why in missed]
        note = f"national artifacts not fetched (their links are in the original): {'; '.join(missed)}" if missed else None
        outcome = self._intake.receive(record, source=f"{PULL_SOURCE}:{self._council.code}", note=note)
        if outcome.status is IntakeStatus.PARKED:
            report.parked.append(outcome.parked_id or "")
            return
        if outcome.status is IntakeStatus.CREATED:
            report.created.append(outcome.case_id or "")
        else:
            report.duplicates += 1
        if record.get("applicationStatus") in (None, NationalStatus.TODO.value):  # never back from COMPLETED
            self._api.update_status(application_id, NationalStatus.INPROGRESS)

    def _fetch_artifacts(self, application_id: str, record: dict[str, Any]) -> list[str]:
        """Each artifact's file into the application's intake folder (intake copies them into the case's own). One the
        national service refuses (e.g. 404), or that is not a PDF, JPG or PNG, is left out: the original keeps its link, and a document the
        application needs becomes a missing item, asked of the applicant. Returns why each one left out was."""
        missed = []
        artifacts = record.get("artifacts")
        prefix = intake_evidence_prefix(self._council.code, application_id)
        for index, artifact in enumerate(artifacts if isinstance(artifacts, list) else []):
            link = artifact.get("link") if isinstance(artifact, dict) else None
            if not isinstance(link, str):
                continue  # intake names the field when it reads the record
            try:
                fetched = self._api.fetch_artifact(link)
            except NationalApiUnavailable:
                raise  # may pass: the run fails before the case opens, and the next run fetches it again
            except NationalApiError as error:
                missed.append(f"artifacts[{index}]: {error}")
                continue
            found = sniff(fetched.body[:8])
            problem = upload_problem(len(fetched.body), found.value if found else fetched.content_type, fetched.body[:8])
            if found is None or problem is not None:
                missed.append(f"artifacts[{index}]: {problem.value if problem else 'wrong-type'}")
                continue
            self._files.write(artifact_key(prefix, index, found.extension), fetched.body, found.value)
        return missed

    def _send_owed(self, report: PullReport) -> None:
        owed, _ = self._store.record_queue(NationalStatusReport, NATIONAL_STATUS_QUEUE, limit=OWED_PER_RUN)
        for entry in owed:
            self._api.update_status(entry.application_id, entry.status)
            sent = entry.model_copy(update={"sent_at": self._clock(), "version": entry.version + 1})
            self._store.put_record(sent, expected_version=entry.version)
            report.statuses_sent += 1
