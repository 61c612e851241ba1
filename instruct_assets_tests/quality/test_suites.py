"""The suites pass on a good table and fail, naming exactly the offending ids, on each defect."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import polars as pl
import pytest
from dagster import AssetCheckSeverity, asset, materialize

from instruct_assets.defs.quality_checks import suite_check
from instruct_assets.defs.resources import DataPaths
from instruct_assets.quality.suites import (
    COMPUTED_PREFIX,
    SuiteOutcome,
    ValueShareExpectation,
    canonical_table_suite,
    final_dataset_suite,
    run_suite,
)
from instruct_assets.schema import EXAMPLE_SCHEMA

TASK_TYPES = ["refusal", "refusal", "code", "code", "code"] + ["explain"] * 3 + ["open_qa"] * 2
NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = "expect_column_values_to_be_unique"
IN_SET = "expect_column_values_to_be_in_set"
LENGTHS = "expect_column_value_lengths_to_be_between"
COLUMNS = "expect_table_columns_to_match_set"
DISTINCT = "expect_column_unique_value_count_to_be_between"
SHARE = COMPUTED_PREFIX + "expect_column_value_share_to_be_between"


def good_table() -> pl.DataFrame:
    rows = [
        {
            "example_id": f"e{i}",
            "record_id": f"r{i}",
            "instruction": f"Question number {i}?",
            "input": "" if i % 2 else f"context {i}",
            "response": f"Answer {i}.",
            "history": [{"role": "user", "content": "hi"}] if i == 0 else [],
            "system": None,
            "source_kind": ["faq", "docs", "human", "synthetic"][i % 4],
            "origin": ["converted", "converted", "human", "synthetic"][i % 4],
            "source_name": "sample",
            "source_file": "sample/file.jsonl",
            "source_locator": f"line {i + 1}",
            "license": "cc-by-4.0",
            "generator": None,
            "conversion": "alpaca",
        }
        for i in range(len(TASK_TYPES))
    ]
    table = pl.DataFrame(rows, schema=EXAMPLE_SCHEMA)
    return table.with_columns(pl.Series("task_type", TASK_TYPES))


def set_value(table: pl.DataFrame, row: int, column: str, value: object) -> pl.DataFrame:
    return table.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit(value, dtype=table.schema[column]))
        .otherwise(pl.col(column))
        .alias(column)
    )


def canonical() -> list:
    return canonical_table_suite("canonical")


def final(**overrides: object) -> list:
    settings: dict = {
        "min_task_types": 3,
        "max_share": {"code": 0.4, "explain": 0.4},
        "refusal_band": (0.1, 0.3),
    }
    return final_dataset_suite("final", **(settings | overrides))


def failures(outcome: SuiteOutcome) -> dict[tuple[str, str | None], list[str]]:
    return {(o.expectation, o.column): o.unexpected_ids for o in outcome.failed}


@pytest.mark.parametrize("build", [canonical, final], ids=["canonical", "final"])
def test_suites_pass_on_a_good_table(build: Callable[[], list]) -> None:
    rules = build()
    outcome = run_suite(good_table(), "good", rules)
    assert outcome.success, outcome.failed
    assert not outcome.failed
    assert len(outcome.outcomes) == len(rules)
    assert outcome.outcomes[0].expectation == COLUMNS
    assert all(o.unexpected_ids == [] for o in outcome.outcomes)
    assert outcome.data_docs is None


CANONICAL_DEFECTS = {
    "null_instruction": (
        lambda t: set_value(t, 3, "instruction", None),
        {(NOT_NULL, "instruction"): ["r3"]},
    ),
    "duplicate_record_id": (
        lambda t: set_value(t, 5, "record_id", "r4"),
        {(UNIQUE, "record_id"): ["r4"]},
    ),
    "unknown_source_kind": (
        lambda t: set_value(t, 2, "source_kind", "blog"),
        {(IN_SET, "source_kind"): ["r2"]},
    ),
    "unknown_origin": (
        lambda t: set_value(t, 7, "origin", "scraped"),
        {(IN_SET, "origin"): ["r7"]},
    ),
    "over_long_response": (
        lambda t: set_value(t, 6, "response", "x" * 20_001),
        {(LENGTHS, "response"): ["r6"]},
    ),
    "empty_instruction": (
        lambda t: set_value(t, 8, "instruction", ""),
        {(LENGTHS, "instruction"): ["r8"]},
    ),
    "null_provenance": (
        lambda t: set_value(t, 1, "source_locator", None),
        {(NOT_NULL, "source_locator"): ["r1"]},
    ),
}


@pytest.mark.parametrize("defect", sorted(CANONICAL_DEFECTS))
def test_canonical_suite_fails_with_the_offending_ids(defect: str) -> None:
    mutate, expected = CANONICAL_DEFECTS[defect]
    outcome = run_suite(mutate(good_table()), "canonical", canonical())
    assert not outcome.success
    assert failures(outcome) == expected


def test_a_missing_column_fails_the_schema_rule() -> None:
    outcome = run_suite(good_table().drop("license"), "canonical", canonical())
    found = failures(outcome)
    assert found[(COLUMNS, None)] == []
    schema = next(o for o in outcome.failed if o.expectation == COLUMNS)
    assert "missing: license" in schema.observed
    # the column's own rule cannot run and fails too, saying why
    assert set(found) == {(COLUMNS, None), (NOT_NULL, "license")}
    assert "license" in next(o for o in outcome.failed if o.column == "license").observed


def test_max_chars_and_extra_unique_columns_are_honoured() -> None:
    table = set_value(good_table(), 4, "example_id", "e9")
    rules = canonical_table_suite(
        "strict", unique_columns=("record_id", "example_id"), max_chars={"response": 8}
    )
    found = failures(run_suite(table, "strict", rules))
    assert found[(UNIQUE, "example_id")] == ["r4", "r9"]
    assert found[(LENGTHS, "response")] == [f"r{i}" for i in range(10)]  # "Answer 0." > 8


def test_too_few_task_types() -> None:
    outcome = run_suite(good_table(), "final", final(min_task_types=5))
    assert failures(outcome) == {(DISTINCT, "task_type"): []}
    assert "observed 4" in outcome.failed[0].observed


def test_a_task_type_above_its_share() -> None:
    table = set_value(set_value(good_table(), 5, "task_type", "code"), 6, "task_type", "code")
    outcome = run_suite(table, "final", final())
    assert failures(outcome) == {(SHARE, "task_type"): []}
    assert "'code': 0.5000 (5/10 rows)" in outcome.failed[0].observed


@pytest.mark.parametrize(
    ("refusals", "band"), [(0, "below"), (4, "above")], ids=["below_band", "above_band"]
)
def test_refusal_share_outside_its_band(refusals: int, band: str) -> None:
    table = good_table().with_columns(
        pl.Series("task_type", ["refusal"] * refusals + TASK_TYPES[refusals:])
        if refusals
        else pl.col("task_type").replace("refusal", "open_qa")
    )
    outcome = run_suite(table, "final", final())
    assert failures(outcome) == {(SHARE, "task_type"): []}
    assert f"'refusal': {refusals / 10:.4f}" in outcome.failed[0].observed


def test_unknown_task_type() -> None:
    outcome = run_suite(set_value(good_table(), 9, "task_type", "poetry"), "final", final())
    assert failures(outcome) == {(IN_SET, "task_type"): ["r9"]}


def test_a_duplicate_instruction_after_normalisation() -> None:
    first = good_table().row(1, named=True)
    twin = "  " + first["instruction"].upper().replace(" ", "\n ")
    table = set_value(good_table(), 7, "instruction", twin)
    outcome = run_suite(table, "final", final())
    assert failures(outcome) == {(UNIQUE, "normalised_prompt"): ["r1", "r7"]}
    # the same instruction with another input is not a duplicate
    other_input = set_value(table, 7, "input", "another context")
    assert run_suite(other_input, "final", final()).success


def test_share_bands_and_taxonomy_are_validated() -> None:
    with pytest.raises(ValueError, match="0 <= min <= max <= 1"):
        ValueShareExpectation("task_type", "refusal", min_share=0.5, max_share=0.2)
    with pytest.raises(ValueError, match="outside the taxonomy"):
        final(max_share={"poetry": 0.1})


def test_data_docs_are_built_under_the_given_folder(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    table = set_value(good_table(), 3, "instruction", None)
    outcome = run_suite(table, "canonical", canonical(), docs_dir=docs)
    assert outcome.data_docs == docs.resolve() / "index.html"
    assert outcome.data_docs.is_file()
    pages = list((docs / "validations").rglob("*.html"))
    assert len(pages) == 1
    assert "never be null" in pages[0].read_text()
    assert failures(outcome) == {(NOT_NULL, "instruction"): ["r3"]}
    again = run_suite(good_table(), "canonical", canonical(), docs_dir=docs)
    assert again.success and again.data_docs == outcome.data_docs
    assert len(list((docs / "validations").rglob("*.html"))) == 2


def test_the_dagster_check_reports_ids_and_data_docs(tmp_path: Path) -> None:
    @asset
    def sample_table() -> pl.DataFrame:
        return set_value(good_table(), 2, "source_kind", "blog")

    check = suite_check(
        "sample_table", "sample", partial(canonical_table_suite), blocking=False, docs=True
    )
    data_paths = DataPaths(data_dir=str(tmp_path / "data"))
    result = materialize(
        [sample_table, check],
        resources={"data_paths": data_paths},
        raise_on_error=False,
    )
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == "sample_suite"
    assert not evaluation.passed
    assert evaluation.severity == AssetCheckSeverity.WARN
    metadata = evaluation.metadata
    assert metadata["failed"].value == 1
    assert "| expect_column_values_to_be_in_set | source_kind |" in (
        metadata["failed_expectations"].value
    )
    assert "| r2 |" in metadata["failed_expectations"].value
    assert metadata["expectations"].value.count("\n") == metadata["evaluated"].value + 1
    index = data_paths.out_dir / "quality" / "sample" / "index.html"
    assert metadata["data_docs"].value == str(index.resolve())
    assert metadata["data_docs_url"].value == index.resolve().as_uri()
    assert index.is_file()
