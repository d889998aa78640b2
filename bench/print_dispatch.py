"""Benchmark: the nightly print dispatch for 1,000 / 10,000 / 50,000 ORDERED badges across 200 councils.

Run on demand (not part of the tests):  .venv/bin/python -m bench.print_dispatch [--sizes 1000 10000 50000]

The local stack's moto runs as a server in a separate process, so this process holds only the dispatch
itself: its peak memory (tracemalloc's peak of Python allocations, and the process's peak RSS growth) is
the dispatch's. For each size it prints
- the bare read: paging every council's print queue (the Queries the dispatch cannot avoid) - the floor;
- the dispatch: claim, write and upload the STANDARD extract (photos fetched per badge), mark PROCESSED;
- the ratio of the two, and the extract's size.
Badges are written straight into the council tables for the set-up (not timed).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
import boto3
from boto3.dynamodb.types import TypeSerializer

from infra.local.provision import _create_table
from infra.local.seed import tiny_jpeg
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.adapters.print_store import Photos, PrintBatches, S3Upload
from shared.services.blue_badge.domain.application import Address, Gender, Holder
from shared.services.blue_badge.domain.badge import Badge, DeliverTo, DeliveryOption, PrintBatchType, badge_number_for
from shared.core.domain.council import COUNCILS_FILE, CouncilRegistry, parse_councils
from shared.core.domain.evidence import case_evidence_prefix
from shared.resources import CASE_TABLE_LAYOUT, PRINT_BATCH_TABLE_LAYOUT, council_table_name
from shared.services.blue_badge.logic.print_dispatch import PrintDesk, dispatch

REGION = "eu-west-2"
BUCKET_DROP, BUCKET_EVIDENCE, BATCH_TABLE = "bench-print-drop", "bench-evidence", "bench-print-batches"
SERIALIZER = TypeSerializer()


def synthetic_councils(count: int) -> CouncilRegistry:
    """`count` valid councils modelled on the demo council (codes BENCH001...)."""
    template = json.loads(COUNCILS_FILE.read_text())[0]
    return parse_councils([template | {"code": f"BENCH{number:03d}", "name": f"Bench Council {number}"} for number in range(count)])


def start_moto(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probe = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name=REGION,
                         aws_access_key_id="bench", aws_secret_access_key="bench")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe.list_buckets()
            return process
        except Exception:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("moto server did not start")


def bench_case_id(council_code: str) -> str:
    """One case per council holds its badges (as an organisation's case would), so one photo per council serves them."""
    return f"{council_code}-BENCH"


def photo_key(council_code: str) -> str:
    return f"{case_evidence_prefix(council_code, bench_case_id(council_code))}photo.jpg"


def load(clients, councils: CouncilRegistry, total: int) -> None:
    """`total` ORDERED STANDARD badges spread over the councils, written with BatchWriteItem."""
    now = datetime.now(UTC)
    holder = Holder(forenames="Ada", surname="Lovelace", date_of_birth=date(1958, 12, 10), gender=Gender.FEMALE,
                    address=Address(line1="12 Mill Lane", town="Northby", postcode="NE1 4XF"))
    codes = [council.code for council in councils]
    items: dict[str, list] = {code: [] for code in codes}
    for number in range(total):
        code = codes[number % len(codes)]
        badge = Badge(badge_number=badge_number_for(1_000_000 + number), council_code=code, case_id=bench_case_id(code),
                      start_date=now.date(), expiry_date=now.date() + timedelta(days=1000), deliver_to=DeliverTo.HOME,
                      delivery_option=DeliveryOption.STANDARD, batch_type=PrintBatchType.STANDARD, holder=holder,
                      photo_key=photo_key(code), ordered_at=now, updated_at=now)
        items[code].append(BadgeStore._record_item(badge))
    for code, rows in items.items():
        table = council_table_name(code)
        for start in range(0, len(rows), 25):
            clients["dynamodb"].batch_write_item(RequestItems={table: [
                {"PutRequest": {"Item": {name: SERIALIZER.serialize(value) for name, value in row.items()}}} for row in rows[start:start + 25]]})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--councils", type=int, default=200)
    parser.add_argument("--port", type=int, default=15555)
    args = parser.parse_args(argv)

    print(f"{'badges':>7} {'councils':>8} {'bare read s':>11} {'dispatch s':>10} {'ratio':>6} {'badges/s':>8} "
          f"{'peak MiB (py)':>13} {'RSS +MiB':>8} {'extract MiB':>11}")
    for size in args.sizes:
        server = start_moto(args.port)
        try:
            endpoint = f"http://127.0.0.1:{args.port}"
            session = boto3.session.Session(region_name=REGION, aws_access_key_id="bench", aws_secret_access_key="bench")
            clients = {name: session.client(name, endpoint_url=endpoint) for name in ("dynamodb", "s3")}
            councils = synthetic_councils(args.councils)
            for council in councils:
                _create_table(clients["dynamodb"], council_table_name(council.code), CASE_TABLE_LAYOUT)
            _create_table(clients["dynamodb"], BATCH_TABLE, PRINT_BATCH_TABLE_LAYOUT)
            for bucket in (BUCKET_DROP, BUCKET_EVIDENCE):
                clients["s3"].create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            for council in councils:
                clients["s3"].put_object(Bucket=BUCKET_EVIDENCE, Key=photo_key(council.code), Body=tiny_jpeg())
            load(clients, councils, size)

            def store_for(code: str) -> BadgeStore:
                return BadgeStore(clients["dynamodb"], council_table_name(code))

            started = time.perf_counter()
            for council in councils:
                cursor = None
                while True:
                    _, cursor = store_for(council.code).print_queue(PrintBatchType.STANDARD, limit=100, after=cursor)
                    if cursor is None:
                        break
            bare = time.perf_counter() - started

            desk = PrintDesk(councils=councils, store_for=store_for, batches=PrintBatches(clients["dynamodb"], BATCH_TABLE),
                             open_upload=lambda key: S3Upload(clients["s3"], BUCKET_DROP, key),
                             exists=lambda key: False, photos_for=lambda code: Photos(clients["s3"], BUCKET_EVIDENCE))
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            started = time.perf_counter()
            batch = dispatch(desk, PrintBatchType.STANDARD, f"bench-{size}", lambda: datetime.now(UTC))
            elapsed = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
            size_bytes = clients["s3"].head_object(Bucket=BUCKET_DROP, Key=f"supplier/to-supplier/{batch.filename}")["ContentLength"]
            assert sum(batch.written.values()) == size, batch
            print(f"{size:>7} {len(councils):>8} {bare:>11.1f} {elapsed:>10.1f} {elapsed / bare:>6.1f} {size / elapsed:>8.0f} "
                  f"{peak / 2**20:>13.1f} {rss_growth:>8.1f} {size_bytes / 2**20:>11.1f}", flush=True)
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
