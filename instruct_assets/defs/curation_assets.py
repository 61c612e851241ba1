"""Curation assets: normalise, measure, apply rules and decontaminate, de-duplicate.

candidate_examples -> normalized_examples -> example_signals
normalized + signals -> clean_examples (+ rule_decisions)
clean + signals -> unique_examples (+ duplicate_clusters)
"""

from collections.abc import Iterator

import polars as pl
import yaml
from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetOut,
    Config,
    MetadataValue,
    Output,
    asset,
    multi_asset,
)
from pydantic import Field

from instruct_assets.curation.decontamination import find_overlaps, load_benchmarks
from instruct_assets.curation.dedup import deduplicate
from instruct_assets.curation.normalize import normalize_examples
from instruct_assets.curation.recipe import Recipe
from instruct_assets.curation.rules import (
    blocklist_decisions,
    dropped_record_ids,
    evaluate_rules,
    overlap_decisions,
)
from instruct_assets.curation.signals import compute_signals
from instruct_assets.defs.metadata import counts, markdown_table, table_metadata
from instruct_assets.defs.raw_sources import BLOCKLIST_KEY, CURATION_RECIPE_KEY, EVAL_BENCHMARKS_KEY
from instruct_assets.defs.resources import DataPaths
from instruct_assets.operations.blocklist import Blocklist, blocked_decisions

CURATION_GROUP = "curation"
PARQUET = {"io_manager_key": "parquet_io_manager"}
EXAMPLE_PREVIEW = ("source_name", "instruction", "response")
EXAMPLES_PER_RULE = 2


class RecipeConfig(Config):
    """The curation recipe for this run: data/config/curation.yaml, with optional overrides."""

    overrides_yaml: str = Field(
        default="",
        description="YAML merged over the recipe for this run, e.g. "
        "'duplicates: {near: {whole_example: {threshold: 0.9}}}'.",
    )

    def recipe(self, data_paths: DataPaths) -> Recipe:
        overrides = yaml.safe_load(self.overrides_yaml) if self.overrides_yaml else {}
        return Recipe.load(data_paths.recipe_file, overrides or {})


def _list_counts(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.select(pl.col(column).explode().drop_nulls().value_counts(sort=True)).unnest(
        column
    )


@asset(
    group_name=CURATION_GROUP, kinds={"polars", "parquet"}, deps=[CURATION_RECIPE_KEY], **PARQUET
)
def normalized_examples(
    config: RecipeConfig, data_paths: DataPaths, candidate_examples: pl.DataFrame
) -> Output[pl.DataFrame]:
    """Candidates in one consistent form (Unicode, quotes, whitespace, placeholder inputs),
    with the normalisations that fired on each."""
    normalized = normalize_examples(candidate_examples, config.recipe(data_paths).normalization)
    metadata = table_metadata(normalized, EXAMPLE_PREVIEW)
    metadata["normalizations_fired"] = MetadataValue.md(
        markdown_table(_list_counts(normalized, "normalizations"))
    )
    return Output(normalized, metadata=metadata)


@asset(group_name=CURATION_GROUP, kinds={"polars", "parquet"}, **PARQUET)
def example_signals(
    config: RecipeConfig, data_paths: DataPaths, normalized_examples: pl.DataFrame
) -> Output[pl.DataFrame]:
    """Quality signals per example: lengths, ratios, repetition, language, refusal,
    boilerplate, unseen references, truncation, secrets and personal data, task type."""
    recipe = config.recipe(data_paths)
    signals = compute_signals(normalized_examples, recipe.rules.wrong_language.min_chars)
    flags = signals.select(pl.col(pl.Boolean).sum()).transpose(
        include_header=True, header_name="signal", column_names=["examples"]
    )
    metadata = table_metadata(signals, ("task_type", "response_words", "quality_score"))
    metadata |= {
        "task_types": MetadataValue.md(markdown_table(counts(signals, "task_type"))),
        "response_languages": MetadataValue.md(
            markdown_table(counts(signals, "response_language"))
        ),
        "flags": MetadataValue.md(markdown_table(flags)),
        "response_words_by_task_type": MetadataValue.md(
            markdown_table(
                signals.group_by("task_type")
                .agg(
                    pl.col("response_words").quantile(q).alias(f"p{int(q * 100)}")
                    for q in (0.05, 0.5, 0.95)
                )
                .sort("task_type")
            )
        ),
    }
    return Output(signals, metadata=metadata)


def _rule_examples(decisions: pl.DataFrame, examples: pl.DataFrame) -> str:
    """A few examples per rule, so a reviewer can judge a rule without leaving the UI."""
    sample = (
        decisions.sort("record_id")
        .group_by("rule", maintain_order=True)
        .head(EXAMPLES_PER_RULE)
        .join(examples.select("record_id", "instruction", "response"), on="record_id")
        .select("rule", "action", "record_id", "reason", "instruction", "response")
        .sort("rule")
    )
    return markdown_table(sample, limit=200)


@multi_asset(
    group_name=CURATION_GROUP,
    outs={
        "clean_examples": AssetOut(
            kinds={"polars", "parquet"},
            **PARQUET,
            description="Examples that pass every drop rule and overlap no benchmark.",
        ),
        "rule_decisions": AssetOut(
            kinds={"polars", "parquet"},
            **PARQUET,
            description="Every rule firing (drop or warn), the value measured and the threshold.",
        ),
    },
    ins={"normalized_examples": AssetIn(), "example_signals": AssetIn()},
    deps=[CURATION_RECIPE_KEY, EVAL_BENCHMARKS_KEY, BLOCKLIST_KEY],
)
def apply_curation_rules(
    context: AssetExecutionContext,
    config: RecipeConfig,
    data_paths: DataPaths,
    normalized_examples: pl.DataFrame,
    example_signals: pl.DataFrame,
) -> Iterator[Output[pl.DataFrame]]:
    """Apply the recipe's rules and decontamination to every example."""
    recipe = config.recipe(data_paths)
    benchmarks = load_benchmarks(data_paths.eval_dir)
    overlaps = find_overlaps(
        normalized_examples,
        benchmarks,
        recipe.decontamination.ngram,
        list(recipe.decontamination.fields),
        recipe.decontamination.min_shared_ngrams,
    )
    blocked = blocked_decisions(
        normalized_examples, Blocklist.load(data_paths.blocklist_file), recipe.duplicates
    )
    decisions = pl.concat(
        [
            blocklist_decisions(blocked, example_signals, recipe),
            evaluate_rules(example_signals, recipe),
            overlap_decisions(overlaps, example_signals, recipe),
        ],
        how="vertical",
    )
    clean = normalized_examples.join(dropped_record_ids(decisions), on="record_id", how="anti")
    context.log.info(f"{len(benchmarks)} benchmark items; {overlaps.height} overlapping examples")
    drops = decisions.filter(pl.col("action") == "drop")
    clean_metadata = table_metadata(clean, EXAMPLE_PREVIEW)
    clean_metadata |= {
        "dropped": drops["record_id"].n_unique(),
        "dropped_per_rule": MetadataValue.md(markdown_table(counts(drops, "rule"))),
        "dropped_per_source": MetadataValue.md(
            markdown_table(
                drops.join(normalized_examples.select("record_id", "source_name"), on="record_id")
                .unique("record_id")
                .group_by("source_name")
                .len("dropped")
                .sort("dropped", descending=True)
            )
        ),
        "benchmark_items": len(benchmarks),
    }
    yield Output(clean, output_name="clean_examples", metadata=clean_metadata)
    decision_metadata = table_metadata(decisions, ("rule", "action", "reason"))
    decision_metadata |= {
        "firings_per_rule": MetadataValue.md(markdown_table(counts(decisions, "rule", "action"))),
        "examples_per_rule": MetadataValue.md(_rule_examples(decisions, normalized_examples)),
    }
    yield Output(decisions, output_name="rule_decisions", metadata=decision_metadata)


@multi_asset(
    group_name=CURATION_GROUP,
    outs={
        "unique_examples": AssetOut(
            kinds={"polars", "parquet"},
            **PARQUET,
            description="Clean examples with exact, conflicting and near duplicates removed.",
        ),
        "duplicate_clusters": AssetOut(
            kinds={"polars", "parquet"},
            **PARQUET,
            description="Every duplicate cluster: members, kept member, similarity to it.",
        ),
    },
    ins={"clean_examples": AssetIn(), "example_signals": AssetIn()},
    deps=[CURATION_RECIPE_KEY],
)
def remove_duplicates(
    config: RecipeConfig,
    data_paths: DataPaths,
    clean_examples: pl.DataFrame,
    example_signals: pl.DataFrame,
) -> Iterator[Output[pl.DataFrame]]:
    """Cluster duplicates and keep one member of each, by origin, quality and id."""
    result = deduplicate(clean_examples, example_signals, config.recipe(data_paths).duplicates)
    dropped = result.clusters.filter(~pl.col("is_keeper"))
    unique_metadata = table_metadata(result.unique, EXAMPLE_PREVIEW)
    unique_metadata["dropped_per_kind"] = MetadataValue.md(markdown_table(counts(dropped, "kind")))
    yield Output(result.unique, output_name="unique_examples", metadata=unique_metadata)
    sizes = result.clusters.group_by("kind", "cluster_id").len("size")
    cluster_metadata = table_metadata(result.clusters, ("kind", "is_keeper", "similarity"))
    cluster_metadata |= {
        "clusters": sizes.height,
        "cluster_sizes": MetadataValue.md(
            markdown_table(sizes.group_by("kind", "size").len("clusters").sort("kind", "size"))
        ),
    }
    yield Output(result.clusters, output_name="duplicate_clusters", metadata=cluster_metadata)


CURATION_KEYS = [
    AssetKey(name)
    for name in (
        "normalized_examples",
        "example_signals",
        "clean_examples",
        "rule_decisions",
        "unique_examples",
        "duplicate_clusters",
    )
]
