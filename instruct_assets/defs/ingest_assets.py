"""One ingest step per source kind: canonical examples and the records that were rejected.

The accounting check runs inside the step, where the records read from each file are known:
records read must equal examples kept plus records rejected, file by file.
"""

from collections.abc import Iterator

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetOut,
    AssetsDefinition,
    MetadataValue,
    Output,
    multi_asset,
)

from instruct_assets.defs.metadata import markdown_table, table_metadata
from instruct_assets.defs.raw_sources import RAW_ASSET_KEYS, SOURCE_CATALOGUE_KEY
from instruct_assets.defs.resources import DataPaths
from instruct_assets.ingest import accounting_problems, ingest_kind
from instruct_assets.schema import SourceKind

INGEST_GROUP = "ingest"
ACCOUNTING_CHECK = "records_accounted_for"
PREVIEW_COLUMNS = ("source_locator", "instruction", "response", "conversion")
REJECTION_PREVIEW_COLUMNS = ("source_file", "source_locator", "rule", "reason")


def examples_key(kind: SourceKind) -> AssetKey:
    return AssetKey(f"{kind.value}_examples")


def rejections_key(kind: SourceKind) -> AssetKey:
    return AssetKey(f"{kind.value}_rejections")


def build_ingest_assets(kind: SourceKind) -> AssetsDefinition:
    examples, rejections = examples_key(kind), rejections_key(kind)

    @multi_asset(
        name=f"ingest_{kind.value}",
        group_name=INGEST_GROUP,
        outs={
            examples.path[-1]: AssetOut(
                key=examples,
                kinds={"polars", "parquet"},
                io_manager_key="parquet_io_manager",
                description=f"Examples read from the {kind.value} sources, canonical schema.",
            ),
            rejections.path[-1]: AssetOut(
                key=rejections,
                kinds={"polars", "parquet"},
                io_manager_key="parquet_io_manager",
                description=f"Raw {kind.value} records that could not become examples, with why.",
            ),
        },
        deps=[RAW_ASSET_KEYS[kind], SOURCE_CATALOGUE_KEY],
        check_specs=[
            AssetCheckSpec(
                ACCOUNTING_CHECK,
                asset=examples,
                blocking=True,
                description="Per file: records read = examples kept + records rejected.",
            )
        ],
    )
    def ingest(
        context: AssetExecutionContext, data_paths: DataPaths
    ) -> Iterator[Output | AssetCheckResult]:
        # Unchanged files come from the per-file cache: only changed files are read again.
        result = ingest_kind(
            data_paths.raw_dir,
            data_paths.catalogue(),
            kind,
            cache_dir=data_paths.tables_dir / "ingest_cache" / kind.value,
        )
        files_table = MetadataValue.md(markdown_table(result.files.drop("sha256")))
        reread = int((~result.files["from_cache"]).sum())
        context.log.info(
            f"{kind.value}: {result.files.height} files ({reread} read, the rest unchanged and "
            f"cached), {result.examples.height} examples, {result.rejections.height} rejected"
        )
        yield Output(
            result.examples,
            output_name=examples.path[-1],
            metadata={
                **table_metadata(result.examples, PREVIEW_COLUMNS),
                "files": files_table,
                "files_read_again": reread,
            },
        )
        rejection_metadata = table_metadata(result.rejections, REJECTION_PREVIEW_COLUMNS)
        rejection_metadata["rows_per_rule"] = MetadataValue.md(
            markdown_table(
                result.rejections.group_by("rule").len("rows").sort("rows", descending=True)
            )
        )
        yield Output(
            result.rejections, output_name=rejections.path[-1], metadata=rejection_metadata
        )
        problems = accounting_problems(result.files)
        yield AssetCheckResult(
            check_name=ACCOUNTING_CHECK,
            asset_key=examples,
            passed=problems.is_empty(),
            severity=AssetCheckSeverity.ERROR,
            metadata={
                "records_read": int(result.files["records_read"].sum()),
                "examples": result.examples.height,
                "rejected": result.rejections.height,
                "files_out_of_balance": MetadataValue.md(markdown_table(problems)),
            },
        )

    return ingest


ingest_assets = [build_ingest_assets(kind) for kind in SourceKind]
