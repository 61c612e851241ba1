"""Balancing with DuckDB SQL over the Parquet tables: quotas per task type, then the best
examples within each quota.

One in-memory DuckDB connection reads the curated examples and their labels straight from the
Parquet files (no shared database file, so concurrent steps never contend for a writer lock).
The steps are plain SQL a reader can run by hand:

1. eligibility: the response length is inside its task type's band;
2. source caps: no source contributes more than its share of the target size;
3. quotas: each task type gets at least its minimum share (when supply allows), at most its
   maximum, and the rest of the target is shared out in proportion to the headroom left, with
   largest-remainder rounding so the quotas add up to the target;
4. selection: within each task type, highest quality first, ties broken by a seeded hash.

Deterministic for a fixed seed. Everything not selected is returned with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from instruct_assets.curation.recipe import Balance
from instruct_assets.curation.task_types import TASK_TYPES

BALANCE_STAGE = "balance"

QUERY = """
WITH
labelled AS (
    SELECT e.*, l.task_type, l.task_rule, l.task_confidence, l.is_refusal, l.quality_score,
           l.response_words, l.leading_verb, l.object_noun,
           md5(e.record_id || $seed) AS tie_break
    FROM read_parquet($examples) e JOIN read_parquet($labels) l USING (record_id)
),
banded AS (
    SELECT labelled.*, b.min_words, b.max_words,
           labelled.response_words BETWEEN b.min_words AND b.max_words AS in_band
    FROM labelled JOIN bands b USING (task_type)
),
eligible AS (SELECT * FROM banded WHERE in_band),
target AS (SELECT least($target_size, (SELECT count(*) FROM eligible)) AS size),
supply AS (
    SELECT s.task_type, s.min_share, s.max_share, coalesce(a.available, 0) AS available
    FROM shares s LEFT JOIN (SELECT task_type, count(*) AS available FROM eligible GROUP BY 1) a
    USING (task_type)
),
bounds AS (
    SELECT supply.*, target.size,
           CAST(ceil(min_share * size) AS BIGINT) AS min_needed,
           least(available, CAST(ceil(min_share * size) AS BIGINT)) AS floor_quota,
           least(available, CAST(floor(max_share * size) AS BIGINT)) AS cap_quota
    FROM supply, target
),
spread AS (
    SELECT *,
           size - sum(floor_quota) OVER () AS remaining,
           sum(cap_quota - floor_quota) OVER () AS headroom
    FROM bounds
),
proportional AS (
    SELECT *,
           CASE WHEN headroom = 0 THEN 0
                ELSE least(cap_quota - floor_quota,
                           greatest(remaining, 0) * (cap_quota - floor_quota) / headroom)
           END AS share_of_rest
    FROM spread
),
rounded AS (
    SELECT *, floor_quota + CAST(floor(share_of_rest) AS BIGINT) AS base_quota,
           share_of_rest - floor(share_of_rest) AS fraction
    FROM proportional
),
gap AS (SELECT max(size) - sum(base_quota) AS missing FROM rounded),
quotas AS (
    SELECT rounded.*,
           base_quota + CASE
               WHEN row_number() OVER (ORDER BY (base_quota < cap_quota) DESC, fraction DESC,
                                       task_type) <= (SELECT missing FROM gap)
                    AND base_quota < cap_quota THEN 1 ELSE 0 END AS quota
    FROM rounded
),
-- Within a task type, a source past its share of the quota ranks after every other source:
-- it fills the quota only when no other source can.
source_ranked AS (
    SELECT e.*, q.quota,
           row_number() OVER (PARTITION BY e.task_type, e.source_name
                              ORDER BY e.quality_score DESC, e.tie_break) AS source_rank,
           CAST(ceil($max_source_share * q.quota) AS BIGINT) AS source_allowance
    FROM eligible e JOIN quotas q USING (task_type)
),
type_ranked AS (
    SELECT *, source_rank > source_allowance AS over_source_share,
           row_number() OVER (PARTITION BY task_type
                              ORDER BY source_rank > source_allowance, quality_score DESC,
                                       tie_break) AS type_rank
    FROM source_ranked
)
SELECT * EXCLUDE (tie_break, min_words, max_words, in_band, quota)
FROM type_ranked WHERE type_rank <= quota
ORDER BY task_type, type_rank
"""

QUOTAS_QUERY = (
    QUERY.split("-- Within a task type")[0].rstrip().rstrip(",")
    + """
SELECT task_type, min_share, max_share, available, size AS target_size, min_needed,
       cap_quota, quota, min_needed > available AS deficit
FROM quotas ORDER BY task_type
"""
)

LEFT_OUT_QUERY = (
    QUERY.split("SELECT * EXCLUDE")[0]
    + """
SELECT b.record_id, b.example_id, b.source_kind, b.source_name, b.source_file,
       b.source_locator, b.task_type, b.response_words, b.quality_score, b.min_words,
       b.max_words, b.in_band, t.over_source_share, t.source_allowance, q.quota, q.available
FROM banded b
LEFT JOIN type_ranked t USING (record_id)
LEFT JOIN quotas q ON q.task_type = b.task_type
WHERE t.record_id IS NULL OR t.type_rank > t.quota
"""
)


@dataclass(frozen=True, slots=True)
class Selection:
    selected: pl.DataFrame
    quotas: pl.DataFrame
    """One row per task type: shares asked for, supply, quota, and whether it falls short."""
    not_selected: pl.DataFrame
    """Every curated example left out, in the rejection schema's columns."""


def _connection(settings: Balance) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()  # in memory: nothing for concurrent steps to lock
    bands = pl.DataFrame(
        [
            {
                "task_type": task,
                "min_words": settings.band(task)[0],
                "max_words": settings.band(task)[1],
            }
            for task in TASK_TYPES
        ]
    )
    shares = pl.DataFrame(
        [
            {
                "task_type": task,
                "min_share": settings.share(task)[0],
                "max_share": settings.share(task)[1],
            }
            for task in TASK_TYPES
        ]
    )
    con.register("bands", bands)
    con.register("shares", shares)
    return con


def select_balanced(examples_path: Path, labels_path: Path, settings: Balance) -> Selection:
    con = _connection(settings)
    parameters = {
        "examples": str(examples_path),
        "labels": str(labels_path),
        "seed": str(settings.seed),
        "target_size": settings.target_size,
        "max_source_share": settings.max_source_share,
    }
    selected = con.sql(QUERY, params=parameters).pl()
    quotas = con.sql(
        QUOTAS_QUERY, params={k: v for k, v in parameters.items() if k != "max_source_share"}
    ).pl()
    left_out = con.sql(LEFT_OUT_QUERY, params=parameters).pl()
    return Selection(selected, quotas, _not_selected(left_out))


def _not_selected(left_out: pl.DataFrame) -> pl.DataFrame:
    outside = ~pl.col("in_band")
    over_share = pl.col("over_source_share").fill_null(False)
    # One rule for every example left out; the reason says which constraint held it back.
    rule = pl.lit("not_selected")
    reason = (
        pl.when(outside)
        .then(
            pl.format(
                "outside the length band: the response has {} words; {} responses need {} to {}",
                "response_words",
                "task_type",
                "min_words",
                "max_words",
            )
        )
        .when(over_share)
        .then(
            pl.format(
                "{} already gives its share ({}) of the {} quota",
                "source_name",
                "source_allowance",
                "task_type",
            )
        )
        .otherwise(
            pl.format(
                "task type {}: quota {} of {} available; quality {} ranked below it",
                "task_type",
                "quota",
                "available",
                pl.col("quality_score").round(3),
            )
        )
    )
    return left_out.select(
        "record_id",
        "example_id",
        "source_kind",
        "source_name",
        "source_file",
        "source_locator",
        pl.lit(BALANCE_STAGE).alias("stage"),
        rule.alias("rule"),
        reason.alias("reason"),
        pl.when(outside)
        .then(pl.col("response_words").cast(pl.Float64))
        .otherwise(pl.col("quality_score"))
        .alias("value"),
        pl.when(outside)
        .then(pl.format("[{}, {}]", "min_words", "max_words"))
        .otherwise(pl.format("quota {}", "quota"))
        .alias("threshold"),
        pl.lit(None, dtype=pl.String).alias("related_id"),
        pl.lit(None, dtype=pl.String).alias("raw_record"),
    )


def deficits(quotas: pl.DataFrame) -> list[str]:
    """Task types whose minimum share the supply cannot meet, in words."""
    short = quotas.filter(pl.col("deficit"))
    return [
        f"{row['task_type']}: minimum {row['min_share']:.0%}, available "
        f"{row['available'] / max(row['target_size'], 1):.1%} ({row['available']} of "
        f"{row['min_needed']} needed)"
        for row in short.iter_rows(named=True)
    ]
