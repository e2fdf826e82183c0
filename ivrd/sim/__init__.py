"""A simulated FreeSWITCH speaking the real Event Socket wire protocol with scripted callees."""

from ivrd.sim.scenario import Callee, Scenario, ScenarioError
from ivrd.sim.server import SimFreeSwitch

__all__ = ["Callee", "Scenario", "ScenarioError", "SimFreeSwitch"]
