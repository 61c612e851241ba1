"""The published JSONL: exact keys, UTF-8, and never half-written."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from instruct_assets.publish import (
    JSONL_KEYS,
    dataset_lines,
    validate_jsonl,
    write_jsonl_atomically,
)
from instruct_assets.schema import EXAMPLE_SCHEMA


def examples() -> pl.DataFrame:
    rows = [
        {
            "example_id": "a1",
            "record_id": "r1",
            "instruction": "Traduis « bonjour ».",
            "input": "",
            "response": "Hello.",
            "history": [],
            "system": None,
            "source_kind": "human",
            "origin": "human",
            "source_name": "s",
            "source_file": "f",
            "source_locator": "line 1",
            "license": "x",
            "generator": None,
            "conversion": "alpaca",
        },
        {
            "example_id": "b2",
            "record_id": "r2",
            "instruction": "And now?",
            "input": "",
            "response": "Still here.",
            "history": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"},
            ],
            "system": "Be brief.",
            "source_kind": "synthetic",
            "origin": "synthetic",
            "source_name": "s",
            "source_file": "f",
            "source_locator": "line 2",
            "license": "x",
            "generator": "m",
            "conversion": "sharegpt",
        },
    ]
    return pl.DataFrame(rows, schema=EXAMPLE_SCHEMA)


def test_lines_have_the_same_keys_in_the_same_order(tmp_path: Path) -> None:
    path = tmp_path / "out" / "instructions.jsonl"
    write_jsonl_atomically(dataset_lines(examples()), path)
    lines = path.read_bytes().decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [tuple(record) for record in records] == [JSONL_KEYS, JSONL_KEYS]
    assert records[0]["instruction"] == "Traduis « bonjour »."
    assert "«" in lines[0], "non-ASCII text is written as UTF-8, not escaped"
    assert records[1]["history"] == [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
    ]
    assert validate_jsonl(path) == (2, [])


def test_a_failed_write_leaves_the_previous_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "instructions.jsonl"
    path.write_text("previous release\n", encoding="utf-8")

    def write_half_then_fail(self: pl.DataFrame, target: Path) -> None:
        Path(target).write_text('{"id": "a1", "instr', encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_ndjson", write_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        write_jsonl_atomically(dataset_lines(examples()), path)
    assert path.read_text(encoding="utf-8") == "previous release\n"
    assert list(tmp_path.iterdir()) == [path]


def test_validation_names_the_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = json.dumps(dict.fromkeys(JSONL_KEYS, ""))
    path.write_bytes((good + "\n" + '{"instruction": "x"}\n' + "not json\n").encode() + b"\xff\n")
    lines, problems = validate_jsonl(path)
    assert lines == 4
    assert [problem.line for problem in problems] == [2, 3, 4]
    assert "keys" in problems[0].problem
