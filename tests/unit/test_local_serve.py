"""A local stand-in run on its own prints where it listens, serves until Ctrl-C, and is stopped however it ends."""

from __future__ import annotations

import pytest

from infra.local import serve


class Stand:
    stopped = False

    def stop(self) -> None:
        self.stopped = True


class Interrupted:
    def wait(self) -> None:
        raise KeyboardInterrupt


class Failed:
    def wait(self) -> None:
        raise RuntimeError("broken")


def test_ctrl_c_stops_the_stand_in_and_exits_cleanly(monkeypatch, capsys):
    monkeypatch.setattr(serve.threading, "Event", Interrupted)
    stand = Stand()
    assert serve.serve_until_interrupted(stand, "Local thing on http://127.0.0.1:1/ (Ctrl-C stops)") == 0
    assert stand.stopped and capsys.readouterr().out == "Local thing on http://127.0.0.1:1/ (Ctrl-C stops)\n"


def test_anything_else_ending_it_still_stops_the_stand_in(monkeypatch):
    monkeypatch.setattr(serve.threading, "Event", Failed)
    stand = Stand()
    with pytest.raises(RuntimeError):
        serve.serve_until_interrupted(stand, "")
    assert stand.stopped


def test_the_received_page_escapes_what_it_shows_and_says_when_nothing_came():
    page = serve.received_page("Local thing: received", "Requests: 2.", ("When", "Who", "Body"),
                               [("2026-12-04T09:00:00Z", "<script>x</script>", {"name": "Zoë & co"})])
    assert "<td>&lt;script&gt;x&lt;/script&gt;</td>" in page and "<script>x" not in page
    assert '<pre>{\n  &quot;name&quot;: &quot;Zoë &amp; co&quot;\n}</pre>' in page
    assert "<th>When</th><th>Who</th><th>Body</th>" in page and "<h1>Local thing: received</h1>" in page
    empty = serve.received_page("Local thing: received", "Requests: 0.", ("When", "Who", "Body"), [])
    assert '<tr><td colspan="3">Nothing received yet.</td></tr>' in empty
