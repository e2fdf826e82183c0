"""Sound file lookup as mod_sndfile does it: rate folders first, then the path as given."""

from pathlib import Path

import numpy as np

from ivrd.sim.media import find_sound_file, playback_ms, write_wav


def _wav(path: Path, duration_ms: int, rate_hz: int = 8000) -> Path:
    write_wav(path, np.zeros(duration_ms * 8, dtype=np.int16), rate_hz)
    return path


def test_a_prompt_missing_beside_its_rate_folders_is_found_in_the_channel_rate_folder(tmp_path: Path) -> None:
    _wav(tmp_path / "sounds" / "8000" / "goodbye.wav", 300)
    _wav(tmp_path / "sounds" / "16000" / "goodbye.wav", 500, 16000)
    assert playback_ms("sounds/goodbye.wav", tmp_path) == 300
    assert playback_ms("sounds/goodbye.wav", tmp_path, rate_hz=16000) == 500
    assert playback_ms(str(tmp_path / "sounds" / "goodbye.wav"), Path("/nowhere")) == 300
    assert playback_ms("file_string://sounds/goodbye.wav!sounds/goodbye.wav", tmp_path) == 600


def test_other_rates_are_tried_highest_first_then_the_exact_path(tmp_path: Path) -> None:
    sounds = tmp_path / "sounds"
    _wav(sounds / "16000" / "hi.wav", 100, 16000)
    _wav(sounds / "32000" / "hi.wav", 200, 32000)
    assert find_sound_file(sounds / "hi.wav", 8000) == sounds / "32000" / "hi.wav"
    _wav(sounds / "8000" / "hi.wav", 300)
    _wav(sounds / "hi.wav", 400)
    assert find_sound_file(sounds / "hi.wav", 8000) == sounds / "8000" / "hi.wav"
    _wav(sounds / "plain.wav", 100)
    assert find_sound_file(sounds / "plain.wav", 8000) == sounds / "plain.wav"
    assert find_sound_file(sounds / "missing.wav", 8000) is None
    assert playback_ms("sounds/missing.wav", tmp_path) is None
