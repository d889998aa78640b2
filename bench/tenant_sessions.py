"""What council-scoped credentials add to a request: STS calls and time, cold and warm, beside the bare call.

Runs on moto in-process (no AWS here), so the absolute times are moto's; the counts are what AWS would see.
    .venv/bin/python -m bench.tenant_sessions [--requests 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

import boto3
from moto import mock_aws

from shared.core.adapters.tenant_credentials import TenantSessions
from shared.resources import CASE_TABLE_LAYOUT, DEFAULT_REGION, TENANT_ROLE_NAME, council_table_name

COUNCILS = ("NORTHSHIRE", "VALEWYE")
KEY = {"pk": {"S": "CASE#X"}, "sk": {"S": "CASE"}}


def _median_ms(timings: list[float]) -> float:
    return statistics.median(timings) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    with mock_aws():
        base = boto3.session.Session(region_name=DEFAULT_REGION)
        assumed: list[str] = []
        base.events.register("before-call.sts.AssumeRole", lambda **_: assumed.append("AssumeRole"))
        own = base.client("dynamodb")
        for council in COUNCILS:
            own.create_table(TableName=council_table_name(council), BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": CASE_TABLE_LAYOUT.partition_key, "KeyType": "HASH"},
                                        {"AttributeName": CASE_TABLE_LAYOUT.sort_key, "KeyType": "RANGE"}],
                             AttributeDefinitions=[{"AttributeName": CASE_TABLE_LAYOUT.partition_key, "AttributeType": "S"},
                                                   {"AttributeName": CASE_TABLE_LAYOUT.sort_key, "AttributeType": "S"}])
        own.get_item(TableName=council_table_name(COUNCILS[0]), Key=KEY)  # the bare client warmed up too

        bare, cold, warm = [], [], []
        for _ in range(args.requests):
            started = time.perf_counter()
            own.get_item(TableName=council_table_name(COUNCILS[0]), Key=KEY)
            bare.append(time.perf_counter() - started)
        cold_calls = []
        for round_ in range(max(args.requests // 10, 5)):
            sessions = TenantSessions(f"arn:aws:iam::123456789012:role/{TENANT_ROLE_NAME}", f"bench-{round_}", base=base)
            before = len(assumed)
            started = time.perf_counter()
            sessions.client("dynamodb", COUNCILS[0]).get_item(TableName=council_table_name(COUNCILS[0]), Key=KEY)
            cold.append(time.perf_counter() - started)
            cold_calls.append(len(assumed) - before)
        before = len(assumed)
        client = sessions.client("dynamodb", COUNCILS[0])
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get_item(TableName=council_table_name(COUNCILS[0]), Key=KEY)
            warm.append(time.perf_counter() - started)
        warm_calls = len(assumed) - before

    print(f"{'request':40} {'STS calls':>9} {'median ms':>9} {'x bare':>7}")
    rows = [("GetItem, function's own credentials", 0, bare), ("GetItem, council session, cold container", max(cold_calls), cold),
            ("GetItem, council session, warm", warm_calls, warm)]
    for name, calls, timings in rows:
        print(f"{name:40} {calls:>9} {_median_ms(timings):>9.2f} {_median_ms(timings) / _median_ms(bare):>7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
