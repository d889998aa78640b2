"""Blue Badge's own business metrics (the night's print and the supplier's results), and how a decision reads off a
badge case for the engine's DecisionsMade (shared.core.domain.metrics)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from shared.core.domain.council import CouncilConfig
from shared.core.domain.metrics import (
    COUNCIL,
    DecisionFigure,
    Metric,
    ServiceMetrics,
    UNKNOWN,
    Timeliness,
    Unit,
    decided_in_this_write,
)
from shared.core.domain.statistics import utc_day
from shared.core.domain.working_days import working_days_between
from shared.services.blue_badge.domain.case import BadgeCase
from shared.services.blue_badge.domain.kpi import decision_target_days
from shared.services.blue_badge.domain.printing import BatchStatus, PrintBatch

if TYPE_CHECKING:
    from shared.services.blue_badge.logic.print_results import ResultFileOutcome

Emit = Callable[..., None]  # shared.core.adapters.metrics.emit, passed in: this module stays free of AWS

BATCH_TYPE = "batch_type"

BADGES_SENT_TO_PRINT = Metric(
    "BadgesSentToPrint", Unit.COUNT, ((COUNCIL, BATCH_TYPE), (BATCH_TYPE,), ()),
    "Badges in the night's delivered print files, per council and batch type",
)
BADGES_SKIPPED_FROM_PRINT = Metric(
    "BadgesSkippedFromPrint", Unit.COUNT, ((BATCH_TYPE,),), "Badges a print batch left out (each logged with why)",
)
PRINT_BATCHES_COMPLETED = Metric(
    "PrintBatchesCompleted", Unit.COUNT, ((BATCH_TYPE,), ()),
    "Print batches whose file reached the supplier (pushed, where a push is configured) and whose badges are marked",
)
PRINT_BATCHES_LEFT_UNFINISHED = Metric(
    "PrintBatchesLeftUnfinished", Unit.COUNT, ((),), "Batches an earlier run left unfinished, finished by this run",
)
EXTRACTS_PUSHED = Metric("ExtractsPushed", Unit.COUNT, ((),), "Print files pushed to the supplier's own SFTP server")
RESULT_FILES_APPLIED = Metric(
    "ResultFilesApplied", Unit.COUNT, (("kind",), ()),
    "Supplier result files applied, by kind (BadgePrintConfirmations, BadgePrintRejections)",
)
RESULT_FILES_QUARANTINED = Metric(
    "ResultFilesQuarantined", Unit.COUNT, ((),), "Supplier result files that could not be applied (moved to quarantine)",
)
BADGES_ISSUED = Metric("BadgesIssued", Unit.COUNT, ((),), "Badges the supplier confirmed printed and dispatched")
BADGES_REJECTED_BY_PRINTER = Metric("BadgesRejectedByPrinter", Unit.COUNT, ((),), "Badges the supplier rejected")
PRINT_RESULTS_SKIPPED = Metric(
    "PrintResultsSkipped", Unit.COUNT, ((),), "Results in a file that named no badge waiting for one (logged)",
)
RENEWAL_REMINDERS_SENT = Metric(
    "RenewalRemindersSent", Unit.COUNT, ((COUNCIL,), ()),
    "Badges whose holder was reminded to renew (12 weeks before expiry), per council and in all",
)
RENEWAL_REMINDER_COUNCILS_FAILED = Metric(
    "RenewalReminderCouncilsFailed", Unit.COUNT, ((),), "Councils whose renewal reminder run failed",
)


def badge_decision(case: BadgeCase, council: CouncilConfig | None, _entered: object) -> DecisionFigure | None:
    """The approval or refusal recorded by this write, against the council's days-to-decision target (working days)."""
    decision = getattr(case, "decision", None)
    if decision is None or not decided_in_this_write(decision.at, case.updated_at):
        return None
    if council is None:
        return DecisionFigure(decision.outcome.value, Timeliness.NO_TARGET)
    days = working_days_between(utc_day(case.received_at), utc_day(decision.at), council.nation)
    within = days <= decision_target_days(council, case.application)
    return DecisionFigure(decision.outcome.value, Timeliness.WITHIN_TARGET if within else Timeliness.PAST_TARGET)


BLUE_BADGE_METRICS = ServiceMetrics(
    metrics=(
        BADGES_SENT_TO_PRINT, BADGES_SKIPPED_FROM_PRINT, PRINT_BATCHES_COMPLETED, PRINT_BATCHES_LEFT_UNFINISHED,
        EXTRACTS_PUSHED, RESULT_FILES_APPLIED, RESULT_FILES_QUARANTINED, BADGES_ISSUED, BADGES_REJECTED_BY_PRINTER,
        PRINT_RESULTS_SKIPPED, RENEWAL_REMINDERS_SENT, RENEWAL_REMINDER_COUNCILS_FAILED,
    ),
    decision=badge_decision,
)


def count_dispatched(batch: PrintBatch, emit: Emit) -> None:
    """A print batch's figures, once it is complete (the file is the supplier's and its badges are marked): a call
    that only moved the batch on (to be pushed) counts nothing yet, so no badge is counted twice."""
    if batch.status is not BatchStatus.COMPLETE:
        return
    batch_type = batch.batch_type.value
    for council, written in batch.written.items():
        emit(BADGES_SENT_TO_PRINT, written, council=council, batch_type=batch_type)
    emit(BADGES_SKIPPED_FROM_PRINT, len(batch.skipped), batch_type=batch_type)
    emit(PRINT_BATCHES_COMPLETED, batch_type=batch_type)


def count_result_file(outcome: ResultFileOutcome, emit: Emit) -> None:
    """A supplier result file's figures: quarantined, or applied with the badges it issued, rejected and skipped."""
    if outcome.quarantined:
        emit(RESULT_FILES_QUARANTINED)
        return
    emit(RESULT_FILES_APPLIED, kind=outcome.kind or UNKNOWN)
    emit(BADGES_ISSUED, len(outcome.issued))
    emit(BADGES_REJECTED_BY_PRINTER, len(outcome.rejected))
    emit(PRINT_RESULTS_SKIPPED, len(outcome.skipped))
