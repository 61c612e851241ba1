"""Curation rejections: one row per dropped example, from the decisions and the clusters.

An example several rules drop is reported under the first of them (in the recipe's order);
every firing stays in ``rule_decisions`` for the full story.
"""

from __future__ import annotations

import polars as pl

from instruct_assets.curation.recipe import Duplicates
from instruct_assets.schema import REJECTION_SCHEMA

DEDUP_STAGE = "dedup"


def _with_provenance(rows: pl.DataFrame, examples: pl.DataFrame) -> pl.DataFrame:
    provenance = examples.select(
        "record_id", "source_kind", "source_name", "source_file", "source_locator"
    )
    return rows.join(provenance, on="record_id", how="left").select(
        [
            pl.col(name).cast(dtype)
            if name in rows.columns or name in provenance.columns
            else pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in REJECTION_SCHEMA.items()
        ]
    )


def rule_rejections(decisions: pl.DataFrame, examples: pl.DataFrame) -> pl.DataFrame:
    first_drop = (
        decisions.filter(pl.col("action") == "drop")
        .group_by("record_id", maintain_order=True)
        .first()
        .select(
            "record_id", "example_id", "stage", "rule", "reason", "value", "threshold", "related_id"
        )
    )
    return _with_provenance(first_drop, examples)


def duplicate_rejections(
    clusters: pl.DataFrame, examples: pl.DataFrame, settings: Duplicates
) -> pl.DataFrame:
    thresholds = {f"near:{name}": str(index.threshold) for name, index in settings.near.items()}
    dropped = clusters.filter(~pl.col("is_keeper")).select(
        "record_id",
        "example_id",
        pl.lit(DEDUP_STAGE).alias("stage"),
        pl.col("kind")
        .str.replace("near:", "near_duplicate:")
        .replace({"exact": "exact_duplicate"})
        .alias("rule"),
        pl.concat_str(
            [
                pl.col("kind").replace_strict(
                    {
                        "exact": "the same example as kept record ",
                        "conflicting_response": "the same instruction and input, another response, "
                        "as kept record ",
                    },
                    default="a near duplicate of kept record ",
                    return_dtype=pl.String,
                ),
                pl.col("keeper_record_id"),
                pl.lit(" (estimated similarity "),
                pl.col("similarity").round(2).cast(pl.String),
                pl.lit(")"),
            ]
        ).alias("reason"),
        pl.col("similarity").alias("value"),
        pl.col("kind")
        .replace_strict(thresholds, default="1.0", return_dtype=pl.String)
        .alias("threshold"),
        pl.col("keeper_record_id").alias("related_id"),
    )
    return _with_provenance(dropped, examples)
