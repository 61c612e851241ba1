"""The instruct-assets code location, stage by stage (one asset group each):

raw_sources  raw_* files, source_catalogue, curation_recipe, eval_benchmarks (observed)
ingest       <kind>_examples and <kind>_rejections for faq, docs, human, synthetic
candidates   candidate_examples: every ingested example in the canonical schema
curation     normalized_examples -> example_signals -> clean_examples (+ rule_decisions)
             -> unique_examples (+ duplicate_clusters)
audit        rejected_examples: every record that did not make it, and why
publish      instruction_dataset: data/out/instructions.jsonl
"""

from __future__ import annotations

from dagster import Definitions

from instruct_assets.defs.audit import (
    every_candidate_accounted_for,
    rejected_examples,
    sql_warehouse,
)
from instruct_assets.defs.balance_assets import balance_examples, task_labels
from instruct_assets.defs.candidates import candidate_examples, candidate_examples_are_canonical
from instruct_assets.defs.curation_assets import (
    apply_curation_rules,
    example_signals,
    normalized_examples,
    remove_duplicates,
)
from instruct_assets.defs.ingest_assets import ingest_assets
from instruct_assets.defs.io_manager import ParquetIOManager
from instruct_assets.defs.publish_assets import (
    dataset_release,
    instruction_dataset,
    jsonl_reads_back,
)
from instruct_assets.defs.quality_checks import (
    balanced_examples_structure_suite,
    candidate_examples_suite,
    clean_examples_suite,
    final_dataset_suite_check,
    normalized_examples_suite,
    unique_examples_suite,
)
from instruct_assets.defs.raw_sources import observe_raw_sources
from instruct_assets.defs.rebuilds import (
    nightly_rebuild,
    raw_file_changes,
    rebuild_dataset,
    rebuild_jobs,
)
from instruct_assets.defs.resources import DataPaths


def build_definitions(data_paths: DataPaths | None = None) -> Definitions:
    """The code location's definitions; tests pass their own paths."""
    paths = data_paths or DataPaths()
    return Definitions(
        assets=[
            observe_raw_sources,
            *ingest_assets,
            candidate_examples,
            normalized_examples,
            example_signals,
            apply_curation_rules,
            remove_duplicates,
            task_labels,
            balance_examples,
            rejected_examples,
            sql_warehouse,
            instruction_dataset,
            dataset_release,
        ],
        asset_checks=[
            candidate_examples_are_canonical,
            every_candidate_accounted_for,
            jsonl_reads_back,
            candidate_examples_suite,
            normalized_examples_suite,
            clean_examples_suite,
            unique_examples_suite,
            balanced_examples_structure_suite,
            final_dataset_suite_check,
        ],
        jobs=[rebuild_dataset, *rebuild_jobs.values()],
        schedules=[nightly_rebuild],
        sensors=[raw_file_changes],
        resources={
            "data_paths": paths,
            "parquet_io_manager": ParquetIOManager(base_dir=str(paths.tables_dir)),
        },
    )


defs = build_definitions()
