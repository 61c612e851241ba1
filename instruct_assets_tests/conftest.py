"""Shared fixtures: a private copy of the sample data, and the public corpus when present."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = REPO_ROOT / "data"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The repo's sample raw files and configuration, copied so a test may change them."""
    target = tmp_path / "data"
    for part in ("raw", "config", "eval"):
        shutil.copytree(SAMPLE_DATA / part, target / part)
    return target


def shared_data_or_skip() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
