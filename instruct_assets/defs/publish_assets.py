"""The published JSONL dataset and the check that reads it back."""

from pathlib import Path

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from instruct_assets.defs.metadata import counts, markdown_table
from instruct_assets.defs.resources import DataPaths
from instruct_assets.publish import dataset_lines, validate_jsonl, write_jsonl_atomically

PUBLISH_GROUP = "publish"
DATASET_FILE = "instructions.jsonl"


def dataset_path(data_paths: DataPaths) -> Path:
    return data_paths.out_dir / DATASET_FILE


# Published only after the audit: its blocking accounting check stops a run that lost examples.
@asset(group_name=PUBLISH_GROUP, kinds={"json"}, deps=[AssetKey("rejected_examples")])
def instruction_dataset(
    context: AssetExecutionContext, data_paths: DataPaths, unique_examples: pl.DataFrame
) -> MaterializeResult:
    """The final JSONL trainers load: one example per line, same keys on every line."""
    path = dataset_path(data_paths)
    write_jsonl_atomically(dataset_lines(unique_examples), path)
    context.log.info(f"wrote {unique_examples.height} examples to {path}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "dagster/row_count": unique_examples.height,
            "bytes": path.stat().st_size,
            "examples_per_source": MetadataValue.md(
                markdown_table(counts(unique_examples, "source_kind", "source_name"))
            ),
        }
    )


@asset_check(asset=instruction_dataset, blocking=True)
def jsonl_reads_back(data_paths: DataPaths) -> AssetCheckResult:
    """Every line is a UTF-8 JSON object with the same keys in the same order."""
    path = dataset_path(data_paths)
    lines, problems = validate_jsonl(path)
    return AssetCheckResult(
        passed=not problems,
        metadata={
            "lines": lines,
            "problems": MetadataValue.md(
                markdown_table(
                    pl.DataFrame(
                        [{"line": p.line, "problem": p.problem} for p in problems],
                        schema={"line": pl.Int64, "problem": pl.String},
                    )
                )
            ),
        },
    )
