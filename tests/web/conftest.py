"""The web UI through its real handler on the local stack (moto in-process): a small cookie-keeping client.

Browser behaviour (JavaScript, layout, accessibility) is tested in tests/browser with Chromium; here the
pages are driven as HTML over the same API Gateway events, which is fast enough to cover every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from infra.local.bridge import lambda_context
from infra.local.http_api import proxy_event
from infra.local.seed import DEMO_PASSWORD
from tests.integration.conftest import stack  # noqa: F401  (the same package-scoped moto stack, provisioned for tests/web)
from shared.resources import DEFAULT_REGION, WEB_FUNCTION, Role, council_group


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    html: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def csrf_token(self) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', self.html) or re.search(r'data-csrf-token="([^"]+)"', self.html)
        assert match, "no CSRF token on the page"
        return match.group(1)

    @property
    def text(self) -> str:
        """The page's visible words, tags removed and spaces collapsed (for assertions on wording)."""
        body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", self.html, flags=re.S)
        return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()

    @property
    def title(self) -> str:
        match = re.search(r"<title[^>]*>(.*?)</title>", self.html, flags=re.S)
        return unescape(match.group(1).strip()) if match else ""


class Browser:
    """Keeps cookies like a browser and sends form posts as a browser does (urlencoded)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict[str, Any] | list[tuple[str, str]] | None = None, headers: dict[str, str] | None = None) -> Page:
        from functions.web.handler import lambda_handler

        body = urlencode(fields, doseq=True).encode() if fields is not None else b""
        sent = [("Host", "localhost")]
        if fields is not None:
            sent.append(("Content-Type", "application/x-www-form-urlencoded"))
        if self.cookies:
            sent.append(("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items())))
        sent += list((headers or {}).items())
        event = proxy_event(method, path, sent, body, "127.0.0.1", {}, "localhost")
        response = lambda_handler(event, lambda_context(WEB_FUNCTION))
        for raw in (response.get("multiValueHeaders") or {}).get("Set-Cookie", []):
            for name, morsel in SimpleCookie(raw).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        headers_out = {name: values[-1] for name, values in (response.get("multiValueHeaders") or {}).items()}
        headers_out.update(response.get("headers") or {})
        return Page(response["statusCode"], headers_out, response.get("body") or "", dict(self.cookies))

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, Any] | list[tuple[str, str]], headers: dict[str, str] | None = None) -> Page:
        return self.request("POST", path, fields, headers)

    def submit(self, path: str, fields: dict[str, Any]) -> Page:
        """GET the form page, then post it with its CSRF token, as a person filling it in would."""
        token = self.get(path).csrf_token
        return self.post(path, {**fields, "csrf_token": token})

    def sign_in(self, email: str, password: str = DEMO_PASSWORD, next_path: str = "/") -> Page:
        form = self.get(f"/sign-in?next={next_path}")
        return self.post("/sign-in", {"email": email, "password": password, "next": next_path, "csrf_token": form.csrf_token})


@pytest.fixture(scope="package")
def staff(stack):
    """Creates a staff login in the user pool: staff(council, *roles) -> email."""
    cognito = boto3.client("cognito-idp", region_name=DEFAULT_REGION)
    made: set[str] = set()

    def make(council: str | None, *roles: Role, email: str | None = None) -> str:
        email = email or f"{'-'.join(role.value for role in roles) or 'nobody'}.{(council or 'national').lower()}@example.gov.uk"
        if email in made:
            return email
        cognito.admin_create_user(
            UserPoolId=stack.user_pool_id, Username=email, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        )
        cognito.admin_set_user_password(UserPoolId=stack.user_pool_id, Username=email, Password=DEMO_PASSWORD, Permanent=True)
        for role in roles:
            cognito.admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=email, GroupName=council_group(council, role))
        made.add(email)
        return email
    return make


@pytest.fixture
def leader(browser, staff) -> Browser:
    """A browser signed in as a Northshire team leader."""
    browser.sign_in(staff("NORTHSHIRE", Role.TEAM_LEADER))
    return browser


@pytest.fixture
def browser(stack) -> Browser:
    return Browser()


@pytest.fixture
def signed_in(browser, staff):
    """A browser signed in as a Northshire caseworker (or the given roles): signed_in(council, *roles)."""
    def make(council: str = "NORTHSHIRE", *roles: Role) -> Browser:
        email = staff(council, *(roles or (Role.CASEWORKER,)))
        page = browser.sign_in(email)
        assert page.status == 303, page.text
        return browser
    return make
