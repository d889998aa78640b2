"""Real adapters wired from the Lambda environment; built once per process, on first use."""

from __future__ import annotations

import json
import os
from functools import cache

import boto3

from shared.adapters.badge_numbers import BadgeNumbers
from shared.adapters.case_store import CaseStore
from shared.adapters.email import SesEmailSender
from shared.adapters.print_store import Photos, PrintBatches, ResultFiles, S3Upload, object_exists
from shared.adapters.workflows import Workflows
from shared.domain.council import CouncilRegistry, load_councils
from shared.resources import Env, council_table_name
from shared.service.intake import IntakeService
from shared.service.notify import Notifier
from shared.service.print_dispatch import PrintDesk
from shared.service.print_results import ResultsDesk


@cache
def councils() -> CouncilRegistry:
    return load_councils()


@cache
def _dynamodb():
    return boto3.client("dynamodb")


def store_for(council_code: str | None) -> CaseStore:
    """The store of one council's own table; None gives the table of applications for unknown councils."""
    table = council_table_name(council_code) if council_code else os.environ[Env.UNROUTED_TABLE]
    return CaseStore(_dynamodb(), table)


@cache
def workflows() -> Workflows:
    return Workflows(boto3.client("stepfunctions"), json.loads(os.environ[Env.WORKFLOW_ARNS]))


@cache
def intake_service() -> IntakeService:
    return IntakeService(councils(), store_for, workflows())


@cache
def notifier() -> Notifier:
    return Notifier(SesEmailSender(boto3.client("ses")), councils())


@cache
def badge_numbers() -> BadgeNumbers:
    return BadgeNumbers(_dynamodb(), os.environ[Env.BADGE_NUMBER_TABLE])


@cache
def _s3():
    return boto3.client("s3")


@cache
def print_desk() -> PrintDesk:
    drop = os.environ[Env.PRINT_DROP_BUCKET]
    return PrintDesk(
        councils=councils(),
        store_for=store_for,
        batches=PrintBatches(_dynamodb(), os.environ[Env.PRINT_BATCH_TABLE]),
        open_upload=lambda key: S3Upload(_s3(), drop, key),
        exists=lambda key: object_exists(_s3(), drop, key),
        photos=Photos(_s3(), os.environ[Env.EVIDENCE_BUCKET]),
    )


@cache
def results_desk() -> ResultsDesk:
    return ResultsDesk(store_for=store_for, owners=badge_numbers(), files=ResultFiles(_s3(), os.environ[Env.PRINT_DROP_BUCKET]),
                       notifier=notifier())
