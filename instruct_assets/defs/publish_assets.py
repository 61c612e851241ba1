"""Publication: the JSONL trainers load (and, on request, the alpaca, OpenAI messages and
ShareGPT shapes), a train/validation split, and the dataset card, each read back before use."""

from pathlib import Path

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetIn,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)
from pydantic import Field

from instruct_assets.catalogue import raw_files
from instruct_assets.defs.curation_assets import RecipeConfig
from instruct_assets.defs.metadata import counts, markdown_table
from instruct_assets.defs.resources import DataPaths
from instruct_assets.operations.releases import make_release, point_latest
from instruct_assets.publication.card import write_dataset_card
from instruct_assets.publication.formats import FORMATS, validate_format, write_format
from instruct_assets.publication.split import split_train_validation
from instruct_assets.schema import SourceKind

PUBLISH_GROUP = "publish"
DATASET_FILE = "instructions.jsonl"


class PublishConfig(RecipeConfig):
    """Which shapes to publish besides data/out/instructions.jsonl."""

    formats: list[str] = Field(
        default_factory=lambda: ["instructions"],
        description=f"Any of {', '.join(FORMATS)}; 'instructions' is always written.",
    )


def dataset_path(data_paths: DataPaths) -> Path:
    return data_paths.out_dir / DATASET_FILE


def format_path(data_paths: DataPaths, fmt: str, split: str | None = None) -> Path:
    folder = data_paths.out_dir / "splits" if split else data_paths.out_dir
    return folder / (f"{fmt}.{split}.jsonl" if split else f"{fmt}.jsonl")


# Published only after the audit: its blocking accounting check stops a run that lost examples.
@asset(
    group_name=PUBLISH_GROUP,
    kinds={"json"},
    ins={"balanced_examples": AssetIn(), "rejected_examples": AssetIn()},
)
def instruction_dataset(
    context: AssetExecutionContext,
    config: PublishConfig,
    data_paths: DataPaths,
    balanced_examples: pl.DataFrame,
    rejected_examples: pl.DataFrame,
) -> MaterializeResult:
    """The final dataset trainers load: data/out/instructions.jsonl, its train/validation
    split, the requested shapes, and the dataset card."""
    unknown = sorted(set(config.formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown formats {unknown}; choose from {', '.join(FORMATS)}")
    recipe = config.recipe(data_paths)
    split = split_train_validation(
        balanced_examples,
        validation_fraction=recipe.balance.validation_fraction,
        seed=recipe.balance.seed,
    )
    dataset = balanced_examples.join(split, on="record_id", how="left")
    files: dict[str, Path] = {}
    for fmt in dict.fromkeys(["instructions", *config.formats]):
        files[f"{fmt} (all)"] = format_path(data_paths, fmt)
        write_format(dataset, fmt, files[f"{fmt} (all)"])
        for side in ("train", "validation"):
            files[f"{fmt} ({side})"] = format_path(data_paths, fmt, side)
            write_format(dataset.filter(pl.col("split") == side), fmt, files[f"{fmt} ({side})"])
    card = write_dataset_card(
        data_paths.out_dir,
        dataset=dataset,
        rejected=rejected_examples,
        recipe_summary=recipe.model_dump(mode="json"),
        files=files,
    )
    context.log.info(f"wrote {dataset.height} examples to {dataset_path(data_paths)}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(dataset_path(data_paths))),
            "dagster/row_count": dataset.height,
            "dataset_card": MetadataValue.path(str(card)),
            "files": MetadataValue.md(
                "\n".join(f"- {name}: `{path}`" for name, path in files.items())
            ),
            "task_type_mix": MetadataValue.md(markdown_table(counts(dataset, "task_type"))),
            "split": MetadataValue.md(markdown_table(counts(dataset, "split", "task_type"))),
            "examples_per_source": MetadataValue.md(
                markdown_table(counts(dataset, "source_kind", "source_name"))
            ),
        }
    )


@asset_check(asset=instruction_dataset, blocking=True)
def jsonl_reads_back(config: PublishConfig, data_paths: DataPaths) -> AssetCheckResult:
    """Every published file reads back: UTF-8 JSON objects, the same keys in the same order on
    every line, and valid turns in the conversation shapes."""
    lines, _ = validate_format(dataset_path(data_paths), "instructions")
    rows = []
    for fmt in dict.fromkeys(["instructions", *config.formats]):
        for side in (None, "train", "validation"):
            path = format_path(data_paths, fmt, side)
            _, found = validate_format(path, fmt)
            rows += [{"file": path.name, "problem": text} for text in found]
    table = pl.DataFrame(rows, schema={"file": pl.String, "problem": pl.String})
    return AssetCheckResult(
        passed=table.is_empty(),
        metadata={"lines": lines, "problems": MetadataValue.md(markdown_table(table))},
    )


@asset(
    group_name=PUBLISH_GROUP,
    kinds={"json"},
    deps=[instruction_dataset],
    ins={"balanced_examples": AssetIn(), "rejected_examples": AssetIn()},
)
def dataset_release(
    data_paths: DataPaths, balanced_examples: pl.DataFrame, rejected_examples: pl.DataFrame
) -> MaterializeResult:
    """The publication kept as a numbered release with its manifest and diff; LATEST moves
    here, after every blocking check upstream has passed."""
    inputs = {
        path.relative_to(data_paths.raw_dir).as_posix(): path
        for kind in SourceKind
        for path in raw_files(data_paths.raw_dir, kind)
    }
    config = [data_paths.catalogue_file, data_paths.recipe_file, data_paths.blocklist_file]
    version, manifest = make_release(
        data_paths.out_dir,
        balanced_examples,
        rejected_examples,
        config_files=config,
        input_files=inputs,
    )
    point_latest(data_paths.out_dir, version)
    diff = manifest["diff"]
    return MaterializeResult(
        metadata={
            "version": version,
            "path": MetadataValue.path(str(data_paths.out_dir / "releases" / version)),
            "previous": diff["previous"] or "none",
            "added": diff["added"],
            "removed": diff["removed"],
            "changed": diff["changed"],
            "removed_by_reason": MetadataValue.json(diff["removed_by_reason"]),
        }
    )
