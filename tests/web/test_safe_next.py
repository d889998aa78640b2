"""Where sign-in sends a person afterwards: only paths on this site, however a browser would read the address."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from web.pages.account import safe_next

SITE = "https://casework.example/"

SAME_SITE = [
    "/search",
    "/cases/NORTHSHIRE-260101-ABC123",
    "/queue?stage=DECISION&page=2",
    "/cases/NORTHSHIRE-260101-ABC123/person#history",
    "/a%20b",  # an encoded space is still a path here
]
HOSTILE = [
    None,
    "",
    "search",  # relative
    "//evil.example/x",
    "/\\evil.example/x",
    "\\/evil.example/x",
    "/\t/evil.example/x",  # browsers drop the tab: //evil.example/x
    "/\n/evil.example/x",
    "/\r/evil.example/x",
    "/\x00/x",
    "/x\x7f",
    "/%09/evil.example/x",
    "/%0a/evil.example/x",
    "/%5Cevil.example/x",  # \ encoded
    "/%2F/evil.example/x",  # / encoded
    "/%252F/evil.example/x",  # twice encoded
    "/%25252525252Fevil.example",  # encoded more often than any path of ours
    "https://evil.example/x",
    "https:evil.example",
    "javascript:alert(1)",
    "/" + "a" * 500,
]


@pytest.mark.parametrize("path", SAME_SITE)
def test_paths_on_this_site_are_kept(path):
    assert safe_next(path) == path


@pytest.mark.parametrize("path", HOSTILE)
def test_anything_a_browser_could_read_as_another_site_goes_home(path):
    assert safe_next(path) == "/"


@pytest.mark.parametrize("path", SAME_SITE + HOSTILE)
def test_every_answer_stays_on_this_site_as_a_browser_resolves_it(path):
    # WHATWG URL parsing drops tabs and newlines and reads \ as / in http(s) URLs; urljoin after doing the same.
    kept = safe_next(path)
    as_browser_reads = kept.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    assert urljoin(SITE, as_browser_reads).startswith(SITE)


def test_the_sign_in_form_carries_only_a_safe_next_path(browser):
    page = browser.get("/sign-in?next=/%09/evil.example/x")
    assert 'name="next" value="/"' in page.html
    assert browser.get("/sign-in?next=/search").html.count('name="next" value="/search"') == 1
