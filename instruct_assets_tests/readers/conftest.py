"""Shared helpers for the reader tests: fixture paths and an accounting-checked read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from instruct_assets.readers import ReadResult, read_file
from instruct_assets.schema import SourceKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

Reader = Callable[..., ReadResult]


def checked_read(path: Path, kind: SourceKind, **options: object) -> ReadResult:
    """``read_file`` plus the accounting invariant every read must keep."""
    result = read_file(path, kind, **options)  # type: ignore[arg-type]
    assert result.records_read == len(result.examples) + len(result.rejections), path
    return result


@pytest.fixture
def fixture_path() -> Callable[[str], Path]:
    def _path(relative: str) -> Path:
        path = FIXTURES / relative
        assert path.is_file(), f"missing fixture {path}"
        return path

    return _path


@pytest.fixture
def read() -> Reader:
    return checked_read
