"""Every example that survived ingest, across all sources, in one canonical table."""

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetIn,
    MetadataValue,
    Output,
    asset,
    asset_check,
)

from instruct_assets.defs.ingest_assets import examples_key
from instruct_assets.defs.metadata import counts, markdown_table, table_metadata
from instruct_assets.schema import EXAMPLE_SCHEMA, REQUIRED_COLUMNS, SourceKind

CANDIDATES_GROUP = "candidates"


@asset(
    group_name=CANDIDATES_GROUP,
    kinds={"polars", "parquet"},
    io_manager_key="parquet_io_manager",
    ins={kind.value: AssetIn(examples_key(kind)) for kind in SourceKind},
)
def candidate_examples(
    faq: pl.DataFrame, docs: pl.DataFrame, human: pl.DataFrame, synthetic: pl.DataFrame
) -> Output[pl.DataFrame]:
    """All ingested examples of the four source kinds, in one canonical table."""
    union = pl.concat([faq, docs, human, synthetic], how="vertical")
    metadata = table_metadata(union, ("source_name", "instruction", "response"))
    metadata["rows_per_kind_and_origin"] = MetadataValue.md(
        markdown_table(counts(union, "source_kind", "origin"))
    )
    return Output(union, metadata=metadata)


@asset_check(asset=candidate_examples, blocking=True)
def candidate_examples_are_canonical(candidate_examples: pl.DataFrame) -> AssetCheckResult:
    """Canonical schema, one row per raw record, no missing text or provenance."""
    schema_ok = candidate_examples.schema == EXAMPLE_SCHEMA
    duplicated = candidate_examples.filter(pl.col("record_id").is_duplicated())
    nulls = candidate_examples.select(pl.col(list(REQUIRED_COLUMNS)).null_count()).row(
        0, named=True
    )
    with_nulls = {column: count for column, count in nulls.items() if count}
    return AssetCheckResult(
        passed=schema_ok and duplicated.is_empty() and not with_nulls,
        metadata={
            "schema_is_canonical": schema_ok,
            "duplicated_record_ids": MetadataValue.md(
                markdown_table(duplicated.select("record_id", "source_file", "source_locator"))
            ),
            "null_counts": MetadataValue.json(with_nulls),
        },
    )
