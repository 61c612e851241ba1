"""The published JSONL: what trainers load.

One UTF-8 JSON object per line, every line with the same keys in the same order: the chapter's
``instruction`` / ``input`` / ``response``, plus ``id`` to trace a line back to its source and
the conversation context (``system``, ``history``) that multi-turn examples need. The file is
written beside its target and renamed into place, so readers never see half of it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

JSONL_KEYS = ("id", "instruction", "input", "response", "system", "history")


def dataset_lines(examples: pl.DataFrame) -> pl.DataFrame:
    """The published columns, in order, from a canonical example table."""
    return examples.select(
        pl.col("example_id").alias("id"), "instruction", "input", "response", "system", "history"
    )


def write_jsonl_atomically(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        frame.write_ndjson(partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class JsonlProblem:
    line: int
    problem: str


def validate_jsonl(
    path: Path, keys: tuple[str, ...] = JSONL_KEYS, limit: int = 20
) -> tuple[int, list[JsonlProblem]]:
    """Read a published file back: (lines, problems). Every line must be a UTF-8 JSON object
    with exactly ``keys`` in that order and text in the text fields."""
    problems: list[JsonlProblem] = []
    lines = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            lines += 1
            if len(problems) >= limit:
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                problems.append(JsonlProblem(number, f"not a UTF-8 JSON object: {error}"))
                continue
            if not isinstance(record, dict) or tuple(record) != keys:
                found = tuple(record) if isinstance(record, dict) else type(record).__name__
                problems.append(JsonlProblem(number, f"keys {found} instead of {keys}"))
                continue
            for field in ("id", "instruction", "input", "response"):
                if not isinstance(record[field], str):
                    problems.append(JsonlProblem(number, f"'{field}' is not text"))
    return lines, problems
