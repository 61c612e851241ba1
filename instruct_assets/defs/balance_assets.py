"""Diversity and balance: task labels with diversity statistics, and the DuckDB selection of
the published mix, with a warning check when a task type cannot reach its minimum share."""

from collections.abc import Iterator

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetOut,
    MetadataValue,
    Output,
    asset,
    multi_asset,
)

from instruct_assets.balance import labels as labelling
from instruct_assets.balance.labels import length_table, share_table, verb_noun_table
from instruct_assets.balance.selection import deficits, select_balanced
from instruct_assets.defs.curation_assets import RecipeConfig
from instruct_assets.defs.metadata import markdown_table, table_metadata
from instruct_assets.defs.raw_sources import CURATION_RECIPE_KEY
from instruct_assets.defs.resources import DataPaths

BALANCE_GROUP = "balance"
PARQUET = {"io_manager_key": "parquet_io_manager"}
MINIMUMS_CHECK = "task_type_minimums_met"


@asset(group_name=BALANCE_GROUP, kinds={"polars", "parquet"}, **PARQUET)
def task_labels(
    unique_examples: pl.DataFrame, example_signals: pl.DataFrame
) -> Output[pl.DataFrame]:
    """Task type of every curated example, the rule and confidence that decided it, and its
    leading verb and object noun."""
    labels = labelling.task_labels(unique_examples, example_signals)
    metadata = table_metadata(labels, ("task_type", "task_rule", "leading_verb", "object_noun"))
    metadata |= {
        "task_types": MetadataValue.md(markdown_table(share_table(labels, "task_type"))),
        "sources": MetadataValue.md(markdown_table(share_table(labels, "source_name"))),
        "origins": MetadataValue.md(markdown_table(share_table(labels, "origin"))),
        "verb_noun_pairs": MetadataValue.md(markdown_table(verb_noun_table(labels))),
        "response_words_by_task_type": MetadataValue.md(markdown_table(length_table(labels))),
    }
    return Output(labels, metadata=metadata)


TASK_LABELS_KEY = AssetKey("task_labels")


@multi_asset(
    group_name=BALANCE_GROUP,
    outs={
        "balanced_examples": AssetOut(
            kinds={"duckdb", "parquet"},
            **PARQUET,
            description="The published mix: quotas per task type filled with the best examples.",
        ),
        "unselected_examples": AssetOut(
            kinds={"duckdb", "parquet"},
            **PARQUET,
            description="Curated examples left out of the mix, with the quota or band that did it.",
        ),
    },
    deps=[AssetKey("unique_examples"), TASK_LABELS_KEY, CURATION_RECIPE_KEY],
    check_specs=[
        AssetCheckSpec(
            MINIMUMS_CHECK,
            asset="balanced_examples",
            blocking=False,
            description="Every task type reaches its minimum share (warns when supply is short).",
        )
    ],
)
def balance_examples(
    config: RecipeConfig, data_paths: DataPaths
) -> Iterator[Output[pl.DataFrame] | AssetCheckResult]:
    """Select the target mix with DuckDB SQL over the curated Parquet tables."""
    settings = config.recipe(data_paths).balance
    tables = data_paths.tables_dir
    selection = select_balanced(
        tables / "unique_examples.parquet", tables / "task_labels.parquet", settings
    )
    selected = selection.selected
    mix = share_table(selected, "task_type")
    metadata = table_metadata(selected, ("task_type", "source_name", "instruction"))
    metadata |= {
        "target_size": settings.target_size,
        "task_type_mix": MetadataValue.md(markdown_table(mix)),
        "refusal_share": round(
            selected.filter(pl.col("task_type") == "refusal").height / max(selected.height, 1), 4
        ),
        "quotas": MetadataValue.md(markdown_table(selection.quotas)),
        "sources": MetadataValue.md(markdown_table(share_table(selected, "source_name"))),
    }
    yield Output(selected, output_name="balanced_examples", metadata=metadata)
    yield Output(
        selection.not_selected,
        output_name="unselected_examples",
        metadata=table_metadata(selection.not_selected, ("source_name", "reason")),
    )
    short = deficits(selection.quotas)
    yield AssetCheckResult(
        check_name=MINIMUMS_CHECK,
        asset_key="balanced_examples",
        passed=not short,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "deficits": MetadataValue.md("\n".join(f"- {line}" for line in short) or "_none_"),
            "quotas": MetadataValue.md(markdown_table(selection.quotas)),
        },
    )
