"""The whole graph on the sample data, in a temporary folder, as `make run` runs it."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from dagster import DagsterInstance, ExecuteInProcessResult

from instruct_assets.definitions import build_definitions
from instruct_assets.defs.resources import DataPaths
from instruct_assets.publication.formats import JSONL_KEYS, validate_format
from instruct_assets.readers import FileReadError

# Defects written into the sample corpus on purpose, each with the rule that must catch it.
EXPECTED_REJECTIONS = {
    ("human/team_alpaca/examples.jsonl", "line 52"): "missing_field",
    ("human/team_alpaca/examples.jsonl", "line 58"): "wrong_type",
    ("human/team_alpaca/examples.jsonl", "line 63"): "malformed_json",
    ("human/team_alpaca/legacy.jsonl", "line 3"): "undecodable_bytes",
    ("human/team_alpaca/empty.jsonl", "file"): "empty_file",
    ("human/editor_pairs/pairs.csv", "row 21 line 53"): "wrong_field_count",
    ("synthetic/distilled_chat/conversations.jsonl", "line 16"): "bad_roles",
    # curation
    ("human/team_alpaca/examples.jsonl", "line 28"): "placeholder_response",
    ("synthetic/model_alpaca/batch_01.json", "item 6 line 27"): "assistant_boilerplate",
    ("synthetic/model_alpaca/batch_01.json", "item 3 line 12"): "unseen_reference",
    ("synthetic/model_alpaca/batch_01.json", "item 24 line 117"): "merged_instructions",
    ("synthetic/model_alpaca/batch_01.json", "item 11 line 52"): "unclosed_code_fence",
    ("synthetic/model_alpaca/batch_01.json", "item 27 line 132"): "ends_mid_sentence",
    ("human/review_prompts/prompts.jsonl", "line 16"): "benchmark_overlap",
    ("synthetic/model_alpaca/batch_01.json", "item 8 line 37"): "exact_duplicate",
}
# Planted near-duplicate pairs (casing and punctuation variants): exactly one of each is dropped.
NEAR_DUPLICATE_PAIRS = [
    ("item 22 line 107", "item 23 line 112"),
    ("item 58 line 287", "item 59 line 292"),
]


def run_pipeline(data_dir: Path, instance: DagsterInstance | None = None) -> ExecuteInProcessResult:
    paths = DataPaths(data_dir=str(data_dir), raw_dir_override="", catalogue_override="")
    job = build_definitions(paths).resolve_job_def("rebuild_dataset")
    return job.execute_in_process(instance=instance or DagsterInstance.ephemeral())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExecuteInProcessResult]:
    import shutil

    from instruct_assets_tests.conftest import SAMPLE_DATA

    data_dir = tmp_path_factory.mktemp("run") / "data"
    for part in ("raw", "config", "eval"):
        shutil.copytree(SAMPLE_DATA / part, data_dir / part)
    return data_dir, run_pipeline(data_dir)


def tables(data_dir: Path, name: str) -> pl.DataFrame:
    return pl.read_parquet(data_dir / "tables" / f"{name}.parquet")


def test_run_succeeds_and_every_check_passes(built: tuple[Path, ExecuteInProcessResult]) -> None:
    _, result = built
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    names = {evaluation.check_name for evaluation in evaluations}
    assert {
        "records_accounted_for",
        "candidate_examples_are_canonical",
        "jsonl_reads_back",
    } <= names
    failed = {e.check_name for e in evaluations if not e.passed}
    # The sample corpus has 8 refusals: short of 2% of the mix, which must warn, not block.
    assert failed <= {"task_type_minimums_met", "final_dataset_suite"}, failed
    assert "task_type_minimums_met" in failed


def test_published_jsonl_is_the_curated_table(built: tuple[Path, ExecuteInProcessResult]) -> None:
    data_dir, _ = built
    path = data_dir / "out" / "instructions.jsonl"
    lines, problems = validate_format(path, "instructions")
    assert problems == []
    curated = tables(data_dir, "balanced_examples")
    assert lines == curated.height > 300
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(tuple(record) == JSONL_KEYS for record in records)
    assert [record["id"] for record in records] == curated["example_id"].to_list()
    assert not list(path.parent.glob(".*.partial"))


def test_every_raw_record_is_kept_or_rejected_with_a_reason(
    built: tuple[Path, ExecuteInProcessResult],
) -> None:
    data_dir, _ = built
    rejected = tables(data_dir, "rejected_examples")
    found = {
        (row["source_file"], row["source_locator"]): row["rule"]
        for row in rejected.iter_rows(named=True)
    }
    for place, rule in EXPECTED_REJECTIONS.items():
        assert found.get(place) == rule, place
    assert rejected["reason"].str.len_chars().min() > 10
    for pair in NEAR_DUPLICATE_PAIRS:
        rules = [found.get(("synthetic/model_alpaca/batch_01.json", place)) for place in pair]
        assert sorted(rules, key=str) == [None, "near_duplicate:instruction_input"], pair
    kept = tables(data_dir, "balanced_examples")
    candidates = tables(data_dir, "candidate_examples")
    assert kept.join(rejected, on="record_id", how="inner").is_empty(), "kept and rejected"
    curated_out = rejected.filter(pl.col("stage") != "ingest")
    assert kept.height + curated_out.height == candidates.height


def test_rows_carry_provenance_back_to_existing_files(
    built: tuple[Path, ExecuteInProcessResult],
) -> None:
    data_dir, _ = built
    candidates = tables(data_dir, "candidate_examples")
    assert candidates["record_id"].is_unique().all()
    for source_file in candidates["source_file"].unique():
        assert (data_dir / "raw" / source_file).is_file()
    assert set(candidates["source_kind"]) == {"faq", "docs", "human", "synthetic"}
    assert set(candidates["origin"]) == {"human", "converted", "synthetic"}
    synthetic = candidates.filter(pl.col("source_kind") == "synthetic")
    assert synthetic["generator"].null_count() == 0
    conversations = candidates.filter(pl.col("history").list.len() > 0)
    assert conversations.height > 0


def test_ids_are_stable_across_rebuilds(
    built: tuple[Path, ExecuteInProcessResult], data_dir: Path
) -> None:
    first_dir, _ = built
    assert run_pipeline(data_dir).success
    first = tables(first_dir, "candidate_examples").select("record_id", "example_id")
    second = tables(data_dir, "candidate_examples").select("record_id", "example_id")
    assert first.equals(second)


def test_a_file_that_cannot_be_read_fails_its_asset_naming_the_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unreadable = data_dir / "raw" / "human" / "team_alpaca" / "examples.jsonl"
    original = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == unreadable:
            raise PermissionError(13, "Permission denied")
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    paths = DataPaths(data_dir=str(data_dir), raw_dir_override="", catalogue_override="")
    job = build_definitions(paths).resolve_job_def("rebuild_dataset")
    with pytest.raises(FileReadError, match=r"examples\.jsonl"):
        job.execute_in_process(instance=DagsterInstance.ephemeral())
    assert not (data_dir / "out" / "instructions.jsonl").exists()
