"""Duplicates: exact, same-prompt-different-answer, and near (MinHash LSH), as clusters.

Every cluster keeps one member, chosen by a policy that does not depend on input order:
origin (human over converted over synthetic, configurable), then quality score, then
``example_id`` and ``record_id``. Each dropped member names its keeper and its estimated
similarity to it. Stages run in order on what the previous one kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from instruct_assets.curation.lsh import near_duplicate_pairs, signatures, subset
from instruct_assets.curation.recipe import Duplicates
from instruct_assets.curation.shingles import shingle

CLUSTER_SCHEMA = pl.Schema(
    {
        "cluster_id": pl.String,
        "kind": pl.String,
        "record_id": pl.String,
        "example_id": pl.String,
        "is_keeper": pl.Boolean,
        "keeper_record_id": pl.String,
        "keeper_example_id": pl.String,
        "similarity": pl.Float64,
    }
)
"""One row per member of every duplicate cluster, the keeper included. ``kind`` is
``exact``, ``conflicting_response`` or ``near:<index name>``."""


@dataclass(frozen=True, slots=True)
class DedupResult:
    unique: pl.DataFrame
    clusters: pl.DataFrame


def keeper_order(frame: pl.DataFrame, origin_preference: list[str]) -> pl.DataFrame:
    """Rows sorted best first; ``rank`` is each row's place in that order."""
    origin_rank = pl.col("origin").replace_strict(
        {origin: rank for rank, origin in enumerate(origin_preference)},
        default=len(origin_preference),
        return_dtype=pl.Int64,
    )
    return (
        frame.with_columns(origin_rank.alias("_origin_rank"))
        .sort(
            ["_origin_rank", "quality_score", "example_id", "record_id"],
            descending=[False, True, False, False],
        )
        .with_columns(pl.int_range(pl.len()).alias("rank"))
        .drop("_origin_rank")
    )


def _clusters_from_groups(ranked: pl.DataFrame, group: pl.Expr, kind: str) -> pl.DataFrame:
    """Clusters of rows sharing ``group``, with their best-ranked member as keeper."""
    members = ranked.with_columns(group.alias("_group")).filter(pl.len().over("_group") > 1)
    keepers = (
        members.sort("rank")
        .group_by("_group", maintain_order=True)
        .first()
        .select(
            "_group",
            pl.col("record_id").alias("keeper_record_id"),
            pl.col("example_id").alias("keeper_example_id"),
        )
    )
    return _cluster_rows(members.join(keepers, on="_group"), kind, similarity=pl.lit(1.0))


def _cluster_rows(members: pl.DataFrame, kind: str, similarity: pl.Expr) -> pl.DataFrame:
    return members.select(
        pl.concat_str([pl.lit(f"{kind}:"), pl.col("keeper_record_id")]).alias("cluster_id"),
        pl.lit(kind).alias("kind"),
        "record_id",
        "example_id",
        (pl.col("record_id") == pl.col("keeper_record_id")).alias("is_keeper"),
        "keeper_record_id",
        "keeper_example_id",
        similarity.cast(pl.Float64).alias("similarity"),
    )


def _without_dropped(frame: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    dropped = clusters.filter(~pl.col("is_keeper")).select("record_id")
    return frame.join(dropped, on="record_id", how="anti")


def _near_clusters(
    ranked: pl.DataFrame,
    name: str,
    fields: list[str],
    ngram: int,
    threshold: float,
    settings: Duplicates,
) -> pl.DataFrame:
    texts = ranked.select(pl.concat_str(fields, separator="\n")).to_series()
    shingles = shingle(texts, ngram)
    pairs, _ = near_duplicate_pairs(shingles, threshold, settings.num_perm, settings.seed)
    if len(pairs) == 0:
        return pl.DataFrame(schema=CLUSTER_SCHEMA)
    size = ranked.height
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(size, size))
    _, component = connected_components(graph, directed=False)
    rows = np.unique(pairs)
    membership = pl.DataFrame({"row": rows, "component": component[rows]})
    # ``ranked`` is sorted best first, so the smallest row of a component is its keeper.
    keeper_row = membership.group_by("component").agg(pl.col("row").min().alias("keeper_row"))
    membership = membership.join(keeper_row, on="component").sort("row")
    member_rows = membership["row"].to_numpy()
    keeper_rows = membership["keeper_row"].to_numpy()
    involved = np.unique(np.concatenate([member_rows, keeper_rows]))
    signature = signatures(subset(shingles, involved), settings.num_perm, settings.seed)
    position = {row: index for index, row in enumerate(involved.tolist())}
    member_signature = signature[[position[row] for row in member_rows.tolist()]]
    keeper_signature = signature[[position[row] for row in keeper_rows.tolist()]]
    similarity = (member_signature == keeper_signature).mean(axis=1)
    members = ranked[member_rows].with_columns(
        ranked[keeper_rows]["record_id"].alias("keeper_record_id"),
        ranked[keeper_rows]["example_id"].alias("keeper_example_id"),
        pl.Series("similarity", similarity),
    )
    return _cluster_rows(members, f"near:{name}", similarity=pl.col("similarity"))


def deduplicate(examples: pl.DataFrame, quality: pl.DataFrame, settings: Duplicates) -> DedupResult:
    """``examples`` needs the canonical columns; ``quality`` maps ``record_id`` to
    ``quality_score``. Returns the kept examples (input order) and all clusters."""
    ranked = keeper_order(
        examples.join(
            quality.select("record_id", "quality_score"), on="record_id", how="left"
        ).with_columns(pl.col("quality_score").fill_null(0.0)),
        settings.origin_preference,
    )
    found = [_clusters_from_groups(ranked, pl.col("example_id"), "exact")]
    remaining = _without_dropped(ranked, found[-1])
    prompt = pl.concat_str(["instruction", "input"], separator="\x1f").hash(settings.seed)
    found.append(_clusters_from_groups(remaining, prompt, "conflicting_response"))
    remaining = _without_dropped(remaining, found[-1])
    for name, index in settings.near.items():
        remaining = remaining.with_columns(pl.int_range(pl.len()).alias("rank"))
        found.append(
            _near_clusters(
                remaining, name, list(index.fields), index.ngram, index.threshold, settings
            )
        )
        remaining = _without_dropped(remaining, found[-1])
    clusters = pl.concat(found, how="vertical").cast(CLUSTER_SCHEMA)  # type: ignore[arg-type]
    unique = _without_dropped(examples, clusters)
    return DedupResult(unique=unique, clusters=clusters)
