"""Rejections: one row per dropped example, with the rule that stopped it and provenance."""

from __future__ import annotations

import polars as pl

from instruct_assets.curation.dedup import deduplicate
from instruct_assets.curation.normalize import normalize_examples
from instruct_assets.curation.recipe import Recipe
from instruct_assets.curation.rejections import duplicate_rejections, rule_rejections
from instruct_assets.curation.rules import evaluate_rules
from instruct_assets.curation.signals import compute_signals
from instruct_assets.schema import REJECTION_SCHEMA
from instruct_assets_tests.curation.conftest import make_examples

STORY = (
    "the old lighthouse keeper climbed the spiral stairs every evening to light the great lamp "
    "that guided fishing boats safely past the jagged rocks of the northern coast while storms "
    "raged over the dark and restless sea on winter nights and one night a small boat without "
    "lights drifted towards the reef so he rang the bell and waved his lantern until the "
    "sailors saw him turned their bow and reached the harbour where the whole village waited"
)


def test_rule_rejections_report_the_first_drop_rule_in_rule_order(recipe: Recipe) -> None:
    examples = normalize_examples(
        make_examples(
            # placeholder_response and response_too_short... the empty instruction comes first.
            {"instruction": "", "response": "N/A", "source_locator": "line 1"},
            # A secret is reported before the short explanation.
            {
                "instruction": "Explain the config.",
                "response": "Key AKIAIOSFODNN7EXAMPLE.",
                "source_locator": "line 2",
            },
            # Only a warning: not rejected.
            {
                "instruction": "Contact us.",
                "response": "Write to jane.doe@gmail.com with any questions.",
                "source_locator": "line 3",
            },
            {
                "instruction": "Explain why the sky is blue.",
                "response": "Scattering.",
                "source_locator": "line 4",
                "source_kind": "faq",
                "source_file": "raw/faq/sky.md",
                "source_name": "sky_faq",
            },
        ),
        recipe.normalization,
    )
    decisions = evaluate_rules(compute_signals(examples), recipe)
    fired = {
        record: set(rules)
        for record, rules in decisions.group_by("record_id").agg("rule").iter_rows()
    }
    records = examples["record_id"].to_list()
    assert fired[records[0]] == {"empty_instruction", "placeholder_response"}
    assert fired[records[1]] >= {"secret", "response_too_short"}

    rejections = rule_rejections(decisions, examples)
    assert rejections.schema == REJECTION_SCHEMA
    by_record = {row["record_id"]: row for row in rejections.iter_rows(named=True)}
    assert set(by_record) == {records[0], records[1], records[3]}
    assert by_record[records[0]]["rule"] == "empty_instruction"
    assert by_record[records[1]]["rule"] == "secret"
    short = by_record[records[3]]
    assert short == {
        "record_id": records[3],
        "example_id": examples["example_id"][3],
        "source_kind": "faq",
        "source_name": "sky_faq",
        "source_file": "raw/faq/sky.md",
        "source_locator": "line 4",
        "stage": "rules",
        "rule": "response_too_short",
        "reason": "the response has 1 words; a explain answer needs at least 8",
        "value": 1.0,
        "threshold": "8",
        "related_id": None,
        "raw_record": None,
    }
    assert by_record[records[0]]["source_locator"] == "line 1"
    assert by_record[records[0]]["source_file"] == "raw/synthetic/test_set.jsonl"


def test_rule_rejections_follow_decision_order_not_alphabet() -> None:
    examples = make_examples({"instruction": "x", "response": "y"})
    record, example = examples["record_id"][0], examples["example_id"][0]
    decisions = pl.DataFrame(
        {
            "record_id": [record] * 3,
            "example_id": [example] * 3,
            "stage": ["rules"] * 3,
            "rule": ["secret", "assistant_boilerplate", "echoes_prompt"],
            "action": ["warn", "drop", "drop"],
            "reason": ["a", "b", "c"],
            "value": [1.0, 1.0, 1.0],
            "threshold": ["true"] * 3,
            "related_id": [None, None, None],
            "task_type": ["other"] * 3,
        }
    )
    rejections = rule_rejections(decisions, examples)
    assert rejections.select("rule", "reason").rows() == [("assistant_boilerplate", "b")]


def test_duplicate_rejections_name_the_keeper(recipe: Recipe) -> None:
    examples = make_examples(
        {
            "instruction": "Name a primary colour.",
            "response": "Red is a primary colour.",
            "origin": "human",
            "source_kind": "human",
            "source_file": "raw/human/seed.jsonl",
        },
        {"instruction": "Name a primary colour.", "response": "Red is a primary colour."},
        {"instruction": "What is the boiling point of water?", "response": "100 C."},
        {
            "instruction": "What is the boiling point of water?",
            "response": "Water boils at 100 degrees Celsius at sea level.",
        },
        {"instruction": "Tell a lighthouse story.", "response": STORY},
        {"instruction": "Write about a lighthouse keeper.", "response": STORY},
    )
    quality = pl.DataFrame(
        {"record_id": examples["record_id"], "quality_score": [0.1, 0.9, 0.2, 0.8, 0.7, 0.6]}
    )
    clusters = deduplicate(examples, quality, recipe.duplicates).clusters
    rejections = duplicate_rejections(clusters, examples, recipe.duplicates)
    records = examples["record_id"].to_list()
    assert rejections.schema == REJECTION_SCHEMA
    rows = {row["record_id"]: row for row in rejections.iter_rows(named=True)}
    assert set(rows) == {records[1], records[2], records[5]}

    exact = rows[records[1]]
    assert exact["stage"] == "dedup"
    assert exact["rule"] == "exact_duplicate"
    assert exact["related_id"] == records[0]
    assert exact["reason"] == (
        f"the same example as kept record {records[0]} (estimated similarity 1.0)"
    )
    assert (exact["value"], exact["threshold"]) == (1.0, "1.0")
    assert exact["source_file"] == "raw/synthetic/test_set.jsonl"
    assert exact["source_locator"] == "row-1"

    conflict = rows[records[2]]
    assert conflict["rule"] == "conflicting_response"
    assert conflict["related_id"] == records[3]
    assert conflict["reason"].startswith(
        f"the same instruction and input, another response, as kept record {records[3]}"
    )

    near = rows[records[5]]
    assert near["rule"] == "near_duplicate:whole_example"
    assert near["related_id"] == records[4]
    assert near["threshold"] == "0.8"
    assert near["reason"].startswith(f"a near duplicate of kept record {records[4]} ")
    assert 0.8 <= near["value"] <= 1.0
    assert near["raw_record"] is None
