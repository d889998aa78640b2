"""`python -m infra.local`: the whole system on a local moto server, with demo data.

Order matters: MOTO_PORT before moto's server starts (tasks inside executions call localhost:MOTO_PORT),
Step Functions execution switched on before the state machines are created, the bridge installed in
this process because the moto server runs in it, and the environment set before handlers are imported.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the heavy imports, so the reported start-up time includes them

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import urllib.request  # noqa: E402
import warnings  # noqa: E402
from collections import Counter  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from shared.resources import APPLICATION_SUBMITTED  # noqa: E402  (names only, no AWS libraries)
from shared.services.blue_badge.domain.settings import badge_settings

if TYPE_CHECKING:
    from infra.local.crm_receiver import CrmReceiver
    from infra.local.provision import LocalResources
    from infra.local.seed import SeedReport
    from infra.local.seed_asc import AscSeedReport
    from infra.local.supplier_sftp import LocalSupplier
    from shared.core.domain.council import CouncilRegistry

DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


# Powertools warns when a request published no business metric (every GET does not); in AWS that is a
# log line, here it would clutter the terminal.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m infra.local", description=__doc__.splitlines()[0])
    parser.add_argument("--web-port", type=int, default=8000, help="port of the caseworker web UI (default 8000)")
    parser.add_argument("--port", type=int, default=8080, help="port of the local REST API (default 8080)")
    parser.add_argument("--moto-port", type=int, default=4566, help="port of the moto server (default 4566)")
    parser.add_argument("--host", default="127.0.0.1", help="interface for both servers (default 127.0.0.1)")
    parser.add_argument("--no-seed", action="store_true", help="no demo logins, applications or referrals")
    parser.add_argument("--exit-after-start", action="store_true", help="start, seed, print, then shut down (smoke test)")
    return parser.parse_args(argv)


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto server: one line per AWS call otherwise
    logging.getLogger("infra.local").setLevel(logging.INFO)  # local API requests and authorizer refusals
    # moto's ASL interpreter logs an ERROR for every Choice rule whose path is absent, even an `IsPresent: false` that
    # holds as Step Functions means it (each new workflow's ResumeAt): noise that reads as a fault to a newcomer.
    logging.getLogger("moto.stepfunctions.parser.asl.component.eval_component").setLevel(logging.CRITICAL)
    for port in (args.moto_port, args.port, args.web_port):
        if not _port_free(args.host, port):
            print(f"port {port} on {args.host} is in use; choose another with --port / --moto-port", file=sys.stderr)
            return 2

    endpoint = f"http://{args.host}:{args.moto_port}"
    os.environ["MOTO_PORT"] = str(args.moto_port)
    os.environ["AWS_ENDPOINT_URL"] = endpoint  # every boto3 client in this process (handlers too) talks to moto
    os.environ.update(DUMMY_CREDENTIALS)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)

    import boto3
    from moto.server import ThreadedMotoServer

    from infra.local.bridge import install_lambda_bridge
    from datetime import UTC, datetime, timedelta

    from infra.local.bridge import call_handler, lambda_context
    from infra.local.crm_receiver import start_crm_receiver
    from shared.services.family_front_door import SERVICE_KEY as FAMILY_FRONT_DOOR
    from infra.local.national_api import serve_for_local_run
    from infra.local.notify_api import serve_for_local_run as serve_notify_for_local_run
    from infra.local.http_api import TOKEN_PATH, LocalApi
    from infra.local.metrics import emf_log, keep_emf_lines
    from infra.local.provision import CrmSettings, SupplierPushSettings, provision
    from infra.local.pump import EventTargetPump, IntakePump
    from infra.local.seed import seed
    from infra.local.seed_asc import demo_crm_endpoints, route_demo_referrals, seed_referrals
    from infra.local.seed_ffd import contacts_banner, demo_record_system_endpoints, seed_contacts
    from infra.local.seed_partners import partner_banner, seed_partners
    from infra.local.supplier_sftp import local_supplier
    from infra.local.web import LocalWeb
    from shared.core.domain.council import load_councils
    from shared.resources import CRM_CONNECTOR_FUNCTION, DEFAULT_REGION, NATIONAL_PULL_FUNCTION

    # SIGTERM behaves like Ctrl-C, so either one stops everything cleanly, during start-up too. SIGINT is set
    # explicitly because a shell starts background jobs with it ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    moto = ThreadedMotoServer(ip_address=args.host, port=args.moto_port, verbose=False)
    moto.start()
    api: LocalApi | None = None
    web: LocalWeb | None = None
    pump: IntakePump | None = None
    crm_pump: EventTargetPump | None = None
    stand_ins = contextlib.ExitStack()  # servers standing in for others' systems (the print supplier's, the councils' CRMs)
    try:
        _enable_step_functions_execution(endpoint)
        install_lambda_bridge()
        session = boto3.session.Session(region_name=DEFAULT_REGION)
        councils = load_councils()
        # The print supplier's own SFTP server, on loopback: the print dispatch pushes each extract to it.
        supplier = stand_ins.enter_context(local_supplier())
        # The councils' CRM, on loopback (always 127.0.0.1: plain http is allowed to loopback only): every council that
        # runs ASC triage delivers its accepted referrals to it, through the real CRM connector; the demo's second ASC
        # council's sign-in is refused, so its deliveries fail (seed_asc.demo_crm_endpoints).
        crm, _ = start_crm_receiver()
        stand_ins.callback(crm.stop)
        crm_endpoints = demo_crm_endpoints(crm, councils)
        # The same stand-in is every Family Front Door council's social care record system (its own entity set): accepted
        # contacts open a contact and referral episode there, through the same connector; signed in to as the council's
        # CRM is, so the second council's delivery fails too (seed_ffd.demo_record_system_endpoints).
        episodes = demo_record_system_endpoints(crm, councils)
        resources = provision(session, councils, web_base_url=f"http://{args.host}:{args.web_port}",
                              supplier_push=SupplierPushSettings(supplier.target_json, supplier.client_private_key),
                              crm=CrmSettings(crm_endpoints, crm.client_secret, {FAMILY_FRONT_DOOR: episodes}))
        # GOV.UK Notify, on loopback: the Welsh demo councils email and write to applicants through it (bilingual), the
        # others keep SES. Set before the seed, so that the seeded cases' emails and letters go through it too.
        notify = serve_notify_for_local_run([council.code for council in councils if council.in_wales],
                                            session.client("secretsmanager"))
        stand_ins.callback(notify.server.stop)
        keep_emf_lines(emf_log(args.moto_port))  # the handlers' metric lines, kept as their log groups keep them (./dev metrics)
        pump = IntakePump(session.client("sqs"), resources.intake_queue_url, resources.intake_queue_arn)
        crm_pump = EventTargetPump(session.client("sqs"), resources.crm_events_queue_url, resources.crm_events_queue_arn,
                                   CRM_CONNECTOR_FUNCTION)
        report = seed(session, resources, councils, pump) if not args.no_seed else None
        referrals = seed_referrals(session, resources, councils) if not args.no_seed else None
        if not args.no_seed:  # one referral per council routed for its CRM: the pump below delivers them
            route_demo_referrals(session, resources, councils)
        partners = seed_partners(session, resources, councils) if not args.no_seed else None
        # The demo partners' contacts, at every stage of the holding area; the accepted ones are delivered by the pump below.
        front_door = seed_contacts(session, resources, councils, partners) if partners is not None else None
        # The national Applications API, on loopback, with demo applications for each council that pulls; the real
        # pull function takes them in once now (its schedule never fires in moto: `python -m infra.local.national_pull`).
        national_api, national_count = serve_for_local_run(councils, session.client("secretsmanager"),
                                                           datetime.now(UTC) - timedelta(hours=1))
        stand_ins.callback(national_api.stop)
        pulled = call_handler(NATIONAL_PULL_FUNCTION.handler, {}, lambda_context(NATIONAL_PULL_FUNCTION))[0] if not args.no_seed else None
        pump.start()
        crm_pump.start()
        api = LocalApi(session.client("cognito-idp"), resources.user_pool_id, resources.user_pool_client_id, args.host, args.port)
        api.start()
        web = LocalWeb(args.host, args.web_port)
        web.start()

        startup_seconds = time.perf_counter() - STARTED
        _print_banner(web.url, api.url, endpoint, resources, councils, report, referrals, TOKEN_PATH, startup_seconds, supplier, crm)
        print(f"National Applications API stand-in: {national_api.base_url}/applications ({national_count} demo applications; "
              "`.venv/bin/python -m infra.local.national_pull` pulls again)"
              + (f"; pulled at start: {json.dumps(pulled)}" if pulled is not None else ""), flush=True)
        if partners is not None:
            print(partner_banner(web.url, partners, councils), flush=True)
        if front_door is not None:
            from web.pages.ffd_team import HOME as FFD_HOLDING_AREA  # a web page module: imported once the environment is set

            print(contacts_banner(web.url, FFD_HOLDING_AREA, front_door, crm.base_url), flush=True)
        print(f"GOV.UK Notify stand-in: {notify.server.base_url}/ ({', '.join(notify.councils) or 'no council'} on Notify: "
              f"{len(notify.server.received('email'))} emails, {len(notify.server.received('letter'))} letters accepted so far; "
              f"{notify.server.base_url}/received.json)", flush=True)
        if not args.exit_after_start:
            threading.Event().wait()  # until Ctrl-C or SIGTERM
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
    finally:
        if web is not None:
            web.stop()
        if api is not None:
            api.stop()
        if pump is not None:
            pump.stop()
        if crm_pump is not None:
            crm_pump.stop()
        moto.stop()
        stand_ins.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _enable_step_functions_execution(endpoint: str) -> None:
    """moto only runs state machine definitions when this is on, and decides when a state machine is created."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def _print_banner(
    web_url: str, api_url: str, endpoint: str, resources: LocalResources, councils: CouncilRegistry, report: SeedReport | None,
    referrals: AscSeedReport | None, token_path: str, startup_seconds: float, supplier: LocalSupplier, crm: CrmReceiver,
) -> None:
    first = next(iter(councils))
    sample = {
        "application_id": "LOCAL-EVENT-0001", "application_type": "NEW", "party": "PERSON", "channel": "PAPER",
        "council_code": first.code, "submitted_at": "2026-11-23T09:00:00Z",
        "holder": {"forenames": "Sam", "surname": "Sample", "date_of_birth": "1950-01-01",
                   "address": {"line1": "1 High Street", "town": badge_settings(first).collection_address.town, "postcode": badge_settings(first).collection_address.postcode}},
        "contact": {"email": "sam@example.com"},
        "eligibility": {"code": "BLIND"},
    }
    event_entry = [{"EventBusName": resources.event_bus_name, "Source": APPLICATION_SUBMITTED.source,
                    "DetailType": APPLICATION_SUBMITTED.detail_type, "Detail": json.dumps(sample)}]
    table = resources.council_tables[first.code]
    lines = [
        "",
        "Casework local stack is running (moto; nothing leaves this machine).",
        f"  Caseworker web UI:                     {web_url}   <- open this and sign in with a demo login below",
        f"  REST API (local API Gateway stand-in): {api_url}",
        f"  moto endpoint (all AWS APIs):          {endpoint}",
        f"  print supplier's own SFTP server:      {supplier.url} (extracts pushed to it land in {supplier.upload_folder})",
        f"  councils' CRM (Dynamics stand-in):     {crm.base_url}/   <- referrals routed at screening arrive here "
        "(the first ASC council's; the others' sign-in is refused, to show a failing delivery)",
        f"  region {resources.region}, credentials AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing",
        "",
    ]
    if report is not None:
        caseworker = next(user.username for user in report.users if user.council_code == first.code)
        password = report.password
        by_outcome = Counter(demo.expected.value for demo in report.applications)
        lines += [
            f"Seeded {len(report.applications)} applications through bus -> queue -> ingest "
            f"(expected: {', '.join(f'{count} {name}' for name, count in sorted(by_outcome.items()))}); "
            f"pump: {report.pump.succeeded} ok, {report.pump.failed} retried; workflows settled: {report.workflows_settled}",
            "Demo cases by stage, taken on through the API by the demo staff:",
            *[f"  {council}: {', '.join(f'{count} {stage}' for stage, count in stages.items())}" for council, stages in report.stages.items()],
            *([f"An applicant's reply link (one case waiting for information; works once): {report.reply_link}"] if report.reply_link else []),
            *([f"Adult social care referrals waiting at screening (by triage recommendation); workflows settled: {referrals.workflows_settled}",
               *[f"  {council}: {', '.join(f'{count} {route}' for route, count in sorted(routes.items()))}"
                 for council, routes in referrals.recommendations.items()]] if referrals else []),
            f"Demo logins (password for all: {password}):",
            *[f"  {user.username:<40} {', '.join(user.groups)}" for user in report.users],
            "",
            "Get a token (LOCAL-ONLY endpoint; in AWS the hosted UI / SRP sign-in does this):",
            f"  TOKEN=$(curl -s -X POST {api_url}{token_path} -H 'Content-Type: application/json' "
            f"-d '{{\"username\": \"{caseworker}\", \"password\": \"{password}\"}}' "
            "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"IdToken\"])')",
            f"  curl -s -H \"Authorization: Bearer $TOKEN\" '{api_url}/cases?stage=PROOF_CHECK'",
            "",
            "Key in an application as that caseworker (API):",
            f"  curl -s -X POST {api_url}/applications -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
            f"-d '{json.dumps({**sample, 'application_id': 'LOCAL-KEYED-0001'})}'",
            "",
        ]
    lines += [
        "Submit an application as the national service does (event on the bus; change application_id to send another):",
        f"  aws --endpoint-url {endpoint} --region {resources.region} events put-events --entries '{json.dumps(event_entry)}'",
        f"  aws --endpoint-url {endpoint} --region {resources.region} dynamodb scan --table-name {table}",
        f"  aws --endpoint-url {endpoint} --region {resources.region} sqs get-queue-attributes --queue-url {resources.intake_dlq_url} --attribute-names All",
        "",
        f"Started in {startup_seconds:.1f} s. Ctrl-C stops.",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    exit_code = main()
    # Servers and threads are stopped by now. Skip the interpreter's final teardown of moto's in-memory
    # state (about a second of garbage collection that achieves nothing).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
