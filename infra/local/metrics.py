"""`python -m infra.local.metrics` (or `./dev metrics`): the business figures per council, as the running `./dev run` has
emitted them.

In AWS, the handlers' embedded-metric-format (EMF) log lines land in their log groups and CloudWatch turns each into
data points. Locally the handlers run inside `python -m infra.local`, which keeps every EMF line they print in a log
file of its own (`keep_emf_lines`, the stand-in for the log groups; emptied at each start). This command reads that
file and adds the figures up per council and for the platform, series by series (a metric under one exact set of
dimensions, as CloudWatch keys it), each with the statistic the catalogue gives it: Sum for counts, Maximum for levels.
(moto's CloudWatch is no help here: it matches dimensions as a subset, so a council's total would count each
application twice.)
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from infra.local.commands import command_parser
from shared.core.domain.metrics import COUNCIL

EmfSink = Callable[[dict[str, Any]], None]
Figures = dict[str | None, dict[tuple[str, str], float]]  # council (None: platform) -> (metric, other dimensions) -> value


class EmfTee(io.TextIOBase):
    """Stands in for sys.stdout: writes through, and hands each complete line that is an EMF document to `sink`.
    Lines are assembled per thread (print writes a line and its newline separately; handlers run in several threads)."""

    def __init__(self, stream: TextIO, sink: EmfSink):
        self.stream = stream
        self.sink = sink
        self._partial = threading.local()

    def write(self, text: str) -> int:
        written = self.stream.write(text)
        pending = getattr(self._partial, "text", "") + text
        *lines, self._partial.text = pending.split("\n")
        for line in lines:
            document = emf_document(line)
            if document is not None:
                self.sink(document)
        return written

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


def emf_document(line: str) -> dict[str, Any] | None:
    """The EMF document a log line holds, or None for any other line."""
    if not line.startswith('{"_aws"'):
        return None
    try:
        document = json.loads(line)
    except ValueError:
        return None
    return document if isinstance(document, dict) and "CloudWatchMetrics" in document.get("_aws", {}) else None


def emf_log(moto_port: int) -> Path:
    """Where the local stack on `moto_port` keeps its handlers' EMF lines."""
    return Path(tempfile.gettempdir()) / f"casework-local-metrics-{moto_port}.jsonl"


def keep_emf_lines(path: Path) -> None:
    """From now on, every EMF line printed in this process is also appended to `path` (emptied first)."""
    path.write_text("", encoding="utf-8")
    lock = threading.Lock()

    def append(document: dict[str, Any]) -> None:
        with lock, path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(document, separators=(",", ":")) + "\n")

    sys.stdout = EmfTee(sys.stdout, append)


def figures(documents: Iterable[dict[str, Any]], since: datetime) -> Figures:
    """Every series the documents written since `since` carry, added up with the catalogue's statistic."""
    from shared.core.adapters.metrics import all_metrics

    catalogue = all_metrics()
    found: Figures = {}
    for document in documents:
        if datetime.fromtimestamp(document["_aws"]["Timestamp"] / 1000, UTC) < since:
            continue
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for names in directive["Dimensions"]:
                dimensions = {name: str(document[name]) for name in names}
                council = dimensions.pop(COUNCIL, None)
                described = ", ".join(f"{name}={value}" for name, value in sorted(dimensions.items()))
                for metric in directive["Metrics"]:
                    name = metric["Name"]
                    gauge = name in catalogue and catalogue.get(name).gauge
                    values = document[name] if isinstance(document[name], list) else [document[name]]
                    series = found.setdefault(council, {})
                    earlier = series.get((name, described))
                    if gauge:  # a level: the latest reading is what stands now
                        series[(name, described)] = float(values[-1])
                    else:
                        series[(name, described)] = (earlier or 0.0) + sum(float(value) for value in values)
    return found


def report(found: Figures) -> str:
    lines = []
    for council in sorted(found, key=lambda code: (code is None, code or "")):
        lines.append(f"{council or 'Platform (all councils)'}:")
        for (name, dimensions), value in sorted(found[council].items()):
            lines.append(f"  {name:<36} {dimensions:<56} {value:g}")
    return "\n".join(lines) if lines else "No business metrics in this period."


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("metrics", __doc__)
    parser.add_argument("--hours", type=float, default=24, help="the figures of the last N hours (default 24)")
    args = parser.parse_args(argv)
    path = emf_log(args.moto_port)
    if not path.is_file():
        print(f"No metrics log at {path}: is `./dev run` running (with --moto-port {args.moto_port})?", file=sys.stderr)
        return 1
    documents = (document for line in path.read_text(encoding="utf-8").splitlines() if (document := emf_document(line)))
    print(report(figures(documents, datetime.now(UTC) - timedelta(hours=args.hours))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
