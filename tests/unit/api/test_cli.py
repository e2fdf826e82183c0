"""`ivrd serve` refuses bad settings before starting anything."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from api import cli


@pytest.fixture(autouse=True)
def no_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IVRD_DATABASE_URL", "IVRD_API_BIND", "IVRD_CONFIG", "IVRD_MEDIA_ROOT"):
        monkeypatch.delenv(name, raising=False)


def run_serve(config: Path, capsys: pytest.CaptureFixture[str], **overrides: object) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args([])
    args.config = str(config)
    for name, value in overrides.items():
        setattr(args, name, value)
    code = cli.run(args)
    return code, capsys.readouterr().err


def test_zero_workers_in_settings_or_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "ivrd.toml"
    config.write_text("[api]\nworkers = 0\n")
    assert run_serve(config, capsys) == (2, "api.workers: must be at least 1, got 0\n")
    config.write_text("")
    assert run_serve(config, capsys, workers=0) == (2, "--workers: must be at least 1, got 0\n")


def test_configuration_problems_are_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "ivrd.toml"
    config.write_text('[database]\nurl = "mysql://x"\n[api]\nbind = "nope"\n')
    code, err = run_serve(config, capsys)
    assert code == 2 and "database.url" in err and "api.bind" in err
