"""Reconnect delays: capped exponential back-off with jitter (pure; the caller supplies randomness)."""

from __future__ import annotations


def reconnect_delay_s(
    attempt: int, *, initial_s: float, max_s: float, jitter_fraction: float, random_unit: float
) -> float:
    """Delay before reconnect attempt `attempt` (1 = first retry).

    The base doubles per attempt from `initial_s` up to `max_s`; then a jitter of up to
    `jitter_fraction` of the base is subtracted, scaled by `random_unit` in [0, 1), so many
    daemons restarted together do not reconnect in lockstep.
    """
    if attempt < 1:
        return 0.0
    base_s: float = min(max_s, initial_s * float(2 ** min(attempt - 1, 30)))
    return max(0.0, base_s * (1.0 - jitter_fraction * random_unit))
