"""The composition root: real adapters and services wired from the Lambda environment, built once per process, on first
use. The one module that imports both the core's adapters and every service's (handlers and pages get them here).

A council's table and evidence folder are reached only with that council's scoped credentials (council_client);
the function's own credentials serve the platform's shared tables and buckets.
"""

from __future__ import annotations

import json
import logging
import os
from functools import cache
from typing import TypeVar

import boto3
from botocore.config import Config

from shared.services.blue_badge import SERVICE_KEY as BLUE_BADGE
from shared.services.blue_badge.adapters.badge_numbers import BadgeNumbers
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.email import SesEmailSender
from shared.core.adapters.evidence_files import EvidenceFiles
from shared.core.adapters.evidence_links import EvidenceLinks
from shared.core.adapters.evidence_uploads import EvidenceUploads
from shared.core.adapters.parked_payloads import ParkedPayloads, parked_payload_folder
from shared.core.adapters.s3_objects import object_exists
from shared.services.blue_badge.adapters.print_store import ExtractFiles, Photos, PrintBatches, ResultFiles, S3Upload
from shared.core.adapters.reply_links import ReplyLinks
from shared.core.adapters.tenant_credentials import TenantSessions
from shared.core.adapters.workflows import Workflows
from shared.core.domain.council import CouncilRegistry, load_councils
from shared.resources import Env, council_table_name
from shared.services.blue_badge.domain.application import EvidenceRef
from shared.services.blue_badge.logic.intake import IntakeService
from shared.services.blue_badge.logic.notify import Notifier
from shared.services.blue_badge.logic.print_dispatch import PrintDesk, PushDesk
from shared.services.blue_badge.logic.print_results import ResultsDesk
from shared.services.blue_badge.logic.reply import ReplyDesk, link_issuer
from shared.services.asc_triage.adapters.hub_bookings import HubBookings
from shared.services.asc_triage.adapters.question_sets import QuestionSets


@cache
def councils() -> CouncilRegistry:
    return load_councils()


@cache
def _dynamodb():
    return boto3.client("dynamodb")


@cache
def _tenant_sessions() -> TenantSessions:
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "casework-local")
    return TenantSessions(os.environ[Env.TENANT_ROLE_ARN], session_name=function_name, on_assume=_log_assume_role)


def _log_assume_role(tenant: str) -> None:
    """One line per AssumeRole: a container makes one per council it serves, then one an hour (Logs Insights counts them)."""
    logging.getLogger(__name__).info("assuming the council data role", extra={"tenant": tenant})


def council_client(service: str, council_code: str, config: Config | None = None):
    """A client signed with credentials that reach only this council's table and evidence folder."""
    return _tenant_sessions().client(service, council_code, config)


# The store a service's code gets where it keeps case records (typed methods over CaseStore's generic ones).
SERVICE_STORES: dict[str, type[CaseStore]] = {BLUE_BADGE: BadgeStore}
CouncilStore = TypeVar("CouncilStore", bound=CaseStore)


def _council_store(council_code: str, store_class: type[CouncilStore]) -> CouncilStore:
    return store_class(council_client("dynamodb", council_code), council_table_name(council_code))


def store_for(council_code: str | None) -> CaseStore:
    """The store of one council's own table; None gives the table of applications for unknown councils."""
    if council_code is None:
        return CaseStore(_dynamodb(), os.environ[Env.UNROUTED_TABLE])
    return _council_store(council_code, CaseStore)


def badge_store_for(council_code: str) -> BadgeStore:
    """One council's store with Blue Badge's badges (all its cases: scope it with .serving where pages need that)."""
    return _council_store(council_code, BadgeStore)


def service_store_for(council_code: str | None, service_key: str) -> CaseStore | None:
    """The council's store as one service's routes use it (other services' cases read as not there); None when the
    council does not run the service, or is not in this deployment: its routes then answer 404."""
    council = councils().get(council_code) if council_code else None
    if council is None or not council.runs(service_key):
        return None
    return _council_store(council.code, SERVICE_STORES.get(service_key, CaseStore)).serving(service_key)


def evidence_files_for(council_code: str) -> EvidenceFiles:
    return EvidenceFiles(council_client("s3", council_code), os.environ[Env.EVIDENCE_BUCKET])


def parked_payloads_for(council_code: str | None) -> ParkedPayloads:
    """Large parked payloads: a council's in its own folder with its scoped credentials; unknown councils' in the
    unrouted folder with the function's own (as the unrouted table)."""
    s3 = _s3() if council_code is None else council_client("s3", council_code)
    return ParkedPayloads(s3, os.environ[Env.EVIDENCE_BUCKET], parked_payload_folder(council_code))


@cache
def workflows() -> Workflows:
    return Workflows(boto3.client("stepfunctions"), json.loads(os.environ[Env.WORKFLOW_ARNS]))


@cache
def intake_service() -> IntakeService:
    return IntakeService(councils(), store_for, workflows(), evidence_files_for, parked_payloads_for)


@cache
def notifier() -> Notifier:
    return Notifier(SesEmailSender(boto3.client("ses")), councils(),
                    reply_links=link_issuer(reply_links_for, os.environ.get(Env.WEB_BASE_URL)))


def reply_links_for(council_code: str) -> ReplyLinks:
    """The reply links of the council's cases, kept in its own table; files come back through them only as Blue Badge
    evidence (a referrer's reply is text)."""
    return ReplyLinks(council_client("dynamodb", council_code), council_table_name(council_code), upload_model=EvidenceRef)


def question_sets_for(council_code: str) -> QuestionSets:
    """The council's published ASC question sets, in its own table."""
    return QuestionSets(council_client("dynamodb", council_code), council_table_name(council_code))


def hub_bookings_for(council_code: str) -> HubBookings:
    """The council's hub appointments, in its own table."""
    return HubBookings(council_client("dynamodb", council_code), council_table_name(council_code))


@cache
def reply_desk() -> ReplyDesk:
    return ReplyDesk(councils(), store_for, reply_links_for, workflows(), evidence_uploads_for)


# Virtual-hosted addressing gives the regional S3 address (path style locally), the reply page's form action. One object,
# so that the council's client made with it is cached like the others.
VIRTUAL_HOSTED_S3 = Config(s3={"addressing_style": "virtual"})


def evidence_uploads_for(council_code: str) -> EvidenceUploads:
    s3 = council_client("s3", council_code, VIRTUAL_HOSTED_S3)
    return EvidenceUploads(s3, os.environ[Env.EVIDENCE_BUCKET])


@cache
def badge_numbers() -> BadgeNumbers:
    return BadgeNumbers(_dynamodb(), os.environ[Env.BADGE_NUMBER_TABLE])


@cache
def _s3():
    return boto3.client("s3")


def evidence_links_for(council_code: str) -> EvidenceLinks:
    """Links signed with the council's scoped credentials: S3 refuses one for another council's object."""
    return EvidenceLinks(council_client("s3", council_code), os.environ[Env.EVIDENCE_BUCKET])


@cache
def print_desk() -> PrintDesk:
    drop = os.environ[Env.PRINT_DROP_BUCKET]
    return PrintDesk(
        councils=councils(),
        store_for=badge_store_for,
        batches=PrintBatches(_dynamodb(), os.environ[Env.PRINT_BATCH_TABLE]),
        open_upload=lambda key: S3Upload(_s3(), drop, key),
        exists=lambda key: object_exists(_s3(), drop, key),
        photos_for=lambda council_code: Photos(council_client("s3", council_code), os.environ[Env.EVIDENCE_BUCKET]),
    )


def supplier_push_configured() -> bool:
    """Whether this deployment pushes extracts to the supplier's own server (read per call: tests switch it)."""
    return bool(os.environ.get(Env.SUPPLIER_PUSH))


def push_desk() -> PushDesk:
    """Built per invocation, so a rotated client key (or a changed server) is used at once."""
    from shared.services.blue_badge.adapters.sftp import SftpPush, SftpTarget  # paramiko: only the print-push function carries it

    if not supplier_push_configured():
        raise RuntimeError(f"no supplier server is configured ({Env.SUPPLIER_PUSH} is empty)")
    target = SftpTarget.model_validate_json(os.environ[Env.SUPPLIER_PUSH])
    private_key = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ[Env.SUPPLIER_PUSH_KEY_SECRET])["SecretString"]
    return PushDesk(batches=PrintBatches(_dynamodb(), os.environ[Env.PRINT_BATCH_TABLE]),
                    extracts=ExtractFiles(_s3(), os.environ[Env.PRINT_DROP_BUCKET]), server=SftpPush(target, private_key))


@cache
def results_desk() -> ResultsDesk:
    return ResultsDesk(store_for=badge_store_for, owners=badge_numbers(), files=ResultFiles(_s3(), os.environ[Env.PRINT_DROP_BUCKET]),
                       notifier=notifier())
