"""fs_conf/: the FreeSWITCH files ivrd ships, read as FreeSWITCH reads them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ivrd import dialplan_vars

from .conftest import DEPLOY, FS_CONF, read_fs_xml

ESL_CONF = FS_CONF / "autoload_configs" / "event_socket.conf.xml"
VARS = FS_CONF / "vars_ivrd.xml"
INBOUND = FS_CONF / "dialplan" / "public" / "00_ivrd_inbound.xml"
GATEWAY = FS_CONF / "sip_profiles" / "external" / "ivrd_gateway.xml.example"
MODULES = FS_CONF / "autoload_configs" / "modules.conf.xml"

# Modules ivrd cannot work without (see the comments in modules.conf.xml).
REQUIRED_MODULES = {
    "mod_event_socket", "mod_sofia", "mod_dptools", "mod_commands", "mod_dialplan_xml",
    "mod_sndfile", "mod_tone_stream", "mod_flite", "mod_conference", "mod_loopback",
    "mod_native_file",
}


def _params(element: ET.Element) -> dict[str, str]:
    return {p.get("name", ""): p.get("value", "") for p in element.iter("param")}


def _extensions() -> list[ET.Element]:
    return list(read_fs_xml(INBOUND).iter("extension"))


def _set_variables(extension: ET.Element) -> dict[str, str]:
    variables = {}
    for action in extension.iter("action"):
        if action.get("application") == "set":
            name, _, value = action.get("data", "").partition("=")
            variables[name] = value
    return variables


@pytest.mark.parametrize("path", sorted(p for p in FS_CONF.rglob("*.xml*")), ids=lambda p: p.name)
def test_every_shipped_file_is_well_formed(path: Path) -> None:
    read_fs_xml(path)


def test_event_socket_listens_on_loopback_with_the_ivrd_password() -> None:
    root = read_fs_xml(ESL_CONF)
    settings = _params(root.find("configuration[@name='event_socket.conf']/settings"))  # type: ignore[arg-type]
    assert settings["listen-ip"] == "127.0.0.1"
    assert settings["listen-port"] == "8021"
    assert settings["password"] == "$${ivrd_esl_password}"
    assert settings["apply-inbound-acl"] == "loopback.auto"


def test_the_password_variable_is_defined_before_event_socket_uses_it() -> None:
    children = list(read_fs_xml(ESL_CONF))
    include = children[0]
    assert (include.tag, include.get("cmd")) == ("X-PRE-PROCESS", "include")
    assert include.get("data") == "../vars_ivrd.xml"
    assert (ESL_CONF.parent / include.get("data", "")).resolve() == VARS.resolve()
    sets = [e.get("data", "") for e in read_fs_xml(VARS).iter("X-PRE-PROCESS") if e.get("cmd") == "set"]
    values = dict(s.partition("=")[::2] for s in sets)
    password = values["ivrd_esl_password"]
    # An empty password makes FreeSWITCH fall back to its public default.
    assert re.fullmatch(r"[A-Za-z0-9-]{12,}", password)


def test_no_shipped_file_carries_the_freeswitch_default_password() -> None:
    shipped = [p for root in (FS_CONF, DEPLOY) for p in root.rglob("*") if p.is_file()]
    assert shipped
    for path in shipped:
        assert "cluecon" not in path.read_text(encoding="utf-8").lower(), path


def test_every_inbound_extension_sets_the_ivrd_variables_then_parks() -> None:
    extensions = _extensions()
    assert extensions
    for extension in extensions:
        variables = _set_variables(extension)
        assert set(dialplan_vars.INBOUND_VARIABLES) <= set(variables), extension.get("name")
        allowed = set(dialplan_vars.INBOUND_VARIABLES) | set(dialplan_vars.OPTIONAL_INBOUND_VARIABLES)
        assert set(variables) <= allowed, extension.get("name")
        assert dialplan_vars.parse_inbound(variables) is not None
        applications = [a.get("application") for a in extension.iter("action")]
        assert applications[-1] == "park"
        assert "answer" not in applications  # the daemon answers when it takes the call over


def test_inbound_extensions_match_on_the_did_with_valid_unique_patterns() -> None:
    extensions = _extensions()
    names = [e.get("name") for e in extensions]
    assert len(set(names)) == len(names)
    for extension in extensions:
        conditions = list(extension.iter("condition"))
        assert [c.get("field") for c in conditions] == ["destination_number"]
        pattern = re.compile(conditions[0].get("expression", ""))
        assert pattern.pattern.startswith("^") and pattern.pattern.endswith("$")


def test_the_examples_show_both_sealed_survey_and_template() -> None:
    requests = [dialplan_vars.parse_inbound(_set_variables(e)) for e in _extensions()]
    assert any(r is not None and r.survey_id is not None for r in requests)
    assert any(r is not None and r.survey_template_id is not None for r in requests)


def test_gateway_template_matches_the_dial_string_prefix_ivrd_uses() -> None:
    gateways = list(read_fs_xml(GATEWAY).iter("gateway"))
    assert len(gateways) == 1
    name = gateways[0].get("name", "")
    params = _params(gateways[0])
    for required in ("username", "password", "realm", "proxy", "register", "caller-id-in-from"):
        assert required in params, required
    assert f"sofia/gateway/{name}/" in GATEWAY.read_text(encoding="utf-8")
    assert f"sofia/gateway/{name}/" in (FS_CONF / "README.md").read_text(encoding="utf-8")


def test_modules_conf_loads_what_ivrd_drives() -> None:
    loaded = {e.get("module") for e in read_fs_xml(MODULES).iter("load")}
    assert loaded >= REQUIRED_MODULES, REQUIRED_MODULES - loaded
