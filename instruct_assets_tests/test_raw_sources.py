"""Observed raw sources: a changed file changes its kind's data version and nothing else."""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterInstance

from instruct_assets.definitions import build_definitions
from instruct_assets.defs.raw_sources import (
    BLOCKLIST_KEY,
    CURATION_RECIPE_KEY,
    EVAL_BENCHMARKS_KEY,
    RAW_ASSET_KEYS,
    SOURCE_CATALOGUE_KEY,
)
from instruct_assets.defs.resources import DataPaths


def data_versions(data_dir: Path) -> dict[str, str]:
    paths = DataPaths(data_dir=str(data_dir), raw_dir_override="", catalogue_override="")
    job = build_definitions(paths).resolve_job_def("rebuild_dataset")
    result = job.execute_in_process(
        instance=DagsterInstance.ephemeral(),
        asset_selection=[
            *RAW_ASSET_KEYS.values(),
            SOURCE_CATALOGUE_KEY,
            CURATION_RECIPE_KEY,
            EVAL_BENCHMARKS_KEY,
            BLOCKLIST_KEY,
        ],
    )
    versions = {}
    for event in result.get_asset_observation_events():
        observation = event.asset_observation_data.asset_observation
        versions[observation.asset_key.to_user_string()] = observation.tags["dagster/data_version"]
    return versions


def test_a_changed_file_changes_only_its_kind(data_dir: Path) -> None:
    before = data_versions(data_dir)
    assert set(before) == {
        "raw_faq_dumps",
        "raw_documentation_pages",
        "raw_human_sets",
        "raw_synthetic_sets",
        "source_catalogue",
        "curation_recipe",
        "eval_benchmarks",
        "blocklist",
    }
    assert data_versions(data_dir) == before

    faq = data_dir / "raw" / "faq" / "lumen_csv" / "faq.csv"
    faq.write_text(
        faq.read_text(encoding="utf-8") + 'Is there a status page?,"Yes.",general\n',
        encoding="utf-8",
    )
    after = data_versions(data_dir)
    assert after["raw_faq_dumps"] != before["raw_faq_dumps"]
    unchanged = {key for key in before if key != "raw_faq_dumps"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}


def test_added_and_removed_files_change_the_version(data_dir: Path) -> None:
    before = data_versions(data_dir)["raw_human_sets"]
    extra = data_dir / "raw" / "human" / "new_set" / "extra.jsonl"
    extra.parent.mkdir()
    extra.write_text('{"instruction": "Say hi.", "output": "Hi."}\n', encoding="utf-8")
    added = data_versions(data_dir)["raw_human_sets"]
    extra.unlink()
    assert added != before
    assert data_versions(data_dir)["raw_human_sets"] == before
