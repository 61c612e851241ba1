"""Releases: every publication kept with a manifest and a diff against the one before.

A release is a folder ``data/out/releases/<version>/`` holding the published files, the ids of
every published example (``ids.parquet``: record id and example id), ``manifest.json`` (config
and input hashes, counts, file hashes) and ``diff.json``/``diff.md`` against the previous
release: examples added, removed (with the reason from ``rejected_examples``) and changed (same
record, new content). ``releases/LATEST`` names the newest release; the asset that writes it
runs only after the blocking checks pass, so it never points at a release that failed them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl

from instruct_assets.ingest import file_sha256

LATEST = "LATEST"
PUBLISHED_GLOBS = ("*.jsonl", "splits/*.jsonl", "README.md", "plots/*.png")


def latest_version(releases_dir: Path) -> str | None:
    pointer = releases_dir / LATEST
    return pointer.read_text(encoding="utf-8").strip() if pointer.exists() else None


def _config_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"absent")
    return digest.hexdigest()[:16]


def release_diff(
    previous: pl.DataFrame | None, current: pl.DataFrame, rejected: pl.DataFrame
) -> dict[str, Any]:
    """Added, removed and changed examples between two releases' id tables."""
    if previous is None:
        return {
            "previous": None,
            "added": current.height,
            "removed": 0,
            "changed": 0,
            "removed_by_reason": {},
            "examples": {},
        }
    added = current.join(previous, on="record_id", how="anti")
    removed = previous.join(current, on="record_id", how="anti")
    changed = current.join(previous, on="record_id", suffix="_before").filter(
        pl.col("example_id") != pl.col("example_id_before")
    )
    reasons = removed.join(
        rejected.select("record_id", pl.concat_str(["stage", "rule"], separator=":").alias("why")),
        on="record_id",
        how="left",
    ).with_columns(pl.col("why").fill_null("no longer read (source removed)"))
    return {
        "added": added.height,
        "removed": removed.height,
        "changed": changed.height,
        "removed_by_reason": dict(reasons.group_by("why").len().sort("why").iter_rows()),
        "examples": {
            "added": added["record_id"].head(20).to_list(),
            "removed": reasons.select("record_id", "why").head(20).rows(),
            "changed": changed["record_id"].head(20).to_list(),
        },
    }


def _diff_markdown(version: str, diff: dict[str, Any]) -> str:
    lines = [
        f"# Release {version}",
        "",
        f"Against {diff.get('previous') or 'nothing (first release)'}:",
        "",
        f"- added: {diff['added']}",
        f"- removed: {diff['removed']}",
        f"- changed: {diff['changed']}",
    ]
    for why, count in diff["removed_by_reason"].items():
        lines.append(f"  - removed by {why}: {count}")
    return "\n".join(lines) + "\n"


def make_release(
    out_dir: Path,
    published: pl.DataFrame,
    rejected: pl.DataFrame,
    *,
    config_files: list[Path],
    input_files: dict[str, Path],
) -> tuple[str, dict]:
    """Write a new release folder (atomically, by renaming a finished folder into place) and
    return its version and manifest. Moving ``LATEST`` is a separate step."""
    releases = out_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    content = hashlib.sha256(
        "\n".join(sorted(published["example_id"].to_list())).encode()
    ).hexdigest()[:8]
    version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{content}"
    previous_version = latest_version(releases)
    previous_ids = (
        pl.read_parquet(releases / previous_version / "ids.parquet") if previous_version else None
    )
    ids = published.select("record_id", "example_id")
    diff = release_diff(previous_ids, ids, rejected) | {"previous": previous_version}
    building = releases / f".{version}.partial"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    files = {}
    for pattern in PUBLISHED_GLOBS:
        for path in sorted(out_dir.glob(pattern)):
            target = building / path.relative_to(out_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            files[str(path.relative_to(out_dir))] = file_sha256(path)
    ids.write_parquet(building / "ids.parquet")
    manifest = {
        "version": version,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "config_hash": _config_hash(config_files),
        "inputs": {name: file_sha256(path) for name, path in sorted(input_files.items())},
        "counts": {
            "examples": published.height,
            "by_task_type": dict(
                published.group_by("task_type").len().sort("task_type").iter_rows()
            )
            if "task_type" in published.columns
            else {},
            "by_source": dict(
                published.group_by("source_name").len().sort("source_name").iter_rows()
            ),
        },
        "files": files,
        "diff": {
            key: diff[key]
            for key in ("previous", "added", "removed", "changed", "removed_by_reason")
        },
    }
    (building / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (building / "diff.json").write_text(json.dumps(diff, indent=2, default=str), encoding="utf-8")
    (building / "diff.md").write_text(_diff_markdown(version, diff), encoding="utf-8")
    os.replace(building, releases / version)
    return version, manifest


def point_latest(out_dir: Path, version: str) -> None:
    pointer = out_dir / "releases" / LATEST
    partial = pointer.with_name(f".{LATEST}.partial")
    partial.write_text(version + "\n", encoding="utf-8")
    os.replace(partial, pointer)
