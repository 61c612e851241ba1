"""The train/validation split: stratified by task type, with near duplicates kept together.

Examples whose instruction + input are near duplicates (MinHash LSH on word 2-grams, as in
curation) form a group, found as connected components, and a whole group goes to one side:
otherwise a validation example would have a near copy in training and measure recall, not
generalisation. Each group is stratified under its most common task type. Within a task type,
groups are taken in an order fixed by a hash of the seed and the group's smallest ``record_id``
and put in validation while that brings the validation count closer to its target (the task
type's examples times ``validation_fraction``, rounded). Rows are sorted by ``record_id``
before anything else, so the split depends on the seed and the content, never on row order.
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from instruct_assets.curation.lsh import near_duplicate_pairs
from instruct_assets.curation.shingles import shingle

NUM_PERM = 128
SHINGLE_WORDS = 2
SPLIT_SCHEMA = pl.Schema({"record_id": pl.String, "split": pl.String, "split_group": pl.String})


def _group_rank(record_id: str, seed: int) -> str:
    return hashlib.blake2b(f"{seed}\x1f{record_id}".encode(), digest_size=8).hexdigest()


def near_duplicate_groups(texts: pl.Series, threshold: float, seed: int) -> np.ndarray:
    """A component label per text: texts linked by a chain of near-duplicate pairs share one."""
    rows = len(texts)
    if rows == 0:
        return np.empty(0, dtype=np.int64)
    pairs, _ = near_duplicate_pairs(shingle(texts, SHINGLE_WORDS), threshold, NUM_PERM, seed)
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(rows, rows)
    )
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int64)


def _validation_groups(groups: pl.DataFrame, fraction: float) -> set[str]:
    """The groups of one task type that go to validation. ``groups`` has ``split_group`` and
    ``size``, in the seeded order."""
    names, sizes = groups["split_group"].to_list(), groups["size"].to_list()
    if len(names) < 2:
        return set()
    target = max(1, round(fraction * sum(sizes)))
    chosen: list[int] = []
    count = 0
    for index, size in enumerate(sizes):
        # Take a group when that leaves the count nearer the target than it was.
        if abs(count + size - target) < abs(count - target):
            chosen.append(index)
            count += size
    if not chosen:
        chosen = [min(range(len(sizes)), key=lambda index: sizes[index])]
    if len(chosen) == len(names):
        chosen.pop()
    return {names[index] for index in chosen}


def split_train_validation(
    frame: pl.DataFrame,
    *,
    validation_fraction: float,
    seed: int,
    group_threshold: float = 0.5,
) -> pl.DataFrame:
    """``record_id``, ``split`` (``train``/``validation``) and ``split_group`` (the smallest
    ``record_id`` of the example's near-duplicate group) for every row of ``frame``, in the
    frame's order. ``frame`` needs ``record_id`` (unique), ``instruction``, ``input`` and
    ``task_type``."""
    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be in (0, 1), not {validation_fraction}")
    if frame.height == 0:
        return pl.DataFrame(schema=SPLIT_SCHEMA)
    if frame["record_id"].n_unique() != frame.height:
        raise ValueError("record_id must be unique to split by it")
    rows = frame.select(
        "record_id",
        pl.col("task_type").fill_null("other"),
        (pl.col("instruction").fill_null("") + "\n" + pl.col("input").fill_null("")).alias("text"),
    ).sort("record_id")
    labels = near_duplicate_groups(rows["text"], group_threshold, seed)
    rows = rows.with_columns(pl.Series("component", labels)).with_columns(
        pl.col("record_id").min().over("component").alias("split_group")
    )
    # Each group is stratified under its most common task type, ties broken by name.
    strata = (
        rows.group_by("split_group", "task_type")
        .agg(pl.len().alias("size"))
        .sort("split_group", "size", "task_type", descending=[False, True, False])
        .group_by("split_group", maintain_order=True)
        .agg(pl.col("task_type").first().alias("stratum"), pl.col("size").sum())
    )
    groups = strata.with_columns(
        pl.col("split_group")
        .map_elements(lambda name: _group_rank(name, seed), return_dtype=pl.String)
        .alias("rank")
    ).sort("stratum", "rank", "split_group")
    validation: set[str] = set()
    for (_,), stratum in groups.group_by("stratum", maintain_order=True):
        validation |= _validation_groups(stratum, validation_fraction)
    assigned = rows.select(
        "record_id",
        pl.when(pl.col("split_group").is_in(sorted(validation)))
        .then(pl.lit("validation"))
        .otherwise(pl.lit("train"))
        .alias("split"),
        "split_group",
    )
    return frame.select("record_id").join(
        assigned, on="record_id", how="left", maintain_order="left"
    )
