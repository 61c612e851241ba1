"""A DuckDB file of views over the stage tables, for questions a trace does not answer.

The file holds views only (the data stays in Parquet), is rebuilt whole by one asset, written
beside its target and renamed into place, and is meant to be opened read-only by everyone else:
``duckdb -readonly data/warehouse/instruct_assets.duckdb``.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

WAREHOUSE_FILE = "instruct_assets.duckdb"
VIEWS = {
    "candidates": "candidate_examples",
    "normalized": "normalized_examples",
    "signals": "example_signals",
    "decisions": "rule_decisions",
    "clean": "clean_examples",
    "clusters": "duplicate_clusters",
    "curated": "unique_examples",
    "labels": "task_labels",
    "balanced": "balanced_examples",
    "rejections": "rejected_examples",
}
LINEAGE = """
CREATE VIEW lineage AS
WITH records AS (
    SELECT record_id, example_id, source_kind, source_name, source_file, source_locator
    FROM candidates
    UNION ALL
    SELECT record_id, example_id, source_kind, source_name, source_file, source_locator
    FROM rejections WHERE stage = 'ingest'
)
SELECT r.*,
       CASE WHEN b.record_id IS NOT NULL THEN 'published'
            ELSE x.stage || ':' || x.rule END AS outcome,
       x.reason, l.task_type
FROM records r
LEFT JOIN balanced b USING (record_id)
LEFT JOIN rejections x USING (record_id)
LEFT JOIN labels l USING (record_id)
"""


def build_warehouse(tables_dir: Path, warehouse_dir: Path) -> tuple[Path, list[str]]:
    """Create the views (over every table that exists) in a fresh file; return its path."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    target = warehouse_dir / WAREHOUSE_FILE
    partial = warehouse_dir / f".{WAREHOUSE_FILE}.partial"
    partial.unlink(missing_ok=True)
    created = []
    try:
        with duckdb.connect(str(partial)) as con:
            for view, table in VIEWS.items():
                path = tables_dir / f"{table}.parquet"
                if path.exists():
                    escaped = str(path.resolve()).replace("'", "''")
                    con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet('{escaped}')")
                    created.append(view)
            if {"candidates", "rejections", "balanced", "labels"} <= set(created):
                con.execute(LINEAGE)
                created.append("lineage")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target, created
