"""`python -m infra.local` starts the servers, prints where they are, and stops cleanly on SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from shared.resources import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_starts_serves_and_stops_cleanly_on_sigterm():
    api_port, moto_port = _free_port(), _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "MOTO_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local", "--no-seed", "--port", str(api_port), "--moto-port", str(moto_port)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        output = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Ctrl-C stops" in line:
                break
        banner = "".join(output)
        assert f"http://127.0.0.1:{api_port}" in banner and f"http://127.0.0.1:{moto_port}" in banner, banner

        try:
            urllib.request.urlopen(f"http://127.0.0.1:{api_port}/cases", timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 401 and json.loads(error.read()) == {"message": "Unauthorized"}

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
