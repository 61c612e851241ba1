"""Duplicates: exact, conflicting responses and near duplicates, with an order-free keeper."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from instruct_assets.curation.dedup import CLUSTER_SCHEMA, DedupResult, deduplicate
from instruct_assets.curation.recipe import Duplicates, Recipe
from instruct_assets_tests.curation.conftest import make_examples

STORY = (
    "the old lighthouse keeper climbed the spiral stairs every evening to light the great lamp "
    "that guided fishing boats safely past the jagged rocks of the northern coast while storms "
    "raged over the dark and restless sea on winter nights and one night a small boat without "
    "lights drifted towards the reef so he rang the bell and waved his lantern until the "
    "sailors saw him turned their bow and reached the harbour where the whole village waited"
)
LONG_INSTRUCTION = (
    "Write a short friendly reminder for the team that the quarterly planning meeting moves "
    "from Tuesday morning to Thursday afternoon this week"
)


def _changed(text: str, position: int, word: str) -> str:
    words = text.split()
    words[position] = word
    return " ".join(words)


# name -> (fields, quality score)
ROWS: dict[str, tuple[dict[str, Any], float]] = {
    "exact_synthetic_best": (
        {"instruction": "Name a primary colour.", "response": "Red is a primary colour."},
        0.9,
    ),
    "exact_human": (
        {
            "instruction": "Name a primary colour.",
            "response": "Red is a primary colour.",
            "origin": "human",
            "source_kind": "human",
            "source_file": "raw/human/seed.jsonl",
        },
        0.1,
    ),
    "exact_converted": (
        {
            "instruction": "Name a primary colour.",
            "response": "Red is a primary colour.",
            "origin": "converted",
            "source_kind": "faq",
            "source_file": "raw/faq/colours.md",
        },
        0.95,
    ),
    "conflict_low": (
        {"instruction": "What is the boiling point of water?", "response": "100 C."},
        0.3,
    ),
    "conflict_high": (
        {
            "instruction": "What is the boiling point of water?",
            "response": "Water boils at 100 degrees Celsius at sea level.",
        },
        0.7,
    ),
    "near_story": (
        {"instruction": "Tell a lighthouse story.", "response": STORY},
        0.6,
    ),
    "near_story_copy": (
        {
            "instruction": "Write about a lighthouse keeper.",
            "response": _changed(STORY, 60, "bravely"),
        },
        0.5,
    ),
    "near_prompt": (
        {"instruction": LONG_INSTRUCTION, "response": "Heads up: planning moves to Thursday."},
        0.4,
    ),
    "near_prompt_copy": (
        {
            "instruction": _changed(LONG_INSTRUCTION, -1, "month"),
            "response": "Reminder: the planning meeting is now on Thursday afternoon.",
        },
        0.8,
    ),
    "unique": (
        {"instruction": "Translate 'cat' into French.", "response": "Chat."},
        0.5,
    ),
}
NAMES = list(ROWS)


def _frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    examples = make_examples(
        *({**fields, "source_locator": name} for name, (fields, _) in ROWS.items())
    )
    quality = pl.DataFrame(
        {"record_id": examples["record_id"], "quality_score": [q for _, q in ROWS.values()]}
    )
    return examples, quality


EXAMPLES, QUALITY = _frames()
RECORD = dict(zip(NAMES, EXAMPLES["record_id"], strict=True))
NAME = {record: name for name, record in RECORD.items()}


@pytest.fixture(scope="module")
def settings(recipe: Recipe) -> Duplicates:
    return recipe.duplicates


@pytest.fixture(scope="module")
def result(settings: Duplicates) -> DedupResult:
    return deduplicate(EXAMPLES, QUALITY, settings)


def _membership(clusters: pl.DataFrame) -> dict[str, tuple[str, str, bool]]:
    """member name -> (kind, keeper name, is keeper)."""
    return {
        NAME[row["record_id"]]: (row["kind"], NAME[row["keeper_record_id"]], row["is_keeper"])
        for row in clusters.iter_rows(named=True)
    }


def test_clusters_and_keepers(result: DedupResult) -> None:
    assert result.clusters.schema == CLUSTER_SCHEMA
    assert _membership(result.clusters) == {
        "exact_synthetic_best": ("exact", "exact_human", False),
        "exact_human": ("exact", "exact_human", True),
        "exact_converted": ("exact", "exact_human", False),
        "conflict_low": ("conflicting_response", "conflict_high", False),
        "conflict_high": ("conflicting_response", "conflict_high", True),
        "near_prompt": ("near:instruction_input", "near_prompt_copy", False),
        "near_prompt_copy": ("near:instruction_input", "near_prompt_copy", True),
        "near_story": ("near:whole_example", "near_story", True),
        "near_story_copy": ("near:whole_example", "near_story", False),
    }


def test_exact_duplicates_share_example_id_and_similarity_one(result: DedupResult) -> None:
    exact = result.clusters.filter(pl.col("kind") == "exact")
    assert exact["example_id"].n_unique() == 1
    assert exact["similarity"].to_list() == [1.0, 1.0, 1.0]
    assert exact["cluster_id"].to_list() == [f"exact:{RECORD['exact_human']}"] * 3
    assert exact["is_keeper"].sum() == 1


def test_near_duplicates_carry_their_estimated_similarity(result: DedupResult) -> None:
    near = result.clusters.filter(pl.col("kind").str.starts_with("near:"))
    for row in near.iter_rows(named=True):
        if row["is_keeper"]:
            assert row["similarity"] == 1.0
        else:
            assert 0.8 <= row["similarity"] < 1.0


def test_unique_keeps_input_order_and_adds_up(result: DedupResult) -> None:
    kept = [NAME[record] for record in result.unique["record_id"]]
    assert kept == [
        "exact_human",
        "conflict_high",
        "near_story",
        "near_prompt_copy",
        "unique",
    ]
    dropped = result.clusters.filter(~pl.col("is_keeper"))
    assert result.unique.height + dropped.height == EXAMPLES.height
    assert set(result.unique["record_id"]).isdisjoint(dropped["record_id"])
    assert result.unique.columns == EXAMPLES.columns


def test_every_dropped_member_names_a_kept_keeper(result: DedupResult) -> None:
    dropped = result.clusters.filter(~pl.col("is_keeper"))
    kept = set(result.unique["record_id"])
    assert dropped.height == 5
    assert dropped["keeper_record_id"].null_count() == 0
    assert set(dropped["keeper_record_id"]) <= kept
    example_of = dict(zip(EXAMPLES["record_id"], EXAMPLES["example_id"], strict=True))
    for row in dropped.iter_rows(named=True):
        assert row["keeper_example_id"] == example_of[row["keeper_record_id"]]


def test_origin_beats_quality_and_quality_breaks_ties(settings: Duplicates) -> None:
    examples = make_examples(
        {"instruction": "Say hi.", "response": "Hi.", "origin": "synthetic"},
        {"instruction": "Say hi.", "response": "Hi.", "origin": "human"},
        {"instruction": "Say hi.", "response": "Hi.", "origin": "human"},
    )
    quality = pl.DataFrame({"record_id": examples["record_id"], "quality_score": [1.0, 0.2, 0.3]})
    clusters = deduplicate(examples, quality, settings).clusters
    assert clusters.filter("is_keeper")["record_id"].to_list() == [examples["record_id"][2]]
    synthetic_first = settings.model_copy(
        update={"origin_preference": ["synthetic", "human", "converted"]}
    )
    clusters = deduplicate(examples, quality, synthetic_first).clusters
    assert clusters.filter("is_keeper")["record_id"].to_list() == [examples["record_id"][0]]


def test_missing_quality_counts_as_zero(settings: Duplicates) -> None:
    examples = make_examples(
        {"instruction": "Say hi.", "response": "Hi."},
        {"instruction": "Say hi.", "response": "Hi."},
    )
    quality = pl.DataFrame({"record_id": [examples["record_id"][1]], "quality_score": [0.1]})
    clusters = deduplicate(examples, quality, settings).clusters
    assert clusters.filter("is_keeper")["record_id"].to_list() == [examples["record_id"][1]]


@pytest.mark.parametrize("seed", [1, 7, 2024])
def test_shuffled_input_gives_the_same_clusters(
    seed: int, settings: Duplicates, result: DedupResult
) -> None:
    shuffled = EXAMPLES.sample(fraction=1.0, shuffle=True, seed=seed)
    assert shuffled["record_id"].to_list() != EXAMPLES["record_id"].to_list()
    again = deduplicate(shuffled, QUALITY.reverse(), settings)
    columns = ["kind", "record_id", "is_keeper", "keeper_record_id", "similarity", "cluster_id"]
    assert (
        again.clusters.select(columns)
        .sort("record_id")
        .equals(result.clusters.select(columns).sort("record_id"))
    )
    assert set(again.unique["record_id"]) == set(result.unique["record_id"])
    assert again.unique["record_id"].to_list() == [
        record for record in shuffled["record_id"] if record in set(result.unique["record_id"])
    ]


def test_no_duplicates_gives_no_clusters(settings: Duplicates) -> None:
    examples = make_examples(
        {"instruction": "Name a fruit.", "response": "Apple."},
        {"instruction": "Name a river.", "response": "The Nile."},
    )
    quality = pl.DataFrame({"record_id": examples["record_id"], "quality_score": [0.5, 0.5]})
    outcome = deduplicate(examples, quality, settings)
    assert outcome.clusters.is_empty()
    assert outcome.clusters.schema == CLUSTER_SCHEMA
    assert outcome.unique.equals(examples)
