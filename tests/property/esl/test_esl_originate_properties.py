"""Any printable channel-variable value survives FreeSWITCH's originate argument parsing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.esl.api_commands import originate
from tests.unit.esl.freeswitch_split_model import parse_originate

values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters="{}"), min_size=1, max_size=30
).filter(lambda v: v == v.strip())


@settings(max_examples=400, deadline=None)
@given(variables=st.dictionaries(
    st.from_regex(r"[a-z_]{1,12}", fullmatch=True), values, min_size=1, max_size=5))
def test_variables_round_trip(variables: dict[str, str]) -> None:
    line = originate("sofia/gateway/gw/15551234567", variables=variables)
    parsed, dial, target = parse_originate(line[len("originate "):])
    assert parsed == variables
    assert dial == "sofia/gateway/gw/15551234567"
    assert target == "&park()"
