"""The composition root: real adapters and services wired from the Lambda environment, built once per process, on first
use. The one module that imports both the core's adapters and every service's (handlers and pages get them here).

A council's table and evidence folder are reached only with that council's scoped credentials (council_client);
the function's own credentials serve the platform's shared tables and buckets.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from botocore.config import Config

from shared.services.blue_badge import SERVICE_KEY as BLUE_BADGE
from shared.core.adapters.case_store import CaseStore
from shared.core.adapters.metrics import measure_decisions_against
from shared.core.adapters.tenant_credentials import TenantSessions
from shared.core.domain.council import CouncilConfig, CouncilRegistry, load_councils
from shared.resources import Env, council_table_name

# Each function imports only the wiring it uses (a cold start pays for every module imported): the adapters and
# services below are imported where they are built.
if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    from shared.core.adapters.notify import CouncilChannels, StatusWatermark
    from shared.core.adapters.evidence_files import EvidenceFiles
    from shared.core.adapters.evidence_links import EvidenceLinks
    from shared.core.adapters.evidence_uploads import EvidenceUploads
    from shared.core.adapters.parked_payloads import ParkedPayloads
    from shared.core.adapters.reply_links import ReplyLinks
    from shared.core.adapters.council_admin_records import CouncilAdminRecords
    from shared.core.adapters.staff_accounts import StaffAccounts
    from shared.core.adapters.staff_sign_in import StaffDirectory
    from shared.core.adapters.workflows import Workflows
    from shared.core.logic.council_admin import LiveCouncils
    from shared.services.asc_triage.adapters.hub_bookings import HubBookings
    from shared.services.asc_triage.adapters.question_sets import QuestionSets
    from shared.services.blue_badge.adapters.badge_numbers import BadgeNumbers
    from shared.services.blue_badge.adapters.badge_store import BadgeStore
    from shared.services.blue_badge.logic.intake import IntakeService
    from shared.services.blue_badge.logic.national_pull import NationalPuller
    from shared.services.blue_badge.logic.notify import Notifier
    from shared.services.blue_badge.logic.print_dispatch import PrintDesk, PushDesk
    from shared.services.blue_badge.logic.print_pull import Inbox, SupplierResults
    from shared.services.blue_badge.logic.print_results import ResultsDesk
    from shared.services.blue_badge.logic.reply import ReplyDesk
    from shared.services.family_front_door.adapters.drafts import DraftFiles, Drafts
    from shared.services.family_front_door.adapters.partner_accounts import PartnerPool, PartnerRegistration
    from shared.services.family_front_door.adapters.partner_directory import PartnerDirectory


# What every function's Tracer patches: the AWS SDK, so each AWS call is a subsegment. Tracer's default patches every
# module X-Ray supports, importing requests, sqlite3, httpx and more on each cold start for calls we never make.
TRACED_MODULES = ("botocore",)


@cache
def deployed_councils() -> CouncilRegistry:
    """The councils as the deployment configuration has them (which exist, which services they run)."""
    return load_councils()


@cache
def councils() -> LiveCouncils:
    """Every council as it is now (council_now): each read of a council reads its council admin's settings afresh."""
    from shared.core.logic.council_admin import LiveCouncils

    return LiveCouncils(deployed_councils(), council_now)


# A decision's timeliness (DecisionsMade) is measured against the council's target as its admin has it now.
measure_decisions_against(lambda code: councils().get(code))


# The councils read during the current handler invocation (one_invocation), by code; None outside one.
_READ_THIS_INVOCATION: ContextVar[dict[str, CouncilConfig] | None] = ContextVar("councils_read_this_invocation", default=None)


def one_invocation(handler: Callable[..., Any]) -> Callable[..., Any]:
    """A handler's invocation reads each council's settings once (council_now) and keeps nothing for the next one, so a
    council admin's change is in effect from the next invocation. Without it every read goes to the table."""
    @functools.wraps(handler)
    def invocation(*args: Any, **kwargs: Any) -> Any:
        started = _READ_THIS_INVOCATION.set({})
        try:
            return handler(*args, **kwargs)
        finally:
            _READ_THIS_INVOCATION.reset(started)
    return invocation


def council_now(council: CouncilConfig) -> CouncilConfig:
    """THE one read of a council's settings: its deployment entry with the settings its council admin stored over it (one
    consistent GetItem, kept at most for the rest of the invocation). Stored settings that no longer fit the deployment
    entry (it changed since) are logged and left out until an admin saves them again."""
    read = _READ_THIS_INVOCATION.get()
    if read is not None and council.code in read:
        return read[council.code]
    now = _overlaid(council)
    if read is not None:
        read[council.code] = now
    return now


def _overlaid(council: CouncilConfig) -> CouncilConfig:
    from shared.core.domain.council import CouncilSettingsInvalid
    from shared.core.domain.council_settings import overlay
    from shared.services.registry import SERVICES

    stored = council_admin_records_for(council.code).settings()
    if stored is None:
        return council
    try:
        return overlay(council, stored.changes, SERVICES)
    except CouncilSettingsInvalid as problems:
        logging.getLogger(__name__).error("stored council settings no longer fit the deployment configuration",
                                          extra={"council_code": council.code, "problems": str(problems)})
        return council


def council_admin_records_for(council_code: str) -> CouncilAdminRecords:
    """The council's stored settings, admin audit and last sign-ins, in its own table."""
    from shared.core.adapters.council_admin_records import CouncilAdminRecords

    return CouncilAdminRecords(council_client("dynamodb", council_code), council_table_name(council_code))


def aws_session() -> boto3.session.Session:
    """boto3's default session (boto3.client's), which the councils' sessions and Powertools' own clients are built on
    too: each session of its own reads the service models and endpoint data again (about 0.1 s of a cold start)."""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    return boto3.DEFAULT_SESSION


@cache
def secret_values() -> SecretsProvider:
    """Secrets Manager through Powertools' provider (each value cached for the max_age its caller asks for), on the
    container's one session."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_session=aws_session())


@cache
def _dynamodb():
    return boto3.client("dynamodb")


@cache
def _tenant_sessions() -> TenantSessions:
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "casework-local")
    return TenantSessions(os.environ[Env.TENANT_ROLE_ARN], session_name=function_name, base=aws_session(),
                          on_assume=_log_assume_role)


def _log_assume_role(tenant: str) -> None:
    """One line per AssumeRole: a container makes one per council it serves, then one an hour (Logs Insights counts them)."""
    logging.getLogger(__name__).info("assuming the council data role", extra={"tenant": tenant})


def council_client(service: str, council_code: str, config: Config | None = None):
    """A client signed with credentials that reach only this council's table and evidence folder."""
    return _tenant_sessions().client(service, council_code, config)


def _service_store_class(service_key: str) -> type[CaseStore]:
    """The store a service's code gets where it keeps case records (typed methods over CaseStore's generic ones)."""
    if service_key == BLUE_BADGE:
        from shared.services.blue_badge.adapters.badge_store import BadgeStore

        return BadgeStore
    return CaseStore


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
    return _council_store(council_code, _service_store_class(BLUE_BADGE))


def service_store_for(council_code: str | None, service_key: str) -> CaseStore | None:
    """The council's store as one service's routes use it (other services' cases read as not there); None when the
    council does not run the service, or is not in this deployment: its routes then answer 404."""
    council = deployed_councils().get(council_code) if council_code else None  # which services it runs: no settings read
    if council is None or not council.runs(service_key):
        return None
    return _council_store(council.code, _service_store_class(service_key)).serving(service_key)


def evidence_files_for(council_code: str) -> EvidenceFiles:
    from shared.core.adapters.evidence_files import EvidenceFiles

    return EvidenceFiles(council_client("s3", council_code), os.environ[Env.EVIDENCE_BUCKET])


def parked_payloads_for(council_code: str | None) -> ParkedPayloads:
    """Large parked payloads: a council's in its own folder with its scoped credentials; unknown councils' in the
    unrouted folder with the function's own (as the unrouted table)."""
    from shared.core.adapters.parked_payloads import ParkedPayloads, parked_payload_folder

    s3 = _s3() if council_code is None else council_client("s3", council_code)
    return ParkedPayloads(s3, os.environ[Env.EVIDENCE_BUCKET], parked_payload_folder(council_code))


@cache
def workflows() -> Workflows:
    from shared.core.adapters.workflows import Workflows

    return Workflows(boto3.client("stepfunctions"), json.loads(os.environ[Env.WORKFLOW_ARNS]))


def staff_accounts() -> StaffAccounts:
    """The staff user pool's accounts, as council admins manage them (the web function's Cognito admin actions)."""
    return _staff_accounts(os.environ[Env.USER_POOL_ID])


@cache  # per pool, as _staff_directory
def _staff_accounts(user_pool_id: str) -> StaffAccounts:
    from shared.core.adapters.staff_accounts import StaffAccounts

    return StaffAccounts(boto3.client("cognito-idp"), user_pool_id)


def staff_directory() -> StaffDirectory:
    return _staff_directory(os.environ[Env.USER_POOL_ID])


@cache  # per pool: a test (or local run) may point the same process at a new user pool
def _staff_directory(user_pool_id: str) -> StaffDirectory:
    from shared.core.adapters.staff_sign_in import StaffDirectory

    return StaffDirectory(boto3.client("cognito-idp"), user_pool_id)


@cache
def intake_service() -> IntakeService:
    from shared.services.blue_badge.logic.intake import IntakeService

    return IntakeService(councils(), store_for, workflows(), evidence_files_for, parked_payloads_for, notifier())


@cache
def notification_channels() -> CouncilChannels:
    """Each council's channel to people: GOV.UK Notify for the councils Env.NOTIFY_COUNCILS names (read per send, so a
    changed environment applies at once), each with its own API key (shared.resources.notify_secret_name, cached five
    minutes); SES for the others."""
    from shared.core.adapters.email import SesEmailSender
    from shared.core.adapters.notify import CouncilChannels
    from shared.core.domain.notify import notify_councils_from_json
    from shared.resources import NOTIFY_ALLOW_LOOPBACK_HTTP, notify_secret_name

    return CouncilChannels(
        SesEmailSender(boto3.client("ses")),
        lambda: notify_councils_from_json(os.environ.get(Env.NOTIFY_COUNCILS, "")),
        lambda council_code: secret_values().get(notify_secret_name(council_code), max_age=300),
        allow_loopback_http=lambda: os.environ.get(NOTIFY_ALLOW_LOOPBACK_HTTP) == "true",
    )


@cache
def notifier() -> Notifier:
    from shared.services.blue_badge.logic.notify import Notifier
    from shared.services.blue_badge.logic.reply import link_issuer

    return Notifier(notification_channels(), councils(),
                    reply_links=link_issuer(reply_links_for, os.environ.get(Env.WEB_BASE_URL)))


def reply_links_for(council_code: str) -> ReplyLinks:
    """The reply links of the council's cases, kept in its own table; files come back through them only as Blue Badge
    evidence (a referrer's reply is text)."""
    from shared.core.adapters.reply_links import ReplyLinks
    from shared.services.blue_badge.domain.application import EvidenceRef

    return ReplyLinks(council_client("dynamodb", council_code), council_table_name(council_code), upload_model=EvidenceRef)


def question_sets_for(council_code: str) -> QuestionSets:
    """The council's published ASC question sets, in its own table."""
    from shared.services.asc_triage.adapters.question_sets import QuestionSets

    return QuestionSets(council_client("dynamodb", council_code), council_table_name(council_code))


def hub_bookings_for(council_code: str) -> HubBookings:
    """The council's hub appointments, in its own table."""
    from shared.services.asc_triage.adapters.hub_bookings import HubBookings

    return HubBookings(council_client("dynamodb", council_code), council_table_name(council_code))


def partner_directory_for(council_code: str) -> PartnerDirectory:
    """The council's Family Front Door partner allow-list and partner accounts, in its own table."""
    from shared.services.family_front_door.adapters.partner_directory import PartnerDirectory

    return PartnerDirectory(council_client("dynamodb", council_code), council_table_name(council_code))


def portal_drafts_for(council_code: str) -> Drafts:
    """Partners' part-completed Family Front Door forms, in the council's own table."""
    from shared.services.family_front_door.adapters.drafts import Drafts

    return Drafts(council_client("dynamodb", council_code), council_table_name(council_code))


def partner_registration() -> PartnerRegistration:
    """Self-registration through the portal's app client (public Cognito calls: no IAM grant needed)."""
    return _partner_registration(os.environ[Env.PARTNER_CLIENT_ID])


@cache  # per client: a test (or local run) may point the same process at a new pool
def _partner_registration(client_id: str) -> PartnerRegistration:
    from shared.services.family_front_door.adapters.partner_accounts import PartnerRegistration

    return PartnerRegistration(boto3.client("cognito-idp"), client_id)


def partner_pool() -> PartnerPool:
    return _partner_pool(os.environ[Env.PARTNER_USER_POOL_ID])


@cache
def _partner_pool(user_pool_id: str) -> PartnerPool:
    from shared.services.family_front_door.adapters.partner_accounts import PartnerPool

    return PartnerPool(boto3.client("cognito-idp"), user_pool_id)


@cache
def reply_desk() -> ReplyDesk:
    from shared.services.blue_badge.logic.reply import ReplyDesk

    return ReplyDesk(councils(), store_for, reply_links_for, workflows(), evidence_uploads_for)


# Virtual-hosted addressing gives the regional S3 address (path style locally), the reply page's form action. One object,
# so that the council's client made with it is cached like the others.
VIRTUAL_HOSTED_S3 = Config(s3={"addressing_style": "virtual"})


def evidence_uploads_for(council_code: str) -> EvidenceUploads:
    from shared.core.adapters.evidence_uploads import EvidenceUploads

    s3 = council_client("s3", council_code, VIRTUAL_HOSTED_S3)
    return EvidenceUploads(s3, os.environ[Env.EVIDENCE_BUCKET])


def portal_draft_files_for(council_code: str) -> DraftFiles:
    """The files uploaded for partners' drafts, in the council's own evidence folder."""
    from shared.services.family_front_door.adapters.drafts import DraftFiles

    return DraftFiles(council_client("s3", council_code, VIRTUAL_HOSTED_S3), os.environ[Env.EVIDENCE_BUCKET])


@cache
def badge_numbers() -> BadgeNumbers:
    from shared.services.blue_badge.adapters.badge_numbers import BadgeNumbers

    return BadgeNumbers(_dynamodb(), os.environ[Env.BADGE_NUMBER_TABLE])


@cache
def _s3():
    return boto3.client("s3")


def evidence_links_for(council_code: str) -> EvidenceLinks:
    """Links signed with the council's scoped credentials: S3 refuses one for another council's object."""
    from shared.core.adapters.evidence_links import EvidenceLinks

    return EvidenceLinks(council_client("s3", council_code), os.environ[Env.EVIDENCE_BUCKET])


@cache
def print_desk() -> PrintDesk:
    from shared.core.adapters.s3_objects import object_exists
    from shared.services.blue_badge.adapters.print_store import Photos, PrintBatches, S3Upload
    from shared.services.blue_badge.logic.print_dispatch import PrintDesk

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
    from shared.services.blue_badge.adapters.print_store import ExtractFiles, PrintBatches
    from shared.services.blue_badge.adapters.sftp import SftpPush, SftpTarget  # paramiko: only the print-push function carries it
    from shared.services.blue_badge.logic.print_dispatch import PushDesk

    if not supplier_push_configured():
        raise RuntimeError(f"no supplier server is configured ({Env.SUPPLIER_PUSH} is empty)")
    target = SftpTarget.model_validate_json(os.environ[Env.SUPPLIER_PUSH])
    private_key = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ[Env.SUPPLIER_PUSH_KEY_SECRET])["SecretString"]
    return PushDesk(batches=PrintBatches(_dynamodb(), os.environ[Env.PRINT_BATCH_TABLE]),
                    extracts=ExtractFiles(_s3(), os.environ[Env.PRINT_DROP_BUCKET]), server=SftpPush(target, private_key))


def pull_desk() -> tuple[SupplierResults, Inbox]:
    """The supplier's server (its result files) and its inbox folder; built per invocation, like push_desk."""
    from shared.services.blue_badge.adapters.print_store import ResultFiles
    from shared.services.blue_badge.adapters.sftp import SftpPush, SftpTarget  # paramiko: only the print functions carry it

    if not supplier_push_configured():
        raise RuntimeError(f"no supplier server is configured ({Env.SUPPLIER_PUSH} is empty)")
    target = SftpTarget.model_validate_json(os.environ[Env.SUPPLIER_PUSH])
    private_key = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ[Env.SUPPLIER_PUSH_KEY_SECRET])["SecretString"]
    return SftpPush(target, private_key), ResultFiles(_s3(), os.environ[Env.PRINT_DROP_BUCKET])


@cache
def results_desk() -> ResultsDesk:
    from shared.services.blue_badge.adapters.print_store import ResultFiles
    from shared.services.blue_badge.logic.print_results import ResultsDesk

    return ResultsDesk(store_for=badge_store_for, owners=badge_numbers(), files=ResultFiles(_s3(), os.environ[Env.PRINT_DROP_BUCKET]),
                       notifier=notifier())


def notify_status_watermark(council_code: str) -> StatusWatermark:
    """How far back the council's next read of its GOV.UK Notify statuses starts: in its own table, with its own scoped
    credentials."""
    from shared.core.adapters.notify import StatusWatermark

    return StatusWatermark(council_client("dynamodb", council_code), council_table_name(council_code))


def national_pullers() -> list[NationalPuller]:
    """A puller per council whose applications are pulled from a national Applications API (Env.NATIONAL_PULLS), each
    with the council's own scoped credentials and its own API client secret (shared.resources.national_api_secret_name)."""
    from shared.core.domain.case import utcnow
    from shared.resources import NATIONAL_API_ALLOW_LOOPBACK_HTTP, national_api_secret_name
    from shared.services.blue_badge.adapters.national_api import NationalApiClient
    from shared.services.blue_badge.adapters.pull_watermarks import PullWatermarks
    from shared.services.blue_badge.domain.settings import national_pulls_from_json
    from shared.services.blue_badge.logic.national_pull import NationalPuller

    pullers = []
    for code, pull in national_pulls_from_json(os.environ.get(Env.NATIONAL_PULLS, "")).items():
        council = councils().get(code)
        if council is None:
            raise RuntimeError(f"{Env.NATIONAL_PULLS} names {code}, which is not a council of this deployment")
        secret_name = national_api_secret_name(code)
        api = NationalApiClient(pull, lambda name=secret_name: secret_values().get(name, max_age=300),
                                allow_loopback_http=os.environ.get(NATIONAL_API_ALLOW_LOOPBACK_HTTP) == "true")
        pullers.append(NationalPuller(council, pull, api, intake_service(), store_for(code), evidence_files_for(code),
                                      PullWatermarks(council_client("dynamodb", code), council_table_name(code)), utcnow))
    return pullers
