"""Settings: one TOML file plus IVRD_* environment overrides, validated into frozen dataclasses."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ivrd.amd.params import AmdParams

DEFAULT_CONFIG_PATH = Path("/etc/ivrd/ivrd.toml")
# The placeholder shipped in fs_conf/vars_ivrd.xml and deploy/ivrd.env.example.
PLACEHOLDER_ESL_PASSWORD = "change-me-ivrd-esl-password"


class ConfigError(Exception):
    """Every problem found in a configuration, each naming its setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///var/ivrd.db"


@dataclass(frozen=True)
class EslSettings:
    host: str = "127.0.0.1"
    port: int = 8021
    password: str = ""
    connect_timeout_s: float = 5.0
    heartbeat_timeout_s: float = 60.0
    reconnect_max_backoff_s: float = 30.0


@dataclass(frozen=True)
class ApiSettings:
    bind: str = "127.0.0.1:8000"
    workers: int = 2
    base_url: str = ""
    upload_max_bytes: int = 20 * 1024 * 1024
    page_size: int = 10


@dataclass(frozen=True)
class MediaSettings:
    root: str = "var/media"
    url_prefix: str = "/usermedia/"
    recordings_dir: str = "recording"
    uploads_dir: str = "upload/audiofiles"
    amd_dir: str = "amd"
    keep_amd_audio: bool = False
    tts_voice: str = "slt"
    tts_languages: str = ""  # "fr=tts_commandline|fr, es=tts_commandline|es": engine|voice per language
    sounds_root: str = ""

    def tts_by_language(self) -> dict[str, str]:
        """media.tts_languages as {language code: "engine|voice"} (validated by load_settings)."""
        return parse_tts_languages(self.tts_languages)[0]


@dataclass(frozen=True)
class DialerSettings:
    max_calls: int = 1000
    wakeup_max_s: float = 1.0
    daemon_id: str = ""


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    esl: EslSettings = field(default_factory=EslSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    media: MediaSettings = field(default_factory=MediaSettings)
    dialer: DialerSettings = field(default_factory=DialerSettings)
    amd: AmdParams = field(default_factory=AmdParams)  # [amd]: any ivrd.amd.AmdParams field

    @property
    def media_root(self) -> Path:
        return Path(self.media.root)

    @property
    def sounds_root(self) -> Path:
        """Where the default prompts live: media.sounds_root, else the installed or source copy."""
        if self.media.sounds_root:
            return Path(self.media.sounds_root)
        from ivrd.sounds import INSTALLED_SOUNDS_ROOT, SOURCE_SOUNDS_ROOT

        return INSTALLED_SOUNDS_ROOT if INSTALLED_SOUNDS_ROOT.is_dir() else SOURCE_SOUNDS_ROOT


_SECTIONS: dict[str, type[Any]] = {
    "database": DatabaseSettings,
    "esl": EslSettings,
    "api": ApiSettings,
    "media": MediaSettings,
    "dialer": DialerSettings,
}

_ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "IVRD_DATABASE_URL": ("database", "url"),
    "IVRD_ESL_HOST": ("esl", "host"),
    "IVRD_ESL_PORT": ("esl", "port"),
    "IVRD_ESL_PASSWORD": ("esl", "password"),
    "IVRD_API_BIND": ("api", "bind"),
    "IVRD_API_BASE_URL": ("api", "base_url"),
    "IVRD_MEDIA_ROOT": ("media", "root"),
    "IVRD_DAEMON_ID": ("dialer", "daemon_id"),
}


def _coerce(section: str, name: str, raw: Any, expected: type[Any], problems: list[str]) -> Any:
    """Turns a TOML or environment value into the field's type, noting a problem if it cannot."""
    setting = f"{section}.{name}"
    if expected is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "1", "yes", "false", "0", "no"):
            return raw.lower() in ("true", "1", "yes")
        problems.append(f"{setting}: expected true or false, got {raw!r}")
        return None
    if expected in (int, float):
        try:
            value = expected(raw)
        except (TypeError, ValueError):
            problems.append(f"{setting}: expected a number, got {raw!r}")
            return None
        if value < 0:
            problems.append(f"{setting}: must not be negative, got {raw!r}")
        return value
    if not isinstance(raw, str):
        problems.append(f"{setting}: expected a string, got {raw!r}")
        return None
    return raw


def _field_types(cls: type[Any]) -> dict[str, type[Any]]:
    names = {"str": str, "int": int, "float": float, "bool": bool}
    return {f.name: names[str(f.type)] for f in fields(cls)}


def _apply(settings: Settings, section: str, values: Mapping[str, Any], problems: list[str]) -> Settings:
    cls = _SECTIONS[section]
    types = _field_types(cls)
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in types:
            problems.append(f"{section}.{name}: unknown setting")
            continue
        value = _coerce(section, name, raw, types[name], problems)
        if value is not None:
            changes[name] = value
    return replace(settings, **{section: replace(getattr(settings, section), **changes)})


def _apply_amd(settings: Settings, values: dict[str, Any], problems: list[str]) -> Settings:
    """[amd]: the answering-machine detector's parameters (names as in ivrd.amd.AmdParams)."""
    try:
        return replace(settings, amd=AmdParams.from_mapping(values))
    except (TypeError, ValueError) as exc:
        problems.append(f"amd: {exc}")
        return settings


def parse_tts_languages(text: str) -> tuple[dict[str, str], list[str]]:
    """`code=engine|voice` entries separated by commas; returns the mapping and the problems."""
    mapping: dict[str, str] = {}
    problems: list[str] = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        code, _, spec = (item.strip() for item in entry.partition("="))
        engine, _, voice = spec.partition("|")
        if not code or not engine.strip() or not voice.strip() or " " in spec or "|" in voice:
            problems.append(f"media.tts_languages: expected code=engine|voice, got {entry!r}")
            continue
        mapping[code.lower()] = spec
    return mapping, problems


def _validate(settings: Settings, problems: list[str]) -> None:
    url = settings.database.url
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://", "postgresext://")):
        problems.append(f"database.url: must start with sqlite:/// or postgresql://, got {url!r}")
    if not 0 < settings.esl.port < 65536:
        problems.append(f"esl.port: must be 1-65535, got {settings.esl.port}")
    if settings.api.page_size < 1:
        problems.append("api.page_size: must be at least 1")
    problems += parse_tts_languages(settings.media.tts_languages)[1]
    if settings.dialer.max_calls < 1:
        problems.append("dialer.max_calls: must be at least 1")
    host, _, port = settings.api.bind.rpartition(":")
    if not host or not port.isdigit():
        problems.append(f"api.bind: expected HOST:PORT, got {settings.api.bind!r}")


def load_settings(
    path: Path | None = None, env: Mapping[str, str] | None = None, *, require_esl: bool = False
) -> Settings:
    """Reads the TOML file (if any) then the environment; raises ConfigError listing all problems."""
    env = os.environ if env is None else env
    problems: list[str] = []
    settings = Settings()
    if path is None and env.get("IVRD_CONFIG"):
        path = Path(env["IVRD_CONFIG"])
    if path is not None:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError([f"config: file not found: {path}"]) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError([f"config: {path} is not valid TOML: {exc}"]) from None
        for section, values in document.items():
            if section == "amd" and isinstance(values, dict):
                settings = _apply_amd(settings, values, problems)
                continue
            if section not in _SECTIONS or not isinstance(values, dict):
                problems.append(f"{section}: unknown section")
                continue
            settings = _apply(settings, section, values, problems)
    for variable, (section, name) in _ENV_OVERRIDES.items():
        if variable in env:
            settings = _apply(settings, section, {name: env[variable]}, problems)
    _validate(settings, problems)
    if require_esl and not settings.esl.password:
        problems.append("esl.password: required (set it in the file or IVRD_ESL_PASSWORD)")
    if require_esl and settings.esl.password == PLACEHOLDER_ESL_PASSWORD:
        problems.append("esl.password: still the shipped placeholder; set the one in vars_ivrd.xml")
    if problems:
        raise ConfigError(problems)
    return settings
