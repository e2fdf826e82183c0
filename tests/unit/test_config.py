"""Configuration loading: file, environment overrides and the all-problems-at-once report."""

from pathlib import Path

import pytest

from ivrd.cli import main
from ivrd.config import ConfigError, load_settings


def test_defaults_need_no_file() -> None:
    settings = load_settings(None, env={})
    assert settings.database.url.startswith("sqlite:///")
    assert settings.esl.port == 8021


def test_environment_overrides_file(tmp_path: Path) -> None:
    config = tmp_path / "ivrd.toml"
    config.write_text('[esl]\nport = 8022\npassword = "fromfile"\n')
    settings = load_settings(config, env={"IVRD_ESL_PASSWORD": "fromenv"})
    assert settings.esl.port == 8022
    assert settings.esl.password == "fromenv"


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    config = tmp_path / "ivrd.toml"
    config.write_text('[esl]\nport = "x"\ncolour = 1\n[nope]\na = 1\n[database]\nurl = "mysql://x"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(config, env={}, require_esl=True)
    joined = "\n".join(info.value.problems)
    for setting in ("esl.port", "esl.colour", "nope", "database.url", "esl.password"):
        assert setting in joined


def test_check_config_command_reports_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[api]\nbind = 'nocolon'\npage_size = 0\n")
    assert main(["check-config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "api.bind" in err and "api.page_size" in err
    good = tmp_path / "good.toml"
    good.write_text("[esl]\npassword = 's3cret'\n")
    assert main(["check-config", "--daemon", str(good)]) == 0


def test_the_placeholder_esl_password_is_refused_where_esl_is_needed() -> None:
    env = {"IVRD_ESL_PASSWORD": "change-me-ivrd-esl-password"}
    assert load_settings(None, env=env).esl.password == env["IVRD_ESL_PASSWORD"]
    with pytest.raises(ConfigError, match=r"esl\.password.*placeholder"):
        load_settings(None, env=env, require_esl=True)


def test_sounds_root_falls_back_to_the_shipped_prompts(tmp_path: Path) -> None:
    assert (load_settings(None, env={}).sounds_root / "8000").is_dir()
    config = tmp_path / "ivrd.toml"
    config.write_text(f'[media]\nsounds_root = "{tmp_path}"\n')
    assert load_settings(config, env={}).sounds_root == tmp_path


def test_amd_parameters_come_from_the_amd_section(tmp_path: Path) -> None:
    config = tmp_path / "ivrd.toml"
    config.write_text("[amd]\nafter_greeting_silence_ms = 1000\nhuman_watch_ms = 0\n")
    settings = load_settings(config, env={})
    assert (settings.amd.after_greeting_silence_ms, settings.amd.human_watch_ms) == (1000, 0)
    assert settings.amd.greeting_ms == 1500  # the others keep their defaults


@pytest.mark.parametrize(
    ("body", "named"),
    [("colour = 1", "colour"), ("greeting_ms = -1", "greeting_ms"), ("greeting_ms = 'x'", "greeting_ms")],
)
def test_bad_amd_parameters_are_named(tmp_path: Path, body: str, named: str) -> None:
    config = tmp_path / "ivrd.toml"
    config.write_text(f"[amd]\n{body}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(config, env={})
    assert any(p.startswith("amd:") and named in p for p in info.value.problems)


def test_tts_languages_map_survey_languages_to_engines(tmp_path: Path) -> None:
    config = tmp_path / "ivrd.toml"
    config.write_text('[media]\ntts_languages = "fr=tts_commandline|fr, ES=tts_commandline|es"\n')
    settings = load_settings(config, env={})
    assert settings.media.tts_by_language() == {"fr": "tts_commandline|fr", "es": "tts_commandline|es"}
    config.write_text('[media]\ntts_languages = "fr=flite, de"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(config, env={})
    assert [p for p in info.value.problems if p.startswith("media.tts_languages")] == [
        "media.tts_languages: expected code=engine|voice, got 'fr=flite'",
        "media.tts_languages: expected code=engine|voice, got 'de'",
    ]
