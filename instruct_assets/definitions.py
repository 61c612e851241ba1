"""The instruct-assets code location.

raw_sources ──► ingest (one step per kind) ──► candidates ──► publish
raw_faq_dumps            faq_examples            candidate_examples   instruction_dataset
raw_documentation_pages  docs_examples           rejected_examples    (data/out/instructions.jsonl)
raw_human_sets           human_examples
raw_synthetic_sets       synthetic_examples      (each *_examples has its *_rejections)
source_catalogue
"""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job

from instruct_assets.defs.candidates import (
    candidate_examples,
    candidate_examples_are_canonical,
    rejected_examples,
)
from instruct_assets.defs.ingest_assets import ingest_assets
from instruct_assets.defs.io_manager import ParquetIOManager
from instruct_assets.defs.publish_assets import instruction_dataset, jsonl_reads_back
from instruct_assets.defs.raw_sources import observe_raw_sources
from instruct_assets.defs.resources import DataPaths

rebuild_dataset = define_asset_job(
    "rebuild_dataset",
    selection=AssetSelection.all(include_sources=True),
    description="Observe the raw sources and rebuild every table and the published dataset.",
)


def build_definitions(data_paths: DataPaths | None = None) -> Definitions:
    """The code location's definitions; tests pass their own paths."""
    paths = data_paths or DataPaths()
    return Definitions(
        assets=[
            observe_raw_sources,
            *ingest_assets,
            candidate_examples,
            rejected_examples,
            instruction_dataset,
        ],
        asset_checks=[candidate_examples_are_canonical, jsonl_reads_back],
        jobs=[rebuild_dataset],
        resources={
            "data_paths": paths,
            "parquet_io_manager": ParquetIOManager(base_dir=str(paths.tables_dir)),
        },
    )


defs = build_definitions()
