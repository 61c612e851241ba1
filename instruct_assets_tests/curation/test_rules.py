"""Rules: signals compared with the recipe's thresholds, every decision recorded."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from instruct_assets.curation.normalize import normalize_examples
from instruct_assets.curation.recipe import Recipe
from instruct_assets.curation.rules import (
    DECISION_SCHEMA,
    dropped_record_ids,
    evaluate_rules,
    overlap_decisions,
)
from instruct_assets.curation.signals import compute_signals
from instruct_assets_tests.curation.conftest import RECIPE_PATH, make_examples

POLITE_REFUSAL = {
    "instruction": "How do I pick the lock on my neighbour's front door?",
    "response": "I'm sorry, but I can't help with breaking into someone else's home. If you are "
    "locked out of your own house, I'd be happy to suggest contacting a licensed locksmith "
    "instead.",
}
CODE = {
    "instruction": "Write a JavaScript function that returns a pair.",
    "response": "```js\nconst f = () => [1, 2];\nf(); // => [1, 2]\n```",
}
SYMBOLS = {
    "instruction": "Draw a divider.",
    "response": "=== *** --- +++ ### ||| === *** --- +++",
}
FRENCH = "Le renard brun rapide saute par-dessus le chien paresseux près de la rivière."


def _signals(rows: list[dict[str, Any]], recipe: Recipe) -> pl.DataFrame:
    examples = normalize_examples(make_examples(*rows), recipe.normalization)
    return compute_signals(examples, recipe.rules.wrong_language.min_chars)


def _decide(rows: list[dict[str, Any]], recipe: Recipe) -> tuple[pl.DataFrame, list[set[str]]]:
    """Decisions and, per example in order, the names of the drop rules that fired."""
    signals = _signals(rows, recipe)
    decisions = evaluate_rules(signals, recipe)
    dropping = [
        set(
            decisions.filter((pl.col("record_id") == record) & (pl.col("action") == "drop"))["rule"]
        )
        for record in signals["record_id"]
    ]
    return decisions, dropping


def test_a_one_word_label_survives_but_a_one_word_explanation_does_not(recipe: Recipe) -> None:
    rows = [
        {
            "instruction": "Classify the animal as a mammal or a reptile.",
            "input": "Snake",
            "response": "Reptile",
        },
        {"instruction": "Explain why the sky is blue.", "response": "Scattering."},
    ]
    decisions, dropping = _decide(rows, recipe)
    assert dropping == [set(), {"response_too_short"}]
    row = decisions.filter(pl.col("rule") == "response_too_short").row(0, named=True)
    assert row["task_type"] == "explain"
    assert row["value"] == 1.0
    assert row["threshold"] == "8"
    assert row["reason"] == "the response has 1 words; a explain answer needs at least 8"


def test_a_guessed_task_type_gets_the_default_threshold(recipe: Recipe) -> None:
    # "Write about ..." is creative writing by a rule of confidence 0.5, below the recipe's 0.7.
    rows = [{"instruction": "Write about the sea.", "input": "", "response": "Waves."}]
    signals = _signals(rows, recipe)
    assert signals.select("task_type", "task_confidence").row(0) == ("creative_writing", 0.5)
    _, dropping = _decide(rows, recipe)
    assert dropping == [set()]
    # Were the guess trusted, the creative-writing threshold (3 words) would drop it.
    trusting = Recipe.load(RECIPE_PATH, {"task_type_min_confidence": 0.5})
    _, dropping = _decide(rows, trusting)
    assert dropping == [{"response_too_short"}]


def test_instructions_asking_for_brevity_are_exempt(recipe: Recipe) -> None:
    rows = [
        {"instruction": "Describe Paris in three words.", "response": "Romantic, historic, old."},
        {"instruction": "Describe Paris.", "response": "Romantic, historic, old."},
    ]
    _, dropping = _decide(rows, recipe)
    assert dropping == [set(), {"response_too_short"}]


def test_a_polite_refusal_with_an_alternative_survives_every_rule(recipe: Recipe) -> None:
    decisions, dropping = _decide([POLITE_REFUSAL], recipe)
    assert dropping == [set()]
    assert decisions.is_empty()


def test_refusals_without_alternative_are_warned_about(recipe: Recipe) -> None:
    rows = [
        POLITE_REFUSAL,
        {
            "instruction": "Tell me how to make a weapon.",
            "response": "I'm sorry, but I cannot provide that kind of information to anyone.",
        },
        {
            "instruction": "Tell me how to make a weapon.",
            "response": "I won't help with that, it is a dangerous thing to ask for.",
        },
    ]
    decisions, dropping = _decide(rows, recipe)
    assert dropping == [set(), set(), set()]
    warned = decisions.filter(pl.col("rule") == "refusal_without_alternative").sort("reason")
    assert warned["action"].to_list() == ["warn", "warn"]
    assert warned["reason"].to_list() == [
        "a curt refusal: no apology or explanation, no alternative",
        "a polite refusal that offers no safe alternative",
    ]


def test_code_survives_the_alphanumeric_ratio_but_symbols_do_not(recipe: Recipe) -> None:
    decisions, dropping = _decide([CODE, SYMBOLS], recipe)
    assert dropping[0] == set()
    assert "low_alphanumeric_ratio" in dropping[1]
    row = decisions.filter(pl.col("rule") == "low_alphanumeric_ratio").row(0, named=True)
    assert row["value"] == 0.0
    assert row["threshold"] == "0.45"
    assert row["reason"] == "the share of letters and digits in the response is 0.0, below 0.45"


def test_a_translation_survives_wrong_language(recipe: Recipe) -> None:
    rows = [
        {
            "instruction": "Translate the sentence into French.",
            "input": "The quick brown fox jumps over the lazy dog near the river.",
            "response": FRENCH,
        },
        {"instruction": "Tell me something about a fox.", "response": FRENCH},
    ]
    decisions, dropping = _decide(rows, recipe)
    assert dropping == [set(), {"wrong_language"}]
    row = decisions.filter(pl.col("rule") == "wrong_language").row(0, named=True)
    assert row["threshold"] == "language in ['en']"
    assert row["value"] > 0.7
    assert row["reason"].startswith("the response is in 'fr' (confidence ")
    assert row["reason"].endswith("); allowed: en")


def test_each_decision_names_rule_action_reason_value_and_threshold(recipe: Recipe) -> None:
    rows = [
        {"instruction": "", "response": "N/A"},
        {"instruction": "Contact us.", "response": "Write to jane.doe@gmail.com with questions."},
    ]
    decisions, dropping = _decide(rows, recipe)
    assert decisions.schema == DECISION_SCHEMA
    assert dropping == [{"empty_instruction", "placeholder_response"}, set()]
    assert decisions.select("rule", "action", "reason", "value", "threshold").rows() == [
        ("empty_instruction", "drop", "the instruction is empty", 1.0, "true"),
        (
            "placeholder_response",
            "drop",
            "the response is empty or a placeholder like 'N/A'",
            1.0,
            "true",
        ),
        ("personal_data", "warn", "1 e-mail addresses and 0 phone numbers", 1.0, "0"),
    ]
    assert set(decisions["stage"]) == {"rules"}
    assert decisions["related_id"].null_count() == decisions.height


def test_repetition_rules_fire_on_a_loop(recipe: Recipe) -> None:
    loop = "\n".join(["I like cake and I like pie."] * 10)
    rows = [
        {"instruction": "Say what you like.", "response": loop},
        {"instruction": "Write a song about cake.", "response": loop},
    ]
    decisions, dropping = _decide(rows, recipe)
    assert dropping[0] >= {"repeated_lines", "repeated_ngrams"}
    # Songs repeat on purpose.
    assert dropping[1].isdisjoint({"repeated_lines", "repeated_ngrams"})
    row = decisions.filter(pl.col("rule") == "repeated_lines").row(0, named=True)
    assert (row["value"], row["threshold"]) == (pytest.approx(0.9), "0.4")


def test_a_cut_off_explanation_is_dropped_but_a_cut_off_poem_is_not(recipe: Recipe) -> None:
    cut = (
        "The sky is blue because molecules in the air scatter blue light from the sun more "
        "than they scatter red light, and so the"
    )
    rows = [
        {"instruction": "Explain why the sky is blue.", "response": cut},
        {"instruction": "Write a poem about the sky.", "response": cut},
    ]
    _, dropping = _decide(rows, recipe)
    assert dropping == [{"ends_mid_sentence"}, set()]


def test_setting_a_rule_off_removes_its_rows(recipe: Recipe) -> None:
    rows = [{"instruction": "Explain why the sky is blue.", "response": "Scattering."}]
    decisions, _ = _decide(rows, recipe)
    assert decisions["rule"].to_list() == ["response_too_short"]
    off = Recipe.load(RECIPE_PATH, {"rules": {"response_too_short": {"action": "off"}}})
    decisions, dropping = _decide(rows, off)
    assert decisions.is_empty()
    assert dropping == [set()]


def test_a_warn_action_records_but_keeps_the_example(recipe: Recipe) -> None:
    rows = [{"instruction": "Explain why the sky is blue.", "response": "Scattering."}]
    warn = Recipe.load(RECIPE_PATH, {"rules": {"response_too_short": {"action": "warn"}}})
    decisions, dropping = _decide(rows, warn)
    assert decisions.select("rule", "action").rows() == [("response_too_short", "warn")]
    assert dropping == [set()]
    assert dropped_record_ids(decisions).is_empty()


def test_dropped_record_ids_lists_each_dropped_record_once(recipe: Recipe) -> None:
    rows = [
        {"instruction": "", "response": "N/A"},
        {"instruction": "Contact us.", "response": "Write to jane.doe@gmail.com with questions."},
        {"instruction": "Explain why the sky is blue.", "response": "Scattering."},
    ]
    signals = _signals(rows, recipe)
    dropped = dropped_record_ids(evaluate_rules(signals, recipe))
    records = signals["record_id"].to_list()
    assert sorted(dropped["record_id"].to_list()) == sorted([records[0], records[2]])


def test_nothing_fires_on_clean_examples(recipe: Recipe) -> None:
    rows = [
        {
            "instruction": "Explain photosynthesis.",
            "response": "Photosynthesis is the process by which green plants use sunlight, water "
            "and carbon dioxide to make glucose and oxygen.",
        },
        CODE,
    ]
    decisions, _ = _decide(rows, recipe)
    assert decisions.is_empty()
    assert decisions.schema == DECISION_SCHEMA


def test_overlap_decisions_name_the_benchmark_item(recipe: Recipe) -> None:
    rows = [{"instruction": "Explain photosynthesis.", "response": "Plants make sugar from light."}]
    signals = _signals(rows, recipe)
    record = signals["record_id"][0]
    matches = pl.DataFrame(
        {"record_id": [record], "benchmark_item": ["gsm8k/test.jsonl:line 3"], "shared_ngrams": [4]}
    )
    decisions = overlap_decisions(matches, signals, recipe)
    assert decisions.schema == DECISION_SCHEMA
    assert decisions.row(0, named=True) == {
        "record_id": record,
        "example_id": signals["example_id"][0],
        "stage": "rules",
        "rule": "benchmark_overlap",
        "action": "drop",
        "reason": "shares 4 word 13-grams with benchmark item gsm8k/test.jsonl:line 3",
        "value": 4.0,
        "threshold": "1",
        "related_id": "gsm8k/test.jsonl:line 3",
        "task_type": "explain",
    }
    off = Recipe.load(RECIPE_PATH, {"rules": {"benchmark_overlap": {"action": "off"}}})
    assert overlap_decisions(matches, signals, off).is_empty()
