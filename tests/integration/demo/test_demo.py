"""`ivrd demo`: credentials that work, a walkthrough that runs a campaign to its end, clean Ctrl-C."""

import base64
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _read_until(stream: "subprocess.IO[str]", marker: str) -> str:
    lines: list[str] = []
    while not lines or marker not in lines[-1]:
        line = stream.readline()
        assert line, f"demo ended early: {lines}"
        lines.append(line)
    return "".join(lines)


class Api:
    def __init__(self, url: str, user: str, password: str) -> None:
        self.url = url
        self.auth = base64.b64encode(f"{user}:{password}".encode()).decode()

    def get(self, path: str) -> object:
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"Basic {self.auth}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def wait_for(self, path: str, done: "callable[[object], bool]", timeout_s: float) -> object:
        """Polls a read-only API view until `done` holds (the daemon works in another process)."""
        deadline = time.monotonic() + timeout_s
        while True:
            body = self.get(path)
            if done(body) or time.monotonic() > deadline:
                return body
            time.sleep(0.5)


@pytest.mark.timeout(240)
def test_the_printed_walkthrough_runs_a_campaign_to_its_end(tmp_path: Path) -> None:
    bind = f"127.0.0.1:{_free_port()}"
    # The README's run command itself (it installs into .venv, then execs `ivrd demo`).
    demo = subprocess.Popen(
        ["bash", str(REPO / "scripts" / "run"), "--bind", bind, "--data-dir", str(tmp_path / "demo")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert demo.stdout is not None
        printed = _read_until(demo.stdout, "ready")
        url = re.search(r"REST API at (\S+)", printed).group(1)  # type: ignore[union-attr]
        user, password = re.search(r"superuser: (\S+)\s+password: (\S+)", printed).groups()  # type: ignore[union-attr]
        script = printed.split("----- walkthrough -----\n")[1].split("----- end -----")[0]
        api = Api(url, user, password)
        assert api.get("users/")["results"][0]["username"] == "admin"  # type: ignore[index]

        # Word for word: the printed commands, pasted into a shell.
        ran = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60)
        assert ran.returncode == 0, ran.stderr
        campaign_id = re.search(r"CAMPAIGN_ID=(\d+)", ran.stdout).group(1)  # type: ignore[union-attr]

        stats = api.wait_for(f"campaigns/{campaign_id}/stats/", lambda s: s["status"] == 4, 150)
        assert stats["status"] == 4, stats  # type: ignore[index]
        assert stats["total"] == 6 and stats["pending"] == 0 and stats["in_progress"] == 0  # type: ignore[index]
        assert stats["answered"] == 4 and stats["failed"] == 2  # type: ignore[index]
        results = api.get("results/")["results"]  # type: ignore[index]
        assert sorted(r["response"] for r in results) == ["Yes", "Yes", "Yes"]
        cdr = api.get("cdr/")["results"]  # type: ignore[index]
        assert {r["disposition"] for r in cdr} == {"ANSWER", "BUSY", "FAILED"}
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=30) == 0
    with socket.socket() as probe:  # the API went away with the demo
        assert probe.connect_ex(("127.0.0.1", int(bind.split(":")[1]))) != 0


@pytest.mark.timeout(120)
def test_with_a_configuration_it_runs_production_style(tmp_path: Path) -> None:
    """No simulator of its own: the daemon connects to the configured switch, the API serves."""
    port_file = tmp_path / "switch.port"
    switch = subprocess.Popen(
        [sys.executable, "-m", "ivrd.cli", "simulate", "--listen", "127.0.0.1:0", "--password", "s3cret",
         "--port-file", str(port_file)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert switch.stdout is not None and "listening" in switch.stdout.readline()
        bind = f"127.0.0.1:{_free_port()}"
        config = tmp_path / "ivrd.toml"
        config.write_text(
            f'[database]\nurl = "sqlite:///{tmp_path / "prod.db"}"\n'
            f'[esl]\nport = {port_file.read_text().strip()}\npassword = "s3cret"\n'
            f'[media]\nroot = "{tmp_path / "media"}"\n'
        )
        system = subprocess.Popen(
            [sys.executable, "-m", "ivrd.cli", "demo", "--config", str(config), "--bind", bind],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        try:
            assert system.stdout is not None
            printed = _read_until(system.stdout, "ready")
            assert f"REST API at http://{bind}/rest-api/" in printed
            assert "walkthrough" not in printed  # no demo data in production mode
            if "connected to FreeSWITCH" not in printed:  # the daemon may connect before or after "ready"
                _read_until(system.stdout, "connected to FreeSWITCH")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"http://{bind}/rest-api/users/", timeout=10)
            assert refused.value.code == 401
        finally:
            system.send_signal(signal.SIGINT)
            assert system.wait(timeout=30) == 0
    finally:
        switch.send_signal(signal.SIGINT)
        switch.wait(timeout=30)


def test_a_bad_configuration_is_reported_by_setting(tmp_path: Path) -> None:
    config = tmp_path / "ivrd.toml"
    config.write_text("[esl]\nport = 0\n")
    done = subprocess.run([sys.executable, "-m", "ivrd.cli", "demo", "--config", str(config)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "esl.port" in done.stderr and "esl.password" in done.stderr
