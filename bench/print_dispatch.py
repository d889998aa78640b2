"""Benchmark: the nightly print dispatch against a bare read of the same ORDERED badges, at the same concurrency.

Run on demand (not part of the tests):  .venv/bin/python -m bench.print_dispatch [--sizes 1000 10000] [--councils 200]

moto runs as a server in a separate process, so this process holds only the dispatch itself. For each size (badges
spread over the councils, written straight into the council tables for the set-up, not timed) one run prints, side by side:
- the bare read: every council's print queue paged and parsed, COUNCILS_AT_ONCE councils at a time - the floor;
- the dispatch: take the badges PROCESSED with their audit entries (one transaction per council and 50 badges),
  write and upload the STANDARD extract (with photos);
- their times (tracemalloc off), the ratio, the AWS requests per badge of each, and the dispatch's peak memory,
  measured in a separate run with tracemalloc on (it slows the client about 3x, so it is never timed);
- moto's share: moto copies every table a transaction names once per item of the transaction (its rollback backup),
  so a transaction costs it far more than DynamoDB. The dispatch is run again on a moto whose backup is not copied
  (nothing in the bench fails, so nothing is rolled back: the requests and the results are the same); the difference
  is moto's, shown beside the number of transactions and their mean time on each;
- whose CPU: the seconds of CPU the moto server's process and this process (the dispatch itself: our code, botocore,
  the HTTP client) each spent on the bare read and on the dispatch. Both share the machine's cores, so the time of a
  run follows their sum.
The bench's badges share one photo per council (one case per council holds them), so consecutive badges share a read;
with a photo per person, add one S3 GetObject per badge (the "photo GETs" column counts them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.types import TypeSerializer

from infra.local.provision import _create_table
from infra.local.seed import tiny_jpeg
from shared.core.domain.council import (
    COUNCILS_FILE,
    CouncilConfig,
    CouncilRegistry,
    parse_councils,
)
from shared.core.domain.evidence import case_evidence_prefix
from shared.resources import (
    CASE_TABLE_LAYOUT,
    PRINT_BATCH_TABLE_LAYOUT,
    SUPPLIER_OUTBOX,
    council_table_name,
)
from shared.services.blue_badge.adapters.badge_store import BadgeStore
from shared.services.blue_badge.adapters.print_store import (
    Photos,
    PrintBatches,
    S3Upload,
)
from shared.services.blue_badge.domain.application import Address, Gender, Holder
from shared.services.blue_badge.domain.badge import (
    Badge,
    DeliverTo,
    DeliveryOption,
    PrintBatchType,
    badge_number_for,
)
from shared.services.blue_badge.logic.print_dispatch import (
    COUNCILS_AT_ONCE,
    PrintDesk,
    dispatch,
)

REGION = "eu-west-2"
BUCKET_DROP, BUCKET_EVIDENCE, BATCH_TABLE = "bench-print-drop", "bench-evidence", "bench-print-batches"
SERIALIZER = TypeSerializer()

# moto's server with its transaction backup taken by reference instead of copied (moto.dynamodb.models copies each
# table a transaction names, once per item, before writing): the same requests, without moto's own copying.
MOTO_WITHOUT_TABLE_COPIES = """
import copy, sys, types
import moto.dynamodb.models as models
from moto.server import main

def deepcopy(value, memo=None):
    return value if isinstance(value, models.Table) else copy.deepcopy(value, memo)

models.copy = types.SimpleNamespace(deepcopy=deepcopy)
main(sys.argv[1:])
"""


def synthetic_councils(count: int) -> CouncilRegistry:
    """`count` valid councils modelled on the demo council (codes BENCH001...)."""
    template = json.loads(COUNCILS_FILE.read_text())[0]
    return parse_councils([template | {"code": f"BENCH{number:03d}", "name": f"Bench Council {number}"} for number in range(count)])


def start_moto(port: int, copy_tables: bool) -> subprocess.Popen:
    code = ["-m", "moto.server"] if copy_tables else ["-c", MOTO_WITHOUT_TABLE_COPIES]
    process = subprocess.Popen([sys.executable, *code, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    """One case per council holds its badges, so one photo per council serves them."""
    return f"{council_code}-BENCH"


def photo_key(council_code: str) -> str:
    return f"{case_evidence_prefix(council_code, bench_case_id(council_code))}photo.jpg"


@dataclass
class Calls:
    """AWS requests made through the bench's clients, by operation, with the time spent waiting on each kind."""

    counts: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def watch(self, client: Any) -> None:
        client.meta.events.register("before-call.*.*", self._started)
        client.meta.events.register("after-call.*.*", self._ended)

    def _started(self, context: dict, **_: Any) -> None:
        context["bench_started"] = time.perf_counter()

    def _ended(self, model: Any, context: dict, **_: Any) -> None:
        with self._lock:
            self.counts[model.name] += 1
            self.seconds[model.name] += time.perf_counter() - context.pop("bench_started")

    def reset(self) -> None:
        self.counts.clear()
        self.seconds.clear()

    def total(self) -> int:
        return sum(self.counts.values())

    def mean_ms(self, operation: str) -> float:
        return 1000 * self.seconds[operation] / self.counts[operation] if self.counts[operation] else 0.0


class Stack:
    """A fresh moto server with the councils' tables, the buckets and `size` ORDERED STANDARD badges."""

    def __init__(self, port: int, councils: CouncilRegistry, size: int, copy_tables: bool):
        self.server = start_moto(port, copy_tables)
        self.calls = Calls()
        session = boto3.session.Session(region_name=REGION, aws_access_key_id="bench", aws_secret_access_key="bench")
        self.clients = {name: session.client(name, endpoint_url=f"http://127.0.0.1:{port}") for name in ("dynamodb", "s3")}
        self.councils = councils
        self.size = size
        for council in councils:
            _create_table(self.clients["dynamodb"], council_table_name(council.code), CASE_TABLE_LAYOUT)
        _create_table(self.clients["dynamodb"], BATCH_TABLE, PRINT_BATCH_TABLE_LAYOUT)
        for bucket in (BUCKET_DROP, BUCKET_EVIDENCE):
            self.clients["s3"].create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        for council in councils:
            self.clients["s3"].put_object(Bucket=BUCKET_EVIDENCE, Key=photo_key(council.code), Body=tiny_jpeg())
        self._load()
        for client in self.clients.values():  # counted from here: the set-up is not
            self.calls.watch(client)

    def _load(self) -> None:
        """The badges, spread over the councils, written with BatchWriteItem."""
        now = datetime.now(UTC)
        holder = Holder(forenames="Ada", surname="Lovelace", date_of_birth=date(1958, 12, 10), gender=Gender.FEMALE,
                        address=Address(line1="12 Mill Lane", town="Northby", postcode="NE1 4XF"))
        codes = [council.code for council in self.councils]
        items: dict[str, list] = {code: [] for code in codes}
        for number in range(self.size):
            code = codes[number % len(codes)]
            badge = Badge(badge_number=badge_number_for(1_000_000 + number), council_code=code, case_id=bench_case_id(code),
                          start_date=now.date(), expiry_date=now.date() + timedelta(days=1000), deliver_to=DeliverTo.HOME,
                          delivery_option=DeliveryOption.STANDARD, batch_type=PrintBatchType.STANDARD, holder=holder,
                          photo_key=photo_key(code), ordered_at=now, updated_at=now)
            items[code].append(BadgeStore._record_item(badge))
        for code, rows in items.items():
            table = council_table_name(code)
            for start in range(0, len(rows), 25):
                self.clients["dynamodb"].batch_write_item(RequestItems={table: [
                    {"PutRequest": {"Item": {name: SERIALIZER.serialize(value) for name, value in row.items()}}}
                    for row in rows[start:start + 25]]})

    def store_for(self, code: str) -> BadgeStore:
        return BadgeStore(self.clients["dynamodb"], council_table_name(code))

    def bare_read(self) -> float:
        """Every council's print queue, paged and parsed, as many councils at once as the dispatch works on."""
        def read(council: CouncilConfig) -> int:
            cursor, count = None, 0
            while True:
                badges, cursor = self.store_for(council.code).print_queue(PrintBatchType.STANDARD, limit=100, after=cursor)
                count += len(badges)
                if cursor is None:
                    return count

        started = time.perf_counter()
        with ThreadPoolExecutor(COUNCILS_AT_ONCE) as pool:
            found = sum(pool.map(read, self.councils))
        elapsed = time.perf_counter() - started
        assert found == self.size, (found, self.size)
        return elapsed

    def dispatch(self, run_id: str) -> float:
        desk = PrintDesk(councils=self.councils, store_for=self.store_for, batches=PrintBatches(self.clients["dynamodb"], BATCH_TABLE),
                         open_upload=lambda key: S3Upload(self.clients["s3"], BUCKET_DROP, key),
                         exists=lambda key: False, photos_for=lambda code: Photos(self.clients["s3"], BUCKET_EVIDENCE))
        started = time.perf_counter()
        batch = dispatch(desk, PrintBatchType.STANDARD, run_id, lambda: datetime.now(UTC))
        elapsed = time.perf_counter() - started
        assert sum(batch.written.values()) == self.size and not batch.skipped, batch
        self.extract_key = SUPPLIER_OUTBOX + batch.filename
        return elapsed

    def server_cpu(self) -> float:
        """CPU seconds the moto server's process has used (user + system, from /proc)."""
        fields = Path(f"/proc/{self.server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def extract_mib(self) -> float:
        return self.clients["s3"].head_object(Bucket=BUCKET_DROP, Key=self.extract_key)["ContentLength"] / 2**20

    def close(self) -> None:
        self.server.terminate()
        self.server.wait()


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(size: int, councils: CouncilRegistry, port: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    stack = Stack(port, councils, size, copy_tables=True)
    try:
        server, own = stack.server_cpu(), own_cpu()
        figures["bare"] = stack.bare_read()
        figures["bare_cpu"] = (stack.server_cpu() - server, own_cpu() - own)
        figures["bare_calls"] = stack.calls.total()
        stack.calls.reset()
        server, own = stack.server_cpu(), own_cpu()
        figures["dispatch"] = stack.dispatch(f"bench-{size}")
        figures["dispatch_cpu"] = (stack.server_cpu() - server, own_cpu() - own)
        figures["calls"] = Counter(stack.calls.counts)
        figures["transaction_ms"] = stack.calls.mean_ms("TransactWriteItems")
        figures["query_ms"] = stack.calls.mean_ms("Query")
        figures["extract_mib"] = stack.extract_mib()
    finally:
        stack.close()
    stack = Stack(port, councils, size, copy_tables=False)
    try:
        figures["bare_no_copy"] = stack.bare_read()
        figures["dispatch_no_copy"] = stack.dispatch(f"bench-{size}")
        figures["transaction_ms_no_copy"] = stack.calls.mean_ms("TransactWriteItems")
    finally:
        stack.close()
    stack = Stack(port, councils, size, copy_tables=False)  # memory: its own run, tracemalloc on, not timed
    try:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        stack.dispatch(f"bench-{size}")
        figures["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        figures["rss_mib"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    finally:
        stack.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--councils", type=int, default=200)
    parser.add_argument("--port", type=int, default=15555)
    args = parser.parse_args(argv)
    councils = synthetic_councils(args.councils)

    print(f"{COUNCILS_AT_ONCE} councils at once; times in seconds with tracemalloc off; requests per badge (req/b)")
    print(f"{'':>16} | {'moto as is':^43} | {'moto without table copies':^25} | {'memory run':^18}")
    print(f"{'badges councils':>16} | {'bare s':>6} {'req/b':>5} {'dispatch s':>10} {'ratio':>5} {'req/b':>5} {'photo GETs/b':>6} | "
          f"{'bare s':>6} {'dispatch s':>10} {'ratio':>5} | {'peak MiB':>8} {'RSS +MiB':>8}")
    for size in args.sizes:
        f = measure(size, councils, args.port)
        calls: Counter = f["calls"]
        print(f"{size:>7} {len(councils):>8} | {f['bare']:>6.2f} {f['bare_calls'] / size:>5.2f} {f['dispatch']:>10.2f} "
              f"{f['dispatch'] / f['bare']:>5.1f} {sum(calls.values()) / size:>5.2f} {calls['GetObject'] / size:>12.2f} | "
              f"{f['bare_no_copy']:>6.2f} {f['dispatch_no_copy']:>10.2f} {f['dispatch_no_copy'] / f['bare_no_copy']:>5.1f} | "
              f"{f['peak_mib']:>8.1f} {f['rss_mib']:>8.1f}", flush=True)
        print(f"{'':>16}   requests: {', '.join(f'{name} {count}' for name, count in calls.most_common())}; "
              f"extract {f['extract_mib']:.1f} MiB")
        moto_share = f["dispatch"] - f["dispatch_no_copy"]
        print(f"{'':>16}   moto's share: {calls['TransactWriteItems']} transactions at {f['transaction_ms']:.0f} ms each "
              f"({f['transaction_ms_no_copy']:.0f} ms without moto's table copies; a Query {f['query_ms']:.0f} ms): "
              f"{moto_share:.2f} s of the {f['dispatch']:.2f} s dispatch is moto copying tables", flush=True)
        (bare_server, bare_own), (server, own) = f["bare_cpu"], f["dispatch_cpu"]
        print(f"{'':>16}   CPU s, moto server + this process: bare read {bare_server:.2f} + {bare_own:.2f}, dispatch "
              f"{server:.2f} + {own:.2f} (moto {server / bare_server:.1f}x the bare read's, ours {own / bare_own:.1f}x)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
