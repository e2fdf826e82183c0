"""A simulated FreeSWITCH speaking the real Event Socket wire protocol with scripted callees."""

from pathlib import Path

from ivrd.sim.scenario import Callee, Scenario, ScenarioError
from ivrd.sim.server import SimFreeSwitch

DEMO_SCENARIO_PATH = Path(__file__).with_name("scenarios") / "demo.json"


def demo_scenario() -> Scenario:
    """The bundled demo callees (answer and press keys, busy, no answer, voicemail, fax, ...)."""
    return Scenario.from_file(DEMO_SCENARIO_PATH)


__all__ = ["DEMO_SCENARIO_PATH", "Callee", "Scenario", "ScenarioError", "SimFreeSwitch", "demo_scenario"]
