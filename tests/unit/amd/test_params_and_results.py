"""AmdParams validation and the compatibility codes of AmdDecision."""

from __future__ import annotations

import pytest

from ivrd.amd import (
    AmdDecision,
    AmdParams,
    AmdResult,
    AmdStage,
    amd_status,
    cdr_amd_status,
    newfies_amd_status,
)


def test_defaults_are_app_amds() -> None:
    params = AmdParams()
    assert (params.initial_silence_ms, params.greeting_ms, params.after_greeting_silence_ms) == (
        2500,
        1500,
        800,
    )
    assert (params.total_analysis_time_ms, params.min_word_length_ms, params.between_words_silence_ms) == (
        5000,
        100,
        50,
    )
    assert (params.maximum_number_of_words, params.silence_threshold, params.maximum_word_length_ms) == (
        3,
        256,
        5000,
    )


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"greeting_ms": -1}, "greeting_ms"),
        ({"total_analysis_time_ms": 100}, "total_analysis_time_ms"),
        ({"maximum_number_of_words": 0}, "maximum_number_of_words"),
        ({"beep_min_hz": 3000.0, "beep_max_hz": 2000.0}, "beep_min_hz"),
        ({"tone_dominance_min": 1.5}, "tone_dominance_min"),
        ({"greeting_ms": "long"}, "greeting_ms"),
        ({"greeting_ms": True}, "greeting_ms"),
    ],
)
def test_bad_parameters_are_refused_naming_them(values: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        AmdParams(**values)  # type: ignore[arg-type]


def test_a_config_mapping_with_unknown_names_is_refused() -> None:
    assert AmdParams.from_mapping({"greeting_ms": 2000}).greeting_ms == 2000
    with pytest.raises(ValueError, match="greeting_time"):
        AmdParams.from_mapping({"greeting_time": 2000})


@pytest.mark.parametrize(
    ("result", "status", "newfies", "cdr"),
    [
        (AmdResult.HUMAN, "HUMAN", "person", 1),
        (AmdResult.MACHINE_START, "MACHINE", "machine", 2),
        (AmdResult.MACHINE_END_BEEP, "MACHINE", "machine", 2),
        (AmdResult.MACHINE_END_SILENCE, "MACHINE", "machine", 2),
        (AmdResult.MACHINE_END_OTHER, "MACHINE", "machine", 2),
        (AmdResult.FAX, "FAX", "machine", 2),
        (AmdResult.UNKNOWN, "NOTSURE", "person", 3),
    ],
)
def test_compatibility_codes(result: AmdResult, status: str, newfies: str, cdr: int) -> None:
    assert (amd_status(result), newfies_amd_status(result), cdr_amd_status(result)) == (status, newfies, cdr)
    decision = AmdDecision(AmdStage.DETECT, result, "X", 0, final=True)
    assert (decision.amd_status, decision.newfies_amd_status, decision.cdr_amd_status) == (
        status,
        newfies,
        cdr,
    )
    assert result.value == str(result)
