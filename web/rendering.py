"""Jinja rendering with GOV.UK Frontend's macros, and the headers every page carries."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import Response
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape

from shared.resources import WEB_ASSETS_PATH
from shared.services.registry import SERVICES

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
HTML = "text/html; charset=utf-8"
# Pages outside any council's session (sign-in, errors) carry the deployment's first service's name.
SERVICE_NAME = SERVICES.get(SERVICES.legacy).staff_title


def security_headers(nonce: str, evidence_origin: str | None = None) -> dict[str, str]:
    """CSP with a per-response nonce for GOV.UK's one inline script; evidence comes from S3 by pre-signed URL."""
    extra = f" {evidence_origin}" if evidence_origin else ""
    frames = evidence_origin or "'none'"
    policy = "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            f"img-src 'self' data:{extra}",
            f"frame-src {frames}",
            f"form-action 'self'{extra}",  # the applicant's upload goes straight to S3
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )
    return {
        "Content-Security-Policy": policy,
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",  # reply links carry a secret token in their path
        "Cache-Control": "no-store",  # pages hold personal data; nothing is cached by browsers or CloudFront
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _format_date(value: date | datetime | str | None, with_time: bool = False) -> str:
    """GOV.UK style dates: 4 June 2026, 2:15pm."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    text = f"{value.day} {value:%B %Y}"
    if with_time and isinstance(value, datetime):
        hour = value.hour % 12 or 12
        text += f", {hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"
    return text


def _label(value: Any) -> str:
    """An enum value as words: AWAITING_INFORMATION -> Awaiting information."""
    text = str(getattr(value, "value", value)).replace("_", " ").replace("-", " ").lower()
    return text[:1].upper() + text[1:]


@cache
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader(TEMPLATES_DIR), PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
        ),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["govuk_date"] = _format_date
    env.filters["govuk_datetime"] = lambda value: _format_date(value, with_time=True)
    env.filters["label"] = _label
    env.globals.update(serviceName=SERVICE_NAME, assetPath=WEB_ASSETS_PATH.rstrip("/"))
    return env


def render_html(template: str, status: HTTPStatus = HTTPStatus.OK, *, evidence_origin: str | None = None, **context: Any) -> Response:
    nonce = secrets.token_urlsafe(16)
    body = environment().get_template(template).render(cspNonce=nonce, **context)
    return Response(status_code=status, content_type=HTML, body=body, headers=security_headers(nonce, evidence_origin))


def redirect(location: str, status: HTTPStatus = HTTPStatus.SEE_OTHER, cookies: list | None = None) -> Response:
    return Response(status_code=status, headers={"Location": location, "Cache-Control": "no-store"}, cookies=cookies or [])
