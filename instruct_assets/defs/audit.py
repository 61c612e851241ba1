"""The audit trail: every record or example that did not make it, and the accounting check
that nothing was lost between the candidates and the curated set."""

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetIn,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
    asset_check,
)

from instruct_assets.curation.rejections import duplicate_rejections, rule_rejections
from instruct_assets.defs.curation_assets import RecipeConfig
from instruct_assets.defs.ingest_assets import rejections_key
from instruct_assets.defs.metadata import counts, markdown_table, table_metadata
from instruct_assets.defs.resources import DataPaths
from instruct_assets.operations.warehouse import build_warehouse
from instruct_assets.schema import REJECTION_SCHEMA, SourceKind

AUDIT_GROUP = "audit"
CURATION_STAGES = ("rules", "dedup")
BALANCE_STAGE = "balance"


@asset(
    group_name=AUDIT_GROUP,
    kinds={"polars", "parquet"},
    io_manager_key="parquet_io_manager",
    ins={
        **{f"{kind.value}_rejections": AssetIn(rejections_key(kind)) for kind in SourceKind},
        "normalized_examples": AssetIn(),
        "rule_decisions": AssetIn(),
        "duplicate_clusters": AssetIn(),
        "unselected_examples": AssetIn(),
    },
)
def rejected_examples(
    config: RecipeConfig,
    data_paths: DataPaths,
    faq_rejections: pl.DataFrame,
    docs_rejections: pl.DataFrame,
    human_rejections: pl.DataFrame,
    synthetic_rejections: pl.DataFrame,
    normalized_examples: pl.DataFrame,
    rule_decisions: pl.DataFrame,
    duplicate_clusters: pl.DataFrame,
    unselected_examples: pl.DataFrame,
) -> Output[pl.DataFrame]:
    """Every raw record or example that was dropped, with the stage, rule, value and reason."""
    duplicates = config.recipe(data_paths).duplicates
    union = pl.concat(
        [
            faq_rejections,
            docs_rejections,
            human_rejections,
            synthetic_rejections,
            rule_rejections(rule_decisions, normalized_examples),
            duplicate_rejections(duplicate_clusters, normalized_examples, duplicates),
            unselected_examples.select(list(REJECTION_SCHEMA)),
        ],
        how="vertical",
    ).select(list(REJECTION_SCHEMA))
    metadata = table_metadata(union, ("source_file", "source_locator", "rule", "reason"))
    metadata |= {
        "rows_per_stage_and_rule": MetadataValue.md(markdown_table(counts(union, "stage", "rule"))),
        "rows_per_source": MetadataValue.md(markdown_table(counts(union, "source_name", "stage"))),
    }
    return Output(union, metadata=metadata)


@asset_check(
    asset=rejected_examples,
    blocking=True,
    additional_ins={
        "candidate_examples": AssetIn(),
        "unique_examples": AssetIn(),
        "balanced_examples": AssetIn(),
    },
)
def every_candidate_accounted_for(
    rejected_examples: pl.DataFrame,
    candidate_examples: pl.DataFrame,
    unique_examples: pl.DataFrame,
    balanced_examples: pl.DataFrame,
) -> AssetCheckResult:
    """Every candidate is curated or rejected by curation, and every curated example is in the
    balanced mix or left out by it: never both, never neither."""
    problems = {}
    for name, before, after, stages in (
        ("curation", candidate_examples, unique_examples, CURATION_STAGES),
        ("balance", unique_examples, balanced_examples, (BALANCE_STAGE,)),
    ):
        out = rejected_examples.filter(pl.col("stage").is_in(stages)).select("record_id")
        kept = after.select("record_id")
        everyone = before.select("record_id")
        problems[f"{name}_missing"] = (
            everyone.join(kept, on="record_id", how="anti")
            .join(out, on="record_id", how="anti")
            .height
        )
        problems[f"{name}_kept_and_rejected"] = kept.join(out, on="record_id", how="semi").height
        problems[f"{name}_unknown"] = (
            pl.concat([kept, out]).join(everyone, on="record_id", how="anti").height
        )
    return AssetCheckResult(
        passed=not any(problems.values()),
        metadata={
            "candidates": candidate_examples.height,
            "curated": unique_examples.height,
            "balanced": balanced_examples.height,
            **problems,
        },
    )


@asset(
    group_name=AUDIT_GROUP,
    kinds={"duckdb"},
    deps=[
        AssetKey(name)
        for name in (
            "candidate_examples",
            "normalized_examples",
            "example_signals",
            "rule_decisions",
            "clean_examples",
            "duplicate_clusters",
            "unique_examples",
            "task_labels",
            "balanced_examples",
            "rejected_examples",
        )
    ],
)
def sql_warehouse(data_paths: DataPaths) -> MaterializeResult:
    """DuckDB views over every stage table and a lineage view, for SQL questions."""
    path, views = build_warehouse(data_paths.tables_dir, data_paths.root / "warehouse")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "views": MetadataValue.md("\n".join(f"- `{view}`" for view in views)),
            "open_with": MetadataValue.text(f"duckdb -readonly {path}"),
        }
    )
