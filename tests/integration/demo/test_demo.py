"""`ivrd demo`: prints working credentials, serves the API, and stops everything on Ctrl-C."""

import base64
import json
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.timeout(120)
def test_demo_serves_the_api_with_the_printed_credentials(tmp_path: Path) -> None:
    bind = f"127.0.0.1:{_free_port()}"
    demo = subprocess.Popen(
        [sys.executable, "-m", "ivrd.cli", "demo", "--bind", bind, "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert demo.stdout is not None
        lines = []
        while not lines or "ready" not in lines[-1]:
            line = demo.stdout.readline()
            assert line, f"demo ended early: {lines}"
            lines.append(line)
        text = "".join(lines)
        url = re.search(r"REST API at (\S+)", text).group(1)  # type: ignore[union-attr]
        user, password = re.search(r"superuser: (\S+)\s+password: (\S+)", text).groups()  # type: ignore[union-attr]
        auth = base64.b64encode(f"{user}:{password}".encode()).decode()
        request = urllib.request.Request(f"{url}users/", headers={"Authorization": f"Basic {auth}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
        assert body["count"] == 1 and body["results"][0]["username"] == "admin"
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=30) == 0
    with socket.socket() as probe:  # the API went away with the demo
        assert probe.connect_ex(("127.0.0.1", int(bind.split(":")[1]))) != 0
