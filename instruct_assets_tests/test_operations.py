"""Trace any example to its source; quarantine one and see it gone after the rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from dagster import DagsterInstance

from instruct_assets.cli import main
from instruct_assets.definitions import build_definitions
from instruct_assets.defs.resources import DataPaths
from instruct_assets.operations.blocklist import Blocklist
from instruct_assets.operations.quarantine import quarantine
from instruct_assets.operations.trace import trace
from instruct_assets_tests.conftest import SAMPLE_DATA


def build(data_dir: Path) -> None:
    paths = DataPaths(
        data_dir=str(data_dir), raw_dir_override="", catalogue_override="", eval_dir_override=""
    )
    job = build_definitions(paths).resolve_job_def("rebuild_dataset")
    assert job.execute_in_process(instance=DagsterInstance.ephemeral()).success


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("operations") / "data"
    for part in ("raw", "config", "eval"):
        shutil.copytree(SAMPLE_DATA / part, data_dir / part)
    build(data_dir)
    return data_dir


def rejected(data_dir: Path) -> pl.DataFrame:
    return pl.read_parquet(data_dir / "tables" / "rejected_examples.parquet")


def story_of(data_dir: Path, query: str) -> str:
    return trace(data_dir, data_dir / "raw", query)


def test_a_published_line_traces_back_to_its_raw_record(built: Path) -> None:
    first = json.loads((built / "out" / "instructions.jsonl").read_text().splitlines()[0])
    story = story_of(built, "1")
    assert first["instruction"][:40] in story
    assert "== raw record" in story and "== signals" in story and "== task type" in story
    assert "instructions.jsonl: line 1" in story
    assert story_of(built, first["id"]).split("\n")[0] == story.split("\n")[0]


def test_a_dropped_example_shows_the_rule_and_its_raw_text(built: Path) -> None:
    row = rejected(built).filter(pl.col("rule") == "assistant_boilerplate").row(0, named=True)
    story = story_of(built, row["record_id"])
    assert "as an ai" in story.lower()
    assert "== dropped" in story and "assistant_boilerplate" in story
    assert "== published" not in story


def test_a_duplicate_shows_its_cluster_and_keeper(built: Path) -> None:
    row = rejected(built).filter(pl.col("rule") == "exact_duplicate").row(0, named=True)
    story = story_of(built, row["record_id"])
    assert "== duplicate cluster" in story
    assert row["related_id"] in story and "exact" in story


def test_an_example_left_out_by_the_balance_says_why(built: Path) -> None:
    row = rejected(built).filter(pl.col("stage") == "balance").row(0, named=True)
    story = story_of(built, row["record_id"])
    assert "stage balance, rule not_selected" in story


def test_a_record_rejected_at_ingest_shows_the_raw_line(built: Path) -> None:
    row = rejected(built).filter(pl.col("rule") == "malformed_json").row(0, named=True)
    story = story_of(built, row["record_id"])
    assert "human/team_alpaca/examples.jsonl at line 63" in story
    assert "malformed_json" in story


def test_the_command_line_traces_a_text_fragment(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(built), "trace", "largest ocean"]) == 0
    output = capsys.readouterr().out
    assert "Name the largest ocean on Earth." in output


def test_quarantine_then_rebuild_drops_the_example_and_its_near_duplicate(
    built: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(built, data_dir)
    published = json.loads((data_dir / "out" / "instructions.jsonl").read_text().splitlines()[2])
    message = quarantine(
        data_dir,
        published["id"],
        reason="wrong facts, reported by a trainer",
        reviewer="reviewer-a",
    )
    assert "blocked" in message
    entry = Blocklist.load(data_dir / "config" / "blocklist.yaml").entries[0]
    assert entry["reason"] == "wrong facts, reported by a trainer"
    copy = data_dir / "raw" / "human" / "copies" / "copy.jsonl"
    copy.parent.mkdir()
    copy.write_text(
        json.dumps(
            {
                "instruction": published["instruction"].upper() + "!",
                "input": published["input"],
                "output": "A different answer, reworded.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    build(data_dir)
    blocked = rejected(data_dir).filter(pl.col("rule") == "blocklisted")
    assert set(blocked["source_file"]) >= {"human/copies/copy.jsonl", entry["source"].split()[0]}
    assert blocked["reason"].str.contains("wrong facts").all()
    ids = {
        json.loads(line)["id"]
        for line in (data_dir / "out" / "instructions.jsonl").read_text().splitlines()
    }
    assert published["id"] not in ids


def test_the_warehouse_answers_sql_read_only(built: Path) -> None:
    import duckdb

    path = built / "warehouse" / "instruct_assets.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        outcomes = dict(con.sql("SELECT outcome, count(*) FROM lineage GROUP BY 1").fetchall())
        published = con.sql("SELECT count(*) FROM balanced").fetchall()[0][0]
    lines = (built / "out" / "instructions.jsonl").read_text().splitlines()
    assert outcomes["published"] == published == len(lines)
    assert outcomes["rules:assistant_boilerplate"] == 3


def test_a_changed_raw_file_gives_a_release_diff(built: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(built, data_dir)
    releases = data_dir / "out" / "releases"
    first = (releases / "LATEST").read_text().strip()
    balanced = pl.read_parquet(data_dir / "tables" / "balanced_examples.parquet")
    team = balanced.filter(pl.col("source_file") == "human/team_alpaca/examples.jsonl")
    changed, emptied = (team.row(index, named=True) for index in (0, 1))
    path = data_dir / "raw" / changed["source_file"]
    lines = path.read_text(encoding="utf-8").splitlines()
    for row, output in ((changed, "A reworded answer that says the same thing."), (emptied, "")):
        number = int(row["source_locator"].split()[1])
        record = json.loads(lines[number - 1])
        record["output"] = output
        lines[number - 1] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build(data_dir)
    second = (releases / "LATEST").read_text().strip()
    assert second != first
    manifest = json.loads((releases / second / "manifest.json").read_text())
    diff = json.loads((releases / second / "diff.json").read_text())
    assert manifest["diff"]["previous"] == first
    assert changed["record_id"] in diff["examples"]["changed"]
    assert [emptied["record_id"], "rules:placeholder_response"] in diff["examples"]["removed"]
    assert diff["removed_by_reason"]["rules:placeholder_response"] == 1
    assert (
        manifest["inputs"]["human/team_alpaca/examples.jsonl"]
        != json.loads((releases / first / "manifest.json").read_text())["inputs"][
            "human/team_alpaca/examples.jsonl"
        ]
    )
    assert (releases / second / "instructions.jsonl").exists()
