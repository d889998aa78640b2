"""What the local stand-ins of outside services share (the CRM receiver, GOV.UK Notify): run on their own
(`python -m infra.local.<stand-in>`), each serves until Ctrl-C; each shows what it received as one HTML page."""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Sequence
from typing import Any, Protocol


class StandIn(Protocol):
    def stop(self) -> None: ...


def serve_until_interrupted(server: StandIn, banner: str) -> int:
    """Print `banner` (where the stand-in listens and how to use it), serve until Ctrl-C, then stop it; the exit code."""
    print(banner, flush=True)
    try:
        threading.Event().wait()  # the stand-in serves on its own threads
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def received_page(title: str, counts: str, headings: Sequence[str], rows: Sequence[Sequence[str | Any]]) -> str:
    """The stand-in's page of what it received, newest first as given: `counts` says how many requests it answered;
    each row's cells are text, escaped here, except the last, any JSON value, shown as indented JSON."""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row[:-1])
                   + f"<td><pre>{html.escape(json.dumps(row[-1], indent=2, ensure_ascii=False))}</pre></td></tr>" for row in rows)
    body = body or f'<tr><td colspan="{len(headings)}">Nothing received yet.</td></tr>'
    head = "".join(f"<th>{html.escape(heading)}</th>" for heading in headings)
    return (
        f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
        "padding:.4em;vertical-align:top;text-align:left}pre{margin:0;white-space:pre-wrap}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(counts)} <a href=\"/received.json\">As JSON</a></p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )
