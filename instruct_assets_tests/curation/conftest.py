"""Helpers for the curation tests: canonical example tables built from a few dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from instruct_assets.curation.recipe import Recipe
from instruct_assets.schema import EXAMPLE_SCHEMA, example_id, record_id

REPO_ROOT = Path(__file__).resolve().parents[2]
RECIPE_PATH = REPO_ROOT / "data" / "config" / "curation.yaml"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def make_examples(*rows: dict[str, Any]) -> pl.DataFrame:
    """A canonical example table. Each dict gives at least what the test is about; the rest
    gets defaults: empty text fields, a synthetic origin, a locator ``row-<index>`` and ids
    computed as the pipeline computes them (``example_id`` from content, ``record_id`` from
    file and locator), unless given."""
    records = []
    for index, row in enumerate(rows):
        record: dict[str, Any] = {
            "instruction": "",
            "input": "",
            "response": "",
            "history": [],
            "system": None,
            "source_kind": "synthetic",
            "origin": "synthetic",
            "source_name": "test_set",
            "source_file": "raw/synthetic/test_set.jsonl",
            "source_locator": f"row-{index}",
            "license": "CC0-1.0",
            "generator": None,
            "conversion": "alpaca",
        }
        record.update(row)
        record.setdefault(
            "example_id",
            example_id(
                record["instruction"],
                record["input"],
                record["response"],
                record["history"],
                record["system"],
            ),
        )
        record.setdefault("record_id", record_id(record["source_file"], record["source_locator"]))
        records.append(record)
    return pl.DataFrame(records, schema=EXAMPLE_SCHEMA)


@pytest.fixture(scope="session")
def recipe() -> Recipe:
    """The project's recipe, as reviewed in ``data/config/curation.yaml``."""
    return Recipe.load(RECIPE_PATH)


def shared_data_or_skip() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
