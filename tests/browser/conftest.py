"""Browser tests: Debian's Chromium, headless, driven by Playwright, against the real local stack (`python -m infra.local`
with its demo data, in a subprocess started once per test session).

Writing one (any test_*.py in this folder):
- every test here joins the xdist group "browser" (added below), so with `--dist loadgroup` (pyproject.toml's addopts)
  one worker runs them all and the stack starts once; the marker `browser` selects or skips them (`-m "not browser"`);
- take the `page` fixture: a fresh browser context (no cookies) whose base URL is the stack's web UI, so
  `page.goto("/queue")`; it fails the test on a JavaScript error, a Content-Security-Policy violation or a failed
  asset, and saves a screenshot of the page when the test fails;
- `sign_in(page, demo_user("NORTHSHIRE", Role.TEAM_LEADER))`, `sign_out(page)`;
- `check_accessibility(page)` on every page state worth checking (axe-core, WCAG 2.0-2.2 A and AA);
- `screenshot(page, "queue")` saves test-artifacts/screenshots/queue.png (full page; for the README and CI artefacts);
- `tab_to(page, page.get_by_role("button", name="Continue"))` moves focus with the Tab key alone (keyboard journeys);
- `local_stack.api(user, "POST", "/applications", body)` calls the JSON API as a demo user (to set up a case of your
  own rather than depend on one another test may have moved on), `local_stack.client("dynamodb")` reaches moto.

While writing tests, point them at a stack you keep running instead of starting one per run:
`.venv/bin/python -m infra.local --web-port 8850 --port 8851 --moto-port 4751` in one terminal, then
`CASEWORK_BROWSER_STACK=8850,8851,4751 .venv/bin/python -m pytest tests/browser -n 0`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from infra.local.http_api import TOKEN_PATH
from infra.local.seed import DEMO_PASSWORD, DemoUser, demo_users
from shared.core.domain.council import load_councils
from shared.resources import DEFAULT_REGION, PROJECT_ROOT, Role

BROWSER_GROUP = "browser"
HOST = "127.0.0.1"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (./dev test installs it); Playwright's own download is not used
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"  # npm devDependency
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"  # git-ignored; CI keeps it
SCREENSHOTS = ARTIFACTS / "screenshots"
STACK_LOG = ARTIFACTS / "local-stack.log"
STARTED_BANNER = "Started in "  # the local stack's last banner line: everything is up and seeded
STACK_START_SECONDS = 300  # ~35 s on an idle machine; much longer while other test workers share the cores
STACK_STOP_SECONDS = 30
PAGE_TIMEOUT_MS = 15_000  # each Playwright wait; the local stack is slow while the seed's workflows settle
EXISTING_STACK_ENV = "CASEWORK_BROWSER_STACK"  # "WEB_PORT,API_PORT,MOTO_PORT" of a stack already running


@pytest.hookimpl(wrapper=True)  # around xdist's own hook, which turns the group marker into a node id suffix
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    here = Path(__file__).parent
    ours = [item for item in items if here in item.path.parents]
    for item in ours:
        item.add_marker(pytest.mark.xdist_group(BROWSER_GROUP))
        item.add_marker(pytest.mark.browser)
    result = yield
    _keep_the_group_together(config, ours)
    return result


def _keep_the_group_together(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Work around pytest-dev/pytest-xdist#1386 (xdist 3.8 with pytest 9.2): on a worker, --dist loadgroup marks a
    grouped test by suffixing the legacy `_nodeid` attribute, which pytest 9.2's structured node ids no longer read,
    so the group is silently spread over every worker (each would start its own stack). Put the suffix where pytest
    reads it. Does nothing where xdist's suffix took (an older pytest, a fixed xdist) or without loadgroup."""
    try:
        from _pytest.nodeid import NodeId  # pytest >= 9.2 only
    except ImportError:
        return
    if not getattr(config.option, "loadgroup", False):  # set on xdist workers only
        return
    suffix = f"@{BROWSER_GROUP}"
    for item in items:
        if not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    # Lets the `new_page` fixture see whether its test failed, to keep a screenshot of the page it failed on.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# ---------------------------------------------------------------- the local stack
@dataclass
class LocalStack:
    web_url: str
    api_url: str
    moto_endpoint: str
    _tokens: dict[str, str] = field(default_factory=dict, repr=False)

    def client(self, service: str) -> Any:
        """A boto3 client of the stack's moto server (e.g. to read what a journey stored)."""
        return boto3.client(service, endpoint_url=self.moto_endpoint, region_name=DEFAULT_REGION,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def api(self, user: DemoUser, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Call the JSON API as `user`: (status, decoded JSON body)."""
        headers = {"Authorization": f"Bearer {self._token(user)}", "Content-Type": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.api_url}{path}", data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def _token(self, user: DemoUser) -> str:
        if user.username not in self._tokens:
            request = urllib.request.Request(
                f"{self.api_url}{TOKEN_PATH}", method="POST", headers={"Content-Type": "application/json"},
                data=json.dumps({"username": user.username, "password": DEMO_PASSWORD}).encode(),
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                self._tokens[user.username] = json.loads(response.read())["IdToken"]
        return self._tokens[user.username]


def demo_user(council: str | None = "NORTHSHIRE", role: Role | None = Role.CASEWORKER) -> DemoUser:
    """A login the local stack's seed created (password DEMO_PASSWORD); council None is the national administrator."""
    [user] = [u for u in demo_users(load_councils()) if u.council_code == council and u.role == (role if council else None)]
    return user


def _free_ports(count: int) -> list[int]:
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in sockets:
            probe.bind((HOST, 0))
        return [probe.getsockname()[1] for probe in sockets]


def _urls(web: int, api: int, moto: int) -> LocalStack:
    return LocalStack(f"http://{HOST}:{web}", f"http://{HOST}:{api}", f"http://{HOST}:{moto}")


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStack]:
    """The whole system on moto with the demo seed, as `./dev run` starts it; stopped when the session ends."""
    existing = os.environ.get(EXISTING_STACK_ENV)
    if existing:
        yield _urls(*(int(port) for port in existing.split(",")))
        return
    web, api, moto = _free_ports(3)
    ARTIFACTS.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "infra.local", "--host", HOST, "--web-port", str(web), "--port", str(api), "--moto-port", str(moto)]
    # util-linux's setpriv (where there is one) stops the stack if this test run is killed, so no stack outlives it
    # holding its ports; a normal end stops it below.
    orphan_guard = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []
    process = subprocess.Popen(
        [*orphan_guard, *command], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    started = threading.Event()

    def keep_log() -> None:
        # Drain the stack's output all along (a full pipe would stall it) into a file CI keeps.
        with STACK_LOG.open("w", encoding="utf-8") as log:
            for line in process.stdout:
                log.write(line)
                log.flush()
                if line.startswith(STARTED_BANNER):
                    started.set()

    threading.Thread(target=keep_log, name="local-stack-log", daemon=True).start()
    try:
        deadline = time.monotonic() + STACK_START_SECONDS
        while not started.wait(1):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the local stack did not start ({' '.join(command)}); its output ends:\n{_tail(STACK_LOG)}")
        yield _urls(web, api, moto)
    finally:
        process.send_signal(signal.SIGTERM)  # the stack stops cleanly on SIGTERM, as on Ctrl-C
        try:
            process.wait(STACK_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]) if path.exists() else "(no output)"


# ---------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `./dev test` installs Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(request: pytest.FixtureRequest, local_stack: LocalStack, chromium: Browser) -> Iterator[Callable[[], Page]]:
    """Opens pages, each in a browser context of its own (its own cookies: e.g. a caseworker and an applicant at once),
    on the stack's web UI. JavaScript errors, CSP violations and failed assets on any of them fail the test."""
    opened: list[Page] = []
    problems: list[str] = []

    def open_page() -> Page:
        context = chromium.new_context(
            base_url=local_stack.web_url, viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/London"
        )
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        page = context.new_page()
        documents: set[str] = set()  # pages navigated to: a deliberate 4xx page (a form with errors) is not a problem
        page.on("framenavigated", lambda frame: documents.add(frame.url) if frame == page.main_frame else None)
        page.on("pageerror", lambda error: problems.append(f"JavaScript error on {page.url}: {error}"))
        page.on("console", lambda message: _console_problem(message, documents, problems))
        opened.append(page)
        return page

    yield open_page
    call = getattr(request.node, "report_call", None)
    for number, page in enumerate(opened):
        if call is not None and call.failed:
            with contextlib.suppress(Exception):
                screenshot(page, f"failed-{request.node.name}" + (f"-{number + 1}" if number else ""))
        page.context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    """A page in a fresh browser context (no cookies) on the stack's web UI: `page.goto("/")`."""
    return new_page()


def _console_problem(message: Any, documents: set[str], problems: list[str]) -> None:
    if message.type != "error":
        return
    if message.text.startswith("Failed to load resource") and message.location.get("url") in documents:
        return
    problems.append(f"console error on {message.location.get('url') or 'the page'}: {message.text}")


# ---------------------------------------------------------------- helpers
def sign_in(page: Page, user: DemoUser | str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the sign-in page: the current one if the UI sent us there (it then returns to where we were
    going), else /sign-in. Fails with the page's error summary if the sign-in is refused."""
    email = user if isinstance(user, str) else user.username
    if not _on_sign_in(page):
        page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if _on_sign_in(page):
        summary = page.locator(".govuk-error-summary")
        raise AssertionError(f"sign-in as {email} refused: {summary.inner_text() if summary.count() else page.title()}")


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="Sign out").click()
    assert _on_sign_in(page), page.url


def _on_sign_in(page: Page) -> bool:
    return re.search(r"^https?://[^/]+/sign-in(\?|$)", page.url) is not None


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now; fail listing each WCAG 2.2 A/AA violation and where it is."""
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async tags => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
        }))""",
        list(WCAG_TAGS),
    )
    if violations:
        pytest.fail(_describe(violations, page), pytrace=False)


def _describe(violations: list[dict], page: Page) -> str:
    lines = [f"axe-core: {len(violations)} accessibility violation(s) on {page.url} ({page.title()!r}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:200]}")
            lines.extend(f"      {detail}" for detail in node["summary"].splitlines())
    return "\n".join(lines)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def tab_to(page: Page, target: Locator, max_presses: int = 40) -> list[str]:
    """Press Tab until `target` has the focus; fail (listing where the focus went) if it never does. Returns that list."""
    visited: list[str] = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(
            """() => { const el = document.activeElement;
                return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${(el.innerText || el.value || el.name || "").trim().slice(0, 40)}"`; }"""
        ))
        if target.evaluate("el => el === document.activeElement"):
            return visited
    raise AssertionError(f"{max_presses} Tab presses never reached {target}; the focus went:\n  " + "\n  ".join(visited))
