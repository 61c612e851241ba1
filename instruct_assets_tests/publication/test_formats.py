"""Training formats: exact records, read back, validated, and never half-written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from instruct_assets.publication.formats import FORMATS, records, validate_format, write_format
from instruct_assets.schema import EXAMPLE_SCHEMA


def _example(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "example_id": "id",
        "record_id": "rec",
        "instruction": "",
        "input": "",
        "response": "",
        "history": [],
        "system": None,
        "source_kind": "human",
        "origin": "human",
        "source_name": "s",
        "source_file": "f.jsonl",
        "source_locator": "line 1",
        "license": "cc-by-4.0",
        "generator": None,
        "conversion": "alpaca",
    }
    return base | fields


def examples() -> pl.DataFrame:
    return pl.DataFrame(
        [
            _example(
                example_id="a1",
                instruction="Traduis « bonjour » en anglais.",
                input="Contexte : salutation",
                response="Hello.",
            ),
            _example(
                example_id="b2",
                record_id="rec2",
                instruction="And in German?",
                response="Hallo.",
                system="Be brief.",
                history=[
                    {"role": "user", "content": "How do you say hello in French?"},
                    {"role": "assistant", "content": "Bonjour."},
                ],
                conversion="sharegpt",
            ),
        ],
        schema=EXAMPLE_SCHEMA,
    )


EXPECTED = {
    "instructions": [
        {
            "id": "a1",
            "instruction": "Traduis « bonjour » en anglais.",
            "input": "Contexte : salutation",
            "response": "Hello.",
            "system": None,
            "history": [],
        },
        {
            "id": "b2",
            "instruction": "And in German?",
            "input": "",
            "response": "Hallo.",
            "system": "Be brief.",
            "history": [
                {"role": "user", "content": "How do you say hello in French?"},
                {"role": "assistant", "content": "Bonjour."},
            ],
        },
    ],
    "alpaca": [
        {
            "id": "a1",
            "instruction": "Traduis « bonjour » en anglais.",
            "input": "Contexte : salutation",
            "output": "Hello.",
            "system": "",
            "history": [],
        },
        {
            "id": "b2",
            "instruction": "And in German?",
            "input": "",
            "output": "Hallo.",
            "system": "Be brief.",
            "history": [["How do you say hello in French?", "Bonjour."]],
        },
    ],
    "messages": [
        {
            "id": "a1",
            "messages": [
                {
                    "role": "user",
                    "content": "Traduis « bonjour » en anglais.\n\nContexte : salutation",
                },
                {"role": "assistant", "content": "Hello."},
            ],
        },
        {
            "id": "b2",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "How do you say hello in French?"},
                {"role": "assistant", "content": "Bonjour."},
                {"role": "user", "content": "And in German?"},
                {"role": "assistant", "content": "Hallo."},
            ],
        },
    ],
    "sharegpt": [
        {
            "id": "a1",
            "conversations": [
                {
                    "from": "human",
                    "value": "Traduis « bonjour » en anglais.\n\nContexte : salutation",
                },
                {"from": "gpt", "value": "Hello."},
            ],
        },
        {
            "id": "b2",
            "conversations": [
                {"from": "system", "value": "Be brief."},
                {"from": "human", "value": "How do you say hello in French?"},
                {"from": "gpt", "value": "Bonjour."},
                {"from": "human", "value": "And in German?"},
                {"from": "gpt", "value": "Hallo."},
            ],
        },
    ],
}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_exactly(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"{fmt}.jsonl"
    write_format(examples(), fmt, path)
    assert _read(path) == EXPECTED[fmt]
    # Key order is part of the contract, not only the values.
    assert [list(record) for record in _read(path)] == [list(r) for r in EXPECTED[fmt]]
    assert validate_format(path, fmt) == (2, [])
    assert "«" in path.read_text(encoding="utf-8")  # UTF-8, not \u escapes
    assert records(examples(), fmt).to_dicts() == EXPECTED[fmt]
    assert list(tmp_path.iterdir()) == [path]  # no partial file left


def test_unknown_format_and_broken_history_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        records(examples(), "parquet")
    broken = examples().with_columns(
        pl.when(pl.col("example_id") == "b2")
        .then(pl.col("history").list.reverse())
        .otherwise(pl.col("history"))
        .alias("history")
    )
    with pytest.raises(ValueError, match="b2"):
        write_format(broken, "messages", tmp_path / "messages.jsonl")


@pytest.mark.parametrize(
    ("fmt", "line", "expected"),
    [
        ("instructions", "{not json", "not a UTF-8 JSON object"),
        ("alpaca", '{"instruction": "x", "input": "", "output": "y"}', "keys"),
        ("alpaca", b'\xff\xfe{"id": 1}', "not a UTF-8 JSON object"),
        (
            "sharegpt",
            '{"id": "x", "conversations": [{"from": "human", "value": "a"}, '
            '{"from": "human", "value": "b"}]}',
            "alternate",
        ),
        (
            "messages",
            '{"id": "x", "messages": [{"role": "user", "content": "a"}, '
            '{"role": "assistant", "content": "  "}]}',
            "no text",
        ),
        (
            "instructions",
            '{"id": "x", "instruction": "", "input": "", "response": "r", "system": null, '
            '"history": []}',
            "'instruction' is empty",
        ),
    ],
)
def test_validation_catches_a_broken_line(
    tmp_path: Path, fmt: str, line: str | bytes, expected: str
) -> None:
    path = tmp_path / f"{fmt}.jsonl"
    write_format(examples(), fmt, path)
    with path.open("ab") as handle:
        handle.write(line if isinstance(line, bytes) else line.encode("utf-8"))
        handle.write(b"\n")
    count, problems = validate_format(path, fmt)
    assert count == 3
    assert len(problems) == 1
    assert problems[0].startswith("line 3:")
    assert expected in problems[0]


def test_a_failed_write_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "messages.jsonl"
    write_format(examples(), "messages", path)
    before = path.read_bytes()

    def crash(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_format(examples().head(1), "messages", path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]

    # A file that would not read back (an empty response) never replaces the good one.
    bad = examples().with_columns(pl.lit("").alias("response"))
    with pytest.raises(ValueError, match="did not read back"):
        write_format(bad, "messages", path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_an_empty_frame_writes_empty_files(tmp_path: Path) -> None:
    empty = pl.DataFrame(schema=EXAMPLE_SCHEMA)
    for fmt in FORMATS:
        path = tmp_path / f"{fmt}.jsonl"
        write_format(empty, fmt, path)
        assert validate_format(path, fmt) == (0, [])
