"""Shared helpers for the deployment-asset tests: paths, FreeSWITCH-style XML reading, a stock-like tree."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FS_CONF = REPO / "fs_conf"
DEPLOY = REPO / "deploy"

# The parts of a stock /etc/freeswitch that include fs_conf's files, cut down to the
# include directives (same nesting and relative paths as FreeSWITCH's vanilla config).
STOCK_FREESWITCH_XML = """<?xml version="1.0"?>
<document type="freeswitch/xml">
  <X-PRE-PROCESS cmd="include" data="vars.xml"/>
  <section name="configuration" description="Various Configuration">
    <X-PRE-PROCESS cmd="include" data="autoload_configs/*.xml"/>
    <configuration name="sofia.conf" description="sofia Endpoint">
      <profiles>
        <X-PRE-PROCESS cmd="include" data="sip_profiles/*.xml"/>
      </profiles>
    </configuration>
  </section>
  <section name="dialplan" description="Regex/XML Dialplan">
    <X-PRE-PROCESS cmd="include" data="dialplan/*.xml"/>
  </section>
</document>
"""
STOCK_VARS_XML = """<include>
  <X-PRE-PROCESS cmd="set" data="domain=$${local_ip_v4}"/>
</include>
"""
STOCK_PUBLIC_XML = """<include>
  <context name="public">
    <extension name="outside_call" continue="true">
      <condition>
        <action application="set" data="outside_call=true"/>
      </condition>
    </extension>
    <X-PRE-PROCESS cmd="include" data="public/*.xml"/>
  </context>
</include>
"""
STOCK_EXTERNAL_XML = """<profile name="external">
  <gateways>
    <X-PRE-PROCESS cmd="include" data="external/*.xml"/>
  </gateways>
</profile>
"""


def read_fs_xml(path: Path) -> ET.Element:
    """Parses a config file as FreeSWITCH's preprocessor sees it, under a synthetic root.

    FreeSWITCH drops every line containing <include>, </include> or <? before parsing.
    """
    kept = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if "<include>" not in line and "</include>" not in line and "<?" not in line
    ]
    return ET.fromstring("<root>\n" + "\n".join(kept) + "\n</root>")


def build_stock_tree(root: Path) -> Path:
    """Lays fs_conf out over a minimal stock /etc/freeswitch in ROOT; returns freeswitch.xml."""
    shutil.copytree(FS_CONF, root, dirs_exist_ok=True)
    gateways = root / "sip_profiles" / "external"
    shutil.copy(gateways / "ivrd_gateway.xml.example", gateways / "ivrd_gateway.xml")
    (root / "freeswitch.xml").write_text(STOCK_FREESWITCH_XML, encoding="utf-8")
    (root / "vars.xml").write_text(STOCK_VARS_XML, encoding="utf-8")
    (root / "dialplan" / "public.xml").write_text(STOCK_PUBLIC_XML, encoding="utf-8")
    (root / "sip_profiles" / "external.xml").write_text(STOCK_EXTERNAL_XML, encoding="utf-8")
    return root / "freeswitch.xml"


@pytest.fixture
def stock_tree(tmp_path: Path) -> Path:
    return build_stock_tree(tmp_path / "freeswitch")
