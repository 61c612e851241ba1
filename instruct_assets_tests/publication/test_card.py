"""The dataset card: README.md with counts, tables and tracing help, and its plots."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from instruct_assets.publication.card import recipe_markdown, write_dataset_card
from instruct_assets.publication.formats import FORMATS, write_format
from instruct_assets.schema import EXAMPLE_SCHEMA

TASKS = {"code": 6, "explain": 4, "refusal": 2, "classify": 1}


def dataset() -> pl.DataFrame:
    rows = []
    for task, size in TASKS.items():
        for index in range(size):
            rows.append(
                {
                    "example_id": f"{task}{index}",
                    "record_id": f"r-{task}-{index}",
                    "instruction": f"Do {task} number {index}.",
                    "input": "",
                    "response": "word " * (3 + 5 * index),
                    "history": [],
                    "system": None,
                    "source_kind": "human" if index % 2 else "synthetic",
                    "origin": "human" if index % 2 else "synthetic",
                    "source_name": "handwritten" if index % 2 else "generated|v2",
                    "source_file": "f.jsonl",
                    "source_locator": f"line {index}",
                    "license": "cc-by-4.0",
                    "generator": None,
                    "conversion": "alpaca",
                }
            )
    frame = pl.DataFrame(rows, schema=EXAMPLE_SCHEMA)
    return frame.with_columns(
        pl.Series("task_type", [task for task, size in TASKS.items() for _ in range(size)]),
        pl.when(pl.col("source_locator").is_in(["line 0"]))
        .then(pl.lit("validation"))
        .otherwise(pl.lit("train"))
        .alias("split"),
        pl.col("response").str.count_matches(r"\w+").alias("response_words"),
        pl.lit(0.8).alias("quality_score"),
    )


def rejected() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "stage": ["ingest", "rules", "rules", "rules", "dedup"],
            "rule": [
                "malformed_json",
                "response_too_short",
                "response_too_short",
                "wrong_language",
                "near_duplicate",
            ],
            "source_name": ["handwritten", "generated|v2", "handwritten", "handwritten", None],
        }
    )


RECIPE = {
    "task_type_min_confidence": 0.7,
    "rules": {
        "response_too_short": {"action": "drop", "min_words": {"default": 1, "explain": 8}},
        "wrong_language": {"action": "drop", "allowed": ["en"], "min_confidence": 0.7},
        "secret": {"action": "drop"},
    },
    "duplicates": {"near": {"threshold": 0.8, "num_perm": 128}},
    "split": {"validation_fraction": 0.1, "seed": 0},
}


def test_card_and_plots(tmp_path: Path) -> None:
    frame = dataset()
    out = tmp_path / "out"
    files = {}
    for fmt in FORMATS:
        files[fmt] = out / f"{fmt}.jsonl"
        write_format(frame, fmt, files[fmt])
    readme = write_dataset_card(
        out, dataset=frame, rejected=rejected(), recipe_summary=RECIPE, files=files
    )
    assert readme == out / "README.md"
    text = readme.read_text(encoding="utf-8")

    pngs = sorted((out / "plots").glob("*.png"))
    assert len(pngs) == 2
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"(plots/{png.name})" in text
    assert not list(out.rglob(".*.partial"))

    assert text.startswith("# ")
    assert "**13 examples**" in text
    for task, size in TASKS.items():
        assert f"| {task} | {size} |" in text
    for fmt in FORMATS:
        assert f"| {fmt} | [`{fmt}.jsonl`]({fmt}.jsonl) | 13 |" in text
    # Sources (a pipe in a name is escaped), origins, refusal share, split by task type.
    assert "| generated\\|v2 |" in text
    assert "| human |" in text and "| synthetic |" in text
    assert "Refusal share: **15.4%** (2 of 13 examples)" in text
    assert "| code | 5 | 1 |" in text and "| classify | 0 | 1 |" in text
    assert "| **all** | 9 | 4 |" in text
    # Rules and thresholds, drops by stage and rule.
    assert "response_too_short" in text and "explain: 8" in text and "validation_fraction" in text
    assert "| rules | response_too_short | 2 | 2 |" in text
    assert "| rules | 3 |" in text
    # Tracing.
    assert "## How to trace an example" in text
    for name in ("unique_examples.parquet", "rejected_examples.parquet", "source_locator"):
        assert name in text


def test_card_is_rewritten_in_place(tmp_path: Path) -> None:
    frame = dataset()
    write_dataset_card(tmp_path, dataset=frame, rejected=rejected(), recipe_summary={}, files={})
    readme = write_dataset_card(
        tmp_path, dataset=frame.head(3), rejected=rejected().head(0), recipe_summary={}, files={}
    )
    text = readme.read_text(encoding="utf-8")
    assert "**3 examples**" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "plots"]


def test_recipe_markdown_is_compact() -> None:
    text = recipe_markdown(RECIPE)
    assert "- **task_type_min_confidence**: 0.7" in text
    assert "  - **response_too_short**: action=drop, min_words={default: 1, explain: 8}" in text
    assert "  - **wrong_language**: action=drop, allowed=[en], min_confidence=0.7" in text
    assert "- **split**: validation_fraction=0.1, seed=0" in text
