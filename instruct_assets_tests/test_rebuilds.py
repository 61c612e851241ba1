"""Scheduled and sensed rebuilds: only the source kinds whose files changed are re-read."""

from __future__ import annotations

import json
from pathlib import Path

from dagster import SensorResult, SkipReason, build_sensor_context

from instruct_assets.definitions import build_definitions
from instruct_assets.defs.rebuilds import raw_file_changes
from instruct_assets.defs.resources import DataPaths


def evaluate(data_dir: Path, cursor: str | None) -> SensorResult | SkipReason:
    paths = DataPaths(
        data_dir=str(data_dir), raw_dir_override="", catalogue_override="", eval_dir_override=""
    )
    context = build_sensor_context(cursor=cursor, resources={"data_paths": paths})
    return raw_file_changes(context)


def test_the_first_look_records_a_baseline(data_dir: Path) -> None:
    result = evaluate(data_dir, None)
    assert isinstance(result, SensorResult) and not result.run_requests
    assert set(json.loads(result.cursor)) == {"faq", "docs", "human", "synthetic", "shared"}


def test_a_changed_faq_file_requests_only_the_faq_rebuild(data_dir: Path) -> None:
    baseline = evaluate(data_dir, None).cursor
    assert isinstance(evaluate(data_dir, baseline), SkipReason)
    faq = data_dir / "raw" / "faq" / "lumen_csv" / "faq.csv"
    faq.write_text(
        faq.read_text(encoding="utf-8") + 'Is there a status page?,"Yes.",general\n',
        encoding="utf-8",
    )
    result = evaluate(data_dir, baseline)
    assert [request.job_name for request in result.run_requests] == ["rebuild_faq"]
    assert json.loads(result.cursor)["faq"] != json.loads(baseline)["faq"]


def test_a_new_file_in_two_kinds_requests_two_rebuilds(data_dir: Path) -> None:
    baseline = evaluate(data_dir, None).cursor
    (data_dir / "raw" / "human" / "new").mkdir()
    (data_dir / "raw" / "human" / "new" / "a.jsonl").write_text(
        '{"instruction": "Say hi.", "output": "Hi."}\n', encoding="utf-8"
    )
    (data_dir / "raw" / "synthetic" / "model_pairs" / "pairs.parquet").unlink()
    result = evaluate(data_dir, baseline)
    assert sorted(request.job_name for request in result.run_requests) == [
        "rebuild_human",
        "rebuild_synthetic",
    ]


def test_a_changed_recipe_rebuilds_everything(data_dir: Path) -> None:
    baseline = evaluate(data_dir, None).cursor
    recipe = data_dir / "config" / "curation.yaml"
    recipe.write_text(recipe.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")
    result = evaluate(data_dir, baseline)
    assert [request.job_name for request in result.run_requests] == ["rebuild_dataset"]


def test_jobs_schedule_and_sensor_are_defined() -> None:
    defs = build_definitions()
    job = defs.resolve_job_def("rebuild_faq")
    steps = {node.name for node in job.graph.node_defs}
    assert "ingest_faq" in steps and "ingest_docs" not in steps
    assert defs.resolve_schedule_def("nightly_rebuild").cron_schedule == "0 2 * * *"
    assert defs.resolve_sensor_def("raw_file_changes").name == "raw_file_changes"
