"""Cost model: the yearly AWS bill of a deployment, per council and per application.

Run on demand:  .venv/bin/python -m bench.cost [--councils 5 200 400] [--applications 10000] [--transfer-family on|off]

Variable costs come from the request counts the tests pin (bench/pinned_counts.py: DynamoDB requests and write units,
state transitions, emails of the online automatic route); fixed costs from what the CDK app deploys. Every price is in
PRICES, the one table, with the region and the date it was taken as of. No internet here: the prices are list prices as
known on that date and are marked TO BE CHECKED against https://aws.amazon.com/<service>/pricing/ before anyone quotes
them. Free tiers are left out (they are per account and small beside 50,000+ applications a year).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bench.pinned_counts import AUTOMATIC_ROUTE_EMAILS, AUTOMATIC_ROUTE_TRANSITIONS, ONLINE_AUTOMATIC_ROUTE, READ_A_CASE

REGION = "eu-west-2"
PRICES_AS_OF = "2025-01 (list prices as known then; TO BE CHECKED, no internet where this was written)"
HOURS_PER_YEAR = 24 * 365
MONTHS_PER_YEAR = 12

# USD, eu-west-2 (London), on-demand list prices.
PRICES = {
    "dynamodb_write_unit": 0.7068 / 1e6,  # per write request unit (on demand, after the Nov 2024 cut)
    "dynamodb_read_unit": 0.1413 / 1e6,  # per read request unit
    "dynamodb_gb_month": 0.2975,  # table storage, Standard class
    "dynamodb_pitr_gb_month": 0.2380,  # point-in-time recovery (continuous backups)
    "stepfunctions_transition": 0.025 / 1000,  # Standard workflows
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,  # x86
    "apigateway_rest_request": 3.50 / 1e6,
    "ses_email": 0.10 / 1000,
    "s3_gb_month": 0.024,  # Standard
    "sqs_request": 0.40 / 1e6,
    "eventbridge_event": 1.00 / 1e6,  # custom events put
    "kms_key_month": 1.00,
    "kms_request": 0.03 / 10000,
    "transfer_family_endpoint_hour": 0.30,  # one protocol (SFTP) on one server
    "waf_web_acl_month": 5.00,
    "waf_rule_month": 1.00,
    "waf_request": 0.60 / 1e6,
    "cloudwatch_alarm_month": 0.10,  # standard resolution
    "cloudwatch_dashboard_month": 3.00,
    "cloudwatch_logs_ingested_gb": 0.5985,
    "secrets_manager_secret_month": 0.40,
    "cognito_mau": 0.015,  # Essentials tier, above its 10,000 free MAU (staff only sign in)
}


@dataclass(frozen=True)
class Assumptions:
    """What the counts do not pin: how people use the service, and what a deployment holds. Each is a figure to argue with."""

    case_reads_per_application: int = 6  # GET /cases/{id} or the case page, by staff, over the case's life
    queue_pages_per_application: int = 3  # work-queue pages listed per application decided (one Query each)
    lambda_invocations_per_application: int = 12  # ingest (batched), workflow tasks, API/web calls
    lambda_gb_seconds_per_invocation: float = 0.25 * 0.3  # 256 MB for ~300 ms
    stored_kb_per_case: int = 12  # the case, its audit entries, notes, search keys and badge, with index entries
    evidence_mb_per_application: float = 2.0  # photo and proofs in S3
    retention_years: float = 3.0  # cases and files kept (erasure then removes them): storage held in a steady state
    log_kb_per_application: int = 40  # structured logs of every function on the path
    staff_per_council: int = 20  # monthly active staff sign-ins
    alarms_fixed: int = 40  # deployment-wide alarms (DLQs, errors, throttles, API 5xx, WAF)
    alarms_per_council: int = 1  # a council table's throttling alarm
    secrets_fixed: int = 3  # the web origin secret, the push client key, a CRM secret
    kms_keys_fixed: int = 2  # the platform key and the print drop key
    waf_web_acls: int = 3  # the API's, the CloudFront one and the web API's origin check
    waf_rules: int = 9  # rules across those web ACLs
    waf_requests_per_application: int = 60  # page and API requests the web ACLs inspect


def yearly_cost(councils: int, applications_per_council: int, transfer_family: bool, given: Assumptions = Assumptions()) -> dict[str, float]:
    """USD a year by line, for a deployment of `councils` councils."""
    applications = councils * applications_per_council
    route = ONLINE_AUTOMATIC_ROUTE
    reads = route.reads + given.case_reads_per_application * READ_A_CASE.reads + given.queue_pages_per_application
    write_units = route.write_units + given.case_reads_per_application * READ_A_CASE.write_units
    stored_gb = applications * given.retention_years * given.stored_kb_per_case / 1024 / 1024
    evidence_gb = applications * given.retention_years * given.evidence_mb_per_application / 1024
    api_requests = 2 + given.case_reads_per_application + given.queue_pages_per_application
    p = PRICES
    return {
        "DynamoDB writes": applications * write_units * p["dynamodb_write_unit"],
        "DynamoDB reads": applications * reads * p["dynamodb_read_unit"],
        "DynamoDB storage + PITR": stored_gb * (p["dynamodb_gb_month"] + p["dynamodb_pitr_gb_month"]) * MONTHS_PER_YEAR,
        "Step Functions": applications * AUTOMATIC_ROUTE_TRANSITIONS * p["stepfunctions_transition"],
        "Lambda": applications * given.lambda_invocations_per_application
        * (p["lambda_request"] + given.lambda_gb_seconds_per_invocation * p["lambda_gb_second"]),
        "API Gateway": applications * api_requests * p["apigateway_rest_request"],
        "SES": applications * AUTOMATIC_ROUTE_EMAILS * p["ses_email"],
        "S3 evidence": evidence_gb * p["s3_gb_month"] * MONTHS_PER_YEAR,
        "SQS + EventBridge": applications * (3 * p["sqs_request"] + p["eventbridge_event"]),
        "KMS": given.kms_keys_fixed * p["kms_key_month"] * MONTHS_PER_YEAR + applications * route.requests * p["kms_request"],
        "CloudWatch": (given.alarms_fixed + given.alarms_per_council * councils) * p["cloudwatch_alarm_month"] * MONTHS_PER_YEAR
        + p["cloudwatch_dashboard_month"] * MONTHS_PER_YEAR
        + applications * given.log_kb_per_application / 1024 / 1024 * p["cloudwatch_logs_ingested_gb"],
        "WAF": (given.waf_web_acls * p["waf_web_acl_month"] + given.waf_rules * p["waf_rule_month"]) * MONTHS_PER_YEAR
        + applications * given.waf_requests_per_application * p["waf_request"],
        "Secrets Manager": given.secrets_fixed * p["secrets_manager_secret_month"] * MONTHS_PER_YEAR,
        "Cognito": max(0, councils * given.staff_per_council - 10_000) * p["cognito_mau"] * MONTHS_PER_YEAR,
        "Transfer Family": p["transfer_family_endpoint_hour"] * HOURS_PER_YEAR if transfer_family else 0.0,
    }


def report(councils_list: list[int], applications_per_council: int, transfer_family: bool) -> str:
    lines = [f"Yearly AWS cost, {REGION}, prices as of {PRICES_AS_OF}",
             f"{applications_per_council:,} applications per council a year; Transfer Family {'on' if transfer_family else 'off'}",
             f"per application: {ONLINE_AUTOMATIC_ROUTE.requests} DynamoDB requests and {ONLINE_AUTOMATIC_ROUTE.write_units} write units"
             f" on its path, {AUTOMATIC_ROUTE_TRANSITIONS} state transitions, {AUTOMATIC_ROUTE_EMAILS} emails", ""]
    costs = {councils: yearly_cost(councils, applications_per_council, transfer_family) for councils in councils_list}
    header = f"{'USD a year':24}" + "".join(f"{f'{councils} councils':>16}" for councils in councils_list)
    lines += [header, "-" * len(header)]
    for line in next(iter(costs.values())):
        lines.append(f"{line:24}" + "".join(f"{costs[councils][line]:>16,.0f}" for councils in councils_list))
    lines.append("-" * len(header))
    totals = {councils: sum(lines_.values()) for councils, lines_ in costs.items()}
    lines.append(f"{'per deployment':24}" + "".join(f"{totals[c]:>16,.0f}" for c in councils_list))
    lines.append(f"{'per council':24}" + "".join(f"{totals[c] / c:>16,.0f}" for c in councils_list))
    lines.append(f"{'per application':24}" + "".join(f"{totals[c] / (c * applications_per_council):>16,.4f}" for c in councils_list))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, nargs="+", default=[5, 200, 400])
    parser.add_argument("--applications", type=int, default=10_000, help="applications per council per year")
    parser.add_argument("--transfer-family", choices=("on", "off"), default=None,
                        help="price one setting only (default: both, off first)")
    arguments = parser.parse_args()
    if min(arguments.councils) < 1 or arguments.applications < 0:
        parser.error("--councils must be at least 1 and --applications not negative")
    settings = [arguments.transfer_family == "on"] if arguments.transfer_family else [False, True]
    print("\n\n".join(report(arguments.councils, arguments.applications, setting) for setting in settings))


if __name__ == "__main__":
    main()
