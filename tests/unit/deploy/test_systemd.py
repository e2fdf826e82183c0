"""deploy/: systemd units, their environment and config examples, users and directories."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import gunicorn.arbiter
import pytest

from ivrd.config import _ENV_OVERRIDES, Settings, load_settings

from .conftest import DEPLOY

SYSTEMD = DEPLOY / "systemd"
UNITS = {"ivrd.service": "run", "ivrd-api.service": "serve"}
INSTALLED_BINARY = "/opt/ivrd/bin/ivrd"
HARDENING = {
    "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
    "PrivateDevices": "yes", "RestrictSUIDSGID": "yes", "CapabilityBoundingSet": "",
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing (apt-get install systemd)")
        pytest.skip(f"{name} is not installed")
    return path


def _directives(unit: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for line in (SYSTEMD / unit).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            directives.setdefault(key, []).append(value)
    return directives


def _env_file_lines(path: Path) -> dict[str, str]:
    """Every KEY=value line, commented-out examples included."""
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"#? ?(IVRD_[A-Z_]+)=(\S+)", line)
        if match:
            pairs.setdefault(match.group(1), match.group(2))
    return pairs


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_systemd_analyze_verify_accepts_the_unit(unit: str, tmp_path: Path) -> None:
    analyze = _tool("systemd-analyze")
    # verify insists that ExecStart's binary exists: point it at a stand-in.
    stand_in = tmp_path / "bin" / "ivrd"
    stand_in.parent.mkdir()
    stand_in.write_text("#!/bin/sh\n", encoding="utf-8")
    stand_in.chmod(0o755)
    text = (SYSTEMD / unit).read_text(encoding="utf-8")
    assert INSTALLED_BINARY in text
    (tmp_path / unit).write_text(text.replace(INSTALLED_BINARY, str(stand_in)), encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / unit)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""  # warnings (unknown keys, bad values) count too


@pytest.mark.parametrize(("unit", "command"), sorted(UNITS.items()))
def test_units_run_as_ivrd_with_secrets_config_and_hardening(unit: str, command: str) -> None:
    d = _directives(unit)
    assert d["ExecStart"] == [f"{INSTALLED_BINARY} {command}"]
    assert d["User"] == d["Group"] == ["ivrd"]
    assert d["SupplementaryGroups"] == ["freeswitch"]
    assert d["EnvironmentFile"] == ["/etc/ivrd/ivrd.env"]
    assert "IVRD_CONFIG=/etc/ivrd/ivrd.toml" in d["Environment"]
    assert d["Restart"] == ["on-failure"]
    assert d["StandardError"] == ["journal"]
    for key, value in HARDENING.items():
        assert d[key] == [value], key
    assert "network-online.target" in d["Wants"][0] and "postgresql.service" in d["After"][0]


def test_the_daemon_reports_readiness_and_liveness_to_systemd() -> None:
    d = _directives("ivrd.service")
    assert d["Type"] == ["notify"]
    assert d["NotifyAccess"] == ["main"]
    assert d["WatchdogSec"] == ["30s"]
    assert "freeswitch.service" in d["After"][0] and "freeswitch.service" in d["Wants"][0]


def test_the_api_is_ready_when_gunicorn_says_so() -> None:
    d = _directives("ivrd-api.service")
    assert d["Type"] == ["notify"] and d["NotifyAccess"] == ["main"]
    assert "WatchdogSec" not in d
    # `ivrd serve` runs gunicorn's arbiter in its own process, and the arbiter notifies.
    arbiter = Path(gunicorn.arbiter.__file__).read_text(encoding="utf-8")
    assert 'sd_notify("READY=1' in arbiter
    assert "BaseApplication" in (DEPLOY.parent / "api" / "cli.py").read_text(encoding="utf-8")


def _example_settings() -> Settings:
    return load_settings(DEPLOY / "ivrd.toml.example", env=_env_file_lines(SYSTEMD / "ivrd.env.example"))


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_the_units_may_write_where_the_example_config_keeps_data(unit: str) -> None:
    writable = [Path(p) for p in _directives(unit)["ReadWritePaths"][0].split()]
    settings = _example_settings()
    database_file = Path(settings.database.url.removeprefix("sqlite:///"))
    for path in (settings.media_root, database_file, Path(_directives(unit)["WorkingDirectory"][0])):
        assert path.is_absolute() and any(path.is_relative_to(w) for w in writable), path


def test_example_config_and_env_load_cleanly() -> None:
    settings = _example_settings()
    assert settings.esl.password == "change-me-ivrd-esl-password"
    assert settings.esl.host == "127.0.0.1" and settings.esl.port == 8021


def test_every_variable_in_the_env_example_is_one_ivrd_reads() -> None:
    pairs = _env_file_lines(SYSTEMD / "ivrd.env.example")
    assert {"IVRD_ESL_PASSWORD", "IVRD_DATABASE_URL"} <= set(pairs)
    assert set(pairs) <= set(_ENV_OVERRIDES), set(pairs) - set(_ENV_OVERRIDES)
    load_settings(env=pairs)  # and their example values are valid


def test_env_example_password_matches_the_freeswitch_placeholder() -> None:
    vars_xml = (DEPLOY.parent / "fs_conf" / "vars_ivrd.xml").read_text(encoding="utf-8")
    password = _env_file_lines(SYSTEMD / "ivrd.env.example")["IVRD_ESL_PASSWORD"]
    assert f"ivrd_esl_password={password}" in vars_xml


def _require_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("creating files owned by other users needs root")


def test_sysusers_creates_the_ivrd_user(tmp_path: Path) -> None:
    sysusers = _tool("systemd-sysusers")
    _require_root()
    (tmp_path / "etc").mkdir()
    conf = SYSTEMD / "ivrd.sysusers.conf"
    subprocess.run([sysusers, f"--root={tmp_path}", str(conf)], check=True, capture_output=True, timeout=60)
    passwd = (tmp_path / "etc" / "passwd").read_text(encoding="utf-8")
    assert re.search(r"^ivrd:x:\d+:\d+:[^:]*:/var/lib/ivrd:/usr/sbin/nologin$", passwd, re.MULTILINE)


def test_tmpfiles_creates_a_media_tree_shared_with_freeswitch(tmp_path: Path) -> None:
    tmpfiles = _tool("systemd-tmpfiles")
    _require_root()
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("ivrd:x:4001:4001::/var/lib/ivrd:/usr/sbin/nologin\n")
    (tmp_path / "etc" / "group").write_text("ivrd:x:4001:\nfreeswitch:x:4002:\n")
    conf = SYSTEMD / "ivrd.tmpfiles.conf"
    subprocess.run([tmpfiles, f"--root={tmp_path}", "--create", str(conf)], check=True, capture_output=True,
                   timeout=60)
    settings = _example_settings()
    media = tmp_path / settings.media_root.relative_to("/")
    for sub in (".", settings.media.recordings_dir, settings.media.amd_dir, settings.media.uploads_dir):
        info = (media / sub).stat()
        assert (info.st_uid, info.st_gid) == (4001, 4002), sub
        assert stat.S_IMODE(info.st_mode) == 0o2770, sub
    top = (media.parent).stat()
    assert stat.S_IMODE(top.st_mode) == 0o711  # freeswitch may pass through, not list
