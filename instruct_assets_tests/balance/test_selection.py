"""The DuckDB balancer on tables whose supply is known exactly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from instruct_assets.balance.labels import task_labels, verb_and_noun
from instruct_assets.balance.selection import deficits, select_balanced
from instruct_assets.curation.recipe import Balance
from instruct_assets.schema import EXAMPLE_SCHEMA

SUPPLY = {"explain": 120, "classify": 60, "code": 40, "brainstorm": 30, "refusal": 3}


def write_tables(
    folder: Path, supply: dict[str, int], sources: tuple[str, ...] = ("a", "b")
) -> tuple[Path, Path]:
    examples, labels = [], []
    for task_type, count in supply.items():
        for number in range(count):
            record = f"{task_type}-{number:03d}"
            source = sources[number % len(sources)]
            examples.append(
                {
                    "example_id": f"e-{record}",
                    "record_id": record,
                    "instruction": f"{task_type} instruction {number}",
                    "input": "",
                    "response": "word " * (10 + number % 30),
                    "history": [],
                    "system": None,
                    "source_kind": "human",
                    "origin": "human",
                    "source_name": source,
                    "source_file": f"{source}.jsonl",
                    "source_locator": f"line {number + 1}",
                    "license": "CC-BY-4.0",
                    "generator": None,
                    "conversion": "alpaca",
                }
            )
            labels.append(
                {
                    "record_id": record,
                    "example_id": f"e-{record}",
                    "task_type": task_type,
                    "task_rule": "test",
                    "task_confidence": 0.9,
                    "is_refusal": task_type == "refusal",
                    "quality_score": round(number / max(count, 1), 4),
                    "response_words": 10 + number % 30,
                    "instruction_words": 3,
                    "leading_verb": None,
                    "object_noun": None,
                    "source_name": source,
                    "origin": "human",
                }
            )
    examples_path, labels_path = folder / "examples.parquet", folder / "labels.parquet"
    pl.DataFrame(examples, schema=EXAMPLE_SCHEMA).write_parquet(examples_path)
    pl.DataFrame(labels).write_parquet(labels_path)
    return examples_path, labels_path


def settings(**overrides: object) -> Balance:
    base: dict[str, object] = {
        "target_size": 100,
        "seed": 7,
        "default_max_share": 0.4,
        "task_types": {
            "refusal": {"min_share": 0.02, "max_share": 0.05},
            "code": {"min_share": 0.2},
            "brainstorm": {"min_share": 0.1},
        },
        "length_bands": {"default": [1, 1000]},
    }
    return Balance.model_validate(base | overrides)


@pytest.fixture
def tables(tmp_path: Path) -> tuple[Path, Path]:
    return write_tables(tmp_path, SUPPLY)


def test_quotas_are_met_when_supply_allows(tables: tuple[Path, Path]) -> None:
    selection = select_balanced(*tables, settings())
    mix = dict(selection.selected.group_by("task_type").len().iter_rows())
    assert selection.selected.height == 100
    assert mix["code"] >= 20 and mix["brainstorm"] >= 10, mix
    assert mix["refusal"] == 3, "all three refusals fit inside the 2-5% band"
    assert max(mix.values()) <= 40, "no task type above its maximum share"
    quotas = dict(selection.quotas.select("task_type", "quota").iter_rows())
    assert quotas == {**dict.fromkeys(quotas, 0), **mix}


def test_the_best_examples_fill_each_quota(tables: tuple[Path, Path]) -> None:
    selection = select_balanced(*tables, settings())
    code = selection.selected.filter(pl.col("task_type") == "code")
    # quality rises with the number, so the kept code examples are the highest-numbered ones
    assert sorted(code["record_id"]) == [f"code-{n:03d}" for n in range(40 - code.height, 40)]


def test_deficits_are_reported_in_words(tmp_path: Path) -> None:
    paths = write_tables(tmp_path, SUPPLY)
    selection = select_balanced(
        *paths, settings(task_types={"refusal": {"min_share": 0.1, "max_share": 0.2}})
    )
    assert deficits(selection.quotas) == ["refusal: minimum 10%, available 3.0% (3 of 10 needed)"]
    assert selection.selected.filter(pl.col("task_type") == "refusal").height == 3


def test_everything_is_selected_when_less_than_the_target_is_available(tmp_path: Path) -> None:
    paths = write_tables(tmp_path, {"explain": 5, "code": 4})
    selection = select_balanced(*paths, settings(default_max_share=1.0, task_types={}))
    assert selection.selected.height == 9
    assert selection.not_selected.is_empty()


def test_selection_is_deterministic_and_the_seed_breaks_ties(tmp_path: Path) -> None:
    supply = {"explain": 200}
    paths = write_tables(tmp_path, supply)
    # every example the same quality: only the seeded tie-break decides
    labels = pl.read_parquet(paths[1]).with_columns(pl.lit(0.5).alias("quality_score"))
    labels.write_parquet(paths[1])
    chosen = [
        sorted(
            select_balanced(
                *paths, settings(seed=seed, default_max_share=1.0, task_types={}, target_size=50)
            ).selected["record_id"]
        )
        for seed in (1, 1, 2)
    ]
    assert chosen[0] == chosen[1]
    assert chosen[0] != chosen[2]


def test_every_example_left_out_says_why(tables: tuple[Path, Path]) -> None:
    selection = select_balanced(
        *tables, settings(length_bands={"default": [1, 1000], "explain": [20, 1000]})
    )
    left_out = selection.not_selected
    total = sum(SUPPLY.values())
    assert selection.selected.height + left_out.height == total
    assert set(left_out["rule"]) == {"not_selected"}
    band = left_out.filter(pl.col("reason").str.starts_with("outside the length band"))
    assert (
        band.height
        == pl.read_parquet(tables[1])
        .filter((pl.col("task_type") == "explain") & (pl.col("response_words") < 20))
        .height
    )
    assert (
        left_out.filter(pl.col("reason").str.starts_with("task type"))["threshold"]
        .str.starts_with("quota")
        .all()
    )


def test_a_source_past_its_share_only_fills_what_others_cannot(tmp_path: Path) -> None:
    paths = write_tables(tmp_path, {"explain": 100}, sources=("big", "big", "big", "small"))
    selection = select_balanced(
        *paths, settings(target_size=40, default_max_share=1.0, task_types={}, max_source_share=0.5)
    )
    by_source = dict(selection.selected.group_by("source_name").len().iter_rows())
    assert by_source == {"big": 20, "small": 20}


def test_task_labels_give_the_leading_verb_and_its_object() -> None:
    assert verb_and_noun("Write a short poem about the sea.") == ("write", "poem")
    assert verb_and_noun("Come up with three names for a cafe.") == ("come", "name")
    assert verb_and_noun("What is the capital of France?") == (None, None)
    examples = pl.DataFrame(
        {
            "record_id": ["r"],
            "instruction": ["Summarize the article."],
            "source_name": ["s"],
            "origin": ["human"],
        }
    )
    signals = pl.DataFrame(
        {
            "record_id": ["r"],
            "example_id": ["e"],
            "task_type": ["summarize"],
            "task_rule": ["summarize_verb"],
            "task_confidence": [0.9],
            "is_refusal": [False],
            "quality_score": [0.8],
            "response_words": [40],
            "instruction_words": [3],
        }
    )
    row = task_labels(examples, signals).row(0, named=True)
    assert (row["task_type"], row["leading_verb"], row["object_noun"]) == (
        "summarize",
        "summarize",
        "article",
    )
