"""The generated AMD corpus, made once per test session (needs espeak-ng and sox)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MAKE_CORPUS = ROOT / "bench" / "amd_corpus" / "make_corpus.py"


@pytest.fixture(scope="session")
def amd_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder with the tuning split (seed 1) and its labels.csv."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        message = f"AMD corpus needs {', '.join(missing)} (apt-get install espeak-ng sox)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("amd-corpus")
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), "--out", str(out), "--split", "tune", "--seed", "1"],
        check=True,
        capture_output=True,
        timeout=110,
    )
    return out
