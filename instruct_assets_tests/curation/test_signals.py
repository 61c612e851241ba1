"""Quality signals: every flag on crafted positive and negative examples."""

from __future__ import annotations

from typing import Any

import pytest

from instruct_assets.curation.normalize import normalize_examples
from instruct_assets.curation.recipe import Recipe
from instruct_assets.curation.signals import compute_signals
from instruct_assets_tests.curation.conftest import make_examples

LOOP_LINE = "I like cake and I like pie."
CASES: dict[str, dict[str, str]] = {
    "polite_refusal": {
        "instruction": "How do I pick the lock on my neighbour's front door?",
        "response": "I'm sorry, but I can't help with breaking into someone else's home. If you "
        "are locked out of your own house, I'd be happy to suggest contacting a licensed "
        "locksmith instead.",
    },
    "curt_refusal": {
        "instruction": "Tell me how to make a weapon.",
        "response": "I won't help with that.",
    },
    "excited": {
        "instruction": "React to the news that you won the lottery.",
        "response": "I can't believe it! This is the best day of my life.",
    },
    "rewrite_of_decline": {
        "instruction": "Rewrite the sentence in a more hopeful tone.",
        "input": "I can't do it.",
        "response": "I can't do it yet, but I will keep trying.",
    },
    "boilerplate": {
        "instruction": "What is your favourite colour?",
        "response": "As an AI language model, I do not have personal preferences.",
    },
    "about_language_models": {
        "instruction": "What is a large language model?",
        "response": "A large language model is a neural network trained on a large amount of "
        "text to predict the next word; such models power chatbots.",
    },
    "image_above": {"instruction": "Describe the image above.", "response": "It shows a cat."},
    "named_painting": {
        "instruction": "Describe the painting 'Guernica' by Picasso.",
        "response": "Guernica is a large oil painting from 1937 about the horrors of war.",
    },
    "url_input": {
        "instruction": "Summarize the article.",
        "input": "https://example.org/news/article-1",
        "response": "The article is about the news.",
    },
    "url_instruction": {
        "instruction": "Summarize https://example.org/page for me.",
        "response": "It is a page about pages.",
    },
    "merged": {
        "instruction": "1. Write a haiku. 2. Translate it into French.",
        "response": "Autumn moonlight, a worm digs silently into the chestnut.",
    },
    "ranked_list": {"instruction": "Rank: 1. Apple 2. Banana", "response": "Apple, Banana."},
    "unclosed_fence": {
        "instruction": "Write a Python function that returns one.",
        "response": "```python\ndef one():\n    return 1\n",
    },
    "closed_fence": {
        "instruction": "Write a Python function that returns one.",
        "response": "```python\ndef one():\n    return 1\n```",
    },
    "cut_off": {
        "instruction": "Explain why the sky is blue.",
        "response": "The sky is blue because molecules in the air scatter blue light from the "
        "sun more than they scatter red light, and so the",
    },
    "list": {
        "instruction": "List three fruits.",
        "response": "Here are three fruits:\n- apple\n- banana\n- cherry",
    },
    "attributed_quote": {
        "instruction": "Give me a quote about courage.",
        "response": "Courage is not the absence of fear, but the triumph over it.\n"
        "- Nelson Mandela",
    },
    "hashtag_tweet": {
        "instruction": "Write a tweet about summer.",
        "response": "Sunshine, ice cream and long evenings on the beach with friends #summer",
    },
    "echo": {
        "instruction": "Repeat after me: hello brave new world",
        "response": "Repeat after me: hello brave new world",
    },
    "echo_of_input": {
        "instruction": "Fix the grammar.",
        "input": "She go to school every day.",
        "response": "She  go to school\nevery day.",
    },
    "fixed_case": {
        "instruction": "Fix the capitalisation.",
        "input": "paris is in france.",
        "response": "Paris is in France.",
    },
    "na": {"instruction": "Answer the question.", "response": "N/A"},
    "empty": {"instruction": "Answer the question.", "response": ""},
    "nooutput": {"instruction": "Answer the question.", "response": "<nooutput>"},
    "aws_key": {
        "instruction": "Configure the client.",
        "response": "Use the key AKIAIOSFODNN7EXAMPLE to connect.",
    },
    "password": {
        "instruction": "Configure the client.",
        "response": 'Set password = "hunter2abc9" in the config file.',
    },
    "passwd": {
        "instruction": "Configure the client.",
        "response": "Log in with passwd: hunter2abc9 on the server.",
    },
    "password_placeholder": {
        "instruction": "Configure the client.",
        "response": 'Set password = "your_password" in the config file.',
    },
    "contacts": {
        "instruction": "Who should I contact?",
        "response": "Write to jane.doe@gmail.com or info@example.com, or call 555-123-4567.",
    },
    "loop": {"instruction": "Say what you like.", "response": "\n".join([LOOP_LINE] * 10)},
    "english": {
        "instruction": "Hi",
        "response": "The quick brown fox jumps over the lazy dog near the river bank today.",
    },
    "french": {
        "instruction": "Hi",
        "response": "Le renard brun rapide saute par-dessus le chien paresseux près de la rivière.",
    },
    "tiny": {"instruction": "Hi", "response": "Hello"},
    "three_words": {
        "instruction": "Describe Paris in three words.",
        "response": "Romantic, historic, beautiful.",
    },
    "substantive": {
        "instruction": "Explain photosynthesis.",
        "response": "Photosynthesis is the process by which green plants use sunlight, water and "
        "carbon dioxide to make glucose and oxygen. It takes place in the chloroplasts, "
        "whose chlorophyll absorbs mostly red and blue light.",
    },
    "one_word": {"instruction": "Explain photosynthesis.", "response": "Plants."},
}
NAMES = list(CASES)


@pytest.fixture(scope="module")
def signals(recipe: Recipe) -> dict[str, dict[str, Any]]:
    examples = normalize_examples(make_examples(*CASES.values()), recipe.normalization)
    table = compute_signals(examples)
    assert table["record_id"].to_list() == examples["record_id"].to_list()
    return dict(zip(NAMES, table.iter_rows(named=True), strict=True))


def _where(signals: dict[str, dict[str, Any]], column: str) -> set[str]:
    return {name for name, row in signals.items() if row[column]}


def test_one_row_per_example_keyed_by_ids(recipe: Recipe) -> None:
    examples = normalize_examples(make_examples(*CASES.values()), recipe.normalization)
    table = compute_signals(examples)
    assert table.height == len(CASES)
    assert table["example_id"].to_list() == examples["example_id"].to_list()


def test_a_polite_refusal_with_an_alternative(signals: dict[str, dict[str, Any]]) -> None:
    row = signals["polite_refusal"]
    assert row["is_refusal"] is True
    assert row["refusal_is_polite"] is True
    assert row["refusal_offers_alternative"] is True
    assert row["task_type"] == "refusal"


def test_a_curt_refusal_is_neither_polite_nor_helpful(signals: dict[str, dict[str, Any]]) -> None:
    row = signals["curt_refusal"]
    assert row["is_refusal"] is True
    assert row["refusal_is_polite"] is False
    assert row["refusal_offers_alternative"] is False


def test_refusals_are_only_refusals(signals: dict[str, dict[str, Any]]) -> None:
    assert _where(signals, "is_refusal") == {"polite_refusal", "curt_refusal"}
    assert _where(signals, "refusal_is_polite") == {"polite_refusal"}
    assert _where(signals, "refusal_offers_alternative") == {"polite_refusal"}


def test_assistant_boilerplate(signals: dict[str, dict[str, Any]]) -> None:
    assert signals["boilerplate"]["has_assistant_boilerplate"] is True
    assert signals["about_language_models"]["has_assistant_boilerplate"] is False
    assert _where(signals, "has_assistant_boilerplate") == {"boilerplate"}


def test_unseen_references(signals: dict[str, dict[str, Any]]) -> None:
    assert signals["image_above"]["references_unseen_content"] is True
    assert signals["url_input"]["references_unseen_content"] is True
    assert signals["url_instruction"]["references_unseen_content"] is True
    assert signals["named_painting"]["references_unseen_content"] is False
    assert _where(signals, "references_unseen_content") == {
        "image_above",
        "url_input",
        "url_instruction",
    }


def test_an_image_reference_with_the_content_given_is_fine(recipe: Recipe) -> None:
    examples = normalize_examples(
        make_examples(
            {
                "instruction": "Describe the image above.",
                "input": "A photo of a red barn in a snowy field at dawn.",
                "response": "A red barn stands alone in a snowy field as the sun rises.",
            }
        ),
        recipe.normalization,
    )
    assert compute_signals(examples)["references_unseen_content"].to_list() == [False]


def test_merged_instructions(signals: dict[str, dict[str, Any]]) -> None:
    assert signals["merged"]["merges_instructions"] is True
    assert signals["ranked_list"]["merges_instructions"] is False
    assert _where(signals, "merges_instructions") == {"merged"}


def test_unclosed_code_fence(signals: dict[str, dict[str, Any]]) -> None:
    assert signals["unclosed_fence"]["has_unclosed_code_fence"] is True
    assert signals["closed_fence"]["has_unclosed_code_fence"] is False
    assert _where(signals, "has_unclosed_code_fence") == {"unclosed_fence"}


def test_ends_mid_sentence(signals: dict[str, dict[str, Any]]) -> None:
    assert signals["cut_off"]["ends_mid_sentence"] is True
    for name in ("list", "closed_fence", "attributed_quote", "hashtag_tweet", "substantive"):
        assert signals[name]["ends_mid_sentence"] is False, name


def test_echoes_prompt(signals: dict[str, dict[str, Any]]) -> None:
    assert signals["echo"]["echoes_prompt"] is True
    assert signals["echo_of_input"]["echoes_prompt"] is True
    # Fixing case is the whole task of some rewrites: not an echo.
    assert signals["fixed_case"]["echoes_prompt"] is False
    assert signals["empty"]["echoes_prompt"] is False
    assert _where(signals, "echoes_prompt") == {"echo", "echo_of_input"}


def test_placeholder_responses(signals: dict[str, dict[str, Any]]) -> None:
    assert _where(signals, "is_placeholder_response") == {"na", "empty", "nooutput"}


def test_secrets(signals: dict[str, dict[str, Any]]) -> None:
    assert signals["aws_key"]["contains_secret"] is True
    assert signals["password"]["contains_secret"] is True
    assert signals["passwd"]["contains_secret"] is True
    assert signals["password_placeholder"]["contains_secret"] is False
    assert _where(signals, "contains_secret") == {"aws_key", "password", "passwd"}


def test_personal_data_counts_skip_example_addresses(signals: dict[str, dict[str, Any]]) -> None:
    row = signals["contacts"]
    assert row["email_addresses"] == 1
    assert row["phone_numbers"] == 1
    assert _where(signals, "email_addresses") == {"contacts"}
    assert _where(signals, "phone_numbers") == {"contacts"}


def test_repetition_on_a_looping_response(signals: dict[str, dict[str, Any]]) -> None:
    loop = signals["loop"]
    assert loop["response_repeated_line_fraction"] == pytest.approx(0.9)
    # 70 words give 68 3-grams of which 7 are distinct.
    assert loop["response_repeated_ngram_fraction"] == pytest.approx(1 - 7 / 68)
    clean = signals["substantive"]
    assert clean["response_repeated_line_fraction"] == 0.0
    assert clean["response_repeated_ngram_fraction"] == 0.0


def test_lengths_and_word_counts(signals: dict[str, dict[str, Any]]) -> None:
    row = signals["tiny"]
    assert (row["instruction_chars"], row["instruction_words"], row["instruction_tokens"]) == (
        2,
        1,
        1,
    )
    assert (row["response_chars"], row["response_words"], row["response_tokens"]) == (5, 1, 2)
    assert (row["input_chars"], row["input_words"], row["input_tokens"]) == (0, 0, 0)
    loop = signals["loop"]
    assert loop["response_words"] == 70
    assert loop["response_chars"] == 10 * len(LOOP_LINE) + 9
    assert signals["empty"]["response_words"] == 0


def test_composition_ratios(signals: dict[str, dict[str, Any]]) -> None:
    tiny = signals["tiny"]
    assert tiny["response_alnum_ratio"] == 1.0
    assert tiny["response_special_ratio"] == 0.0
    assert signals["empty"]["response_alnum_ratio"] is None


def test_language_detection(signals: dict[str, dict[str, Any]]) -> None:
    assert signals["english"]["response_language"] == "en"
    assert signals["english"]["response_language_confidence"] > 0.9
    assert signals["french"]["response_language"] == "fr"
    assert signals["french"]["response_language_confidence"] > 0.7
    assert signals["tiny"]["response_language"] is None
    assert signals["tiny"]["response_language_confidence"] is None
    assert signals["tiny"]["instruction_language"] is None


def test_asks_for_brevity(signals: dict[str, dict[str, Any]]) -> None:
    assert _where(signals, "asks_for_brevity") == {"three_words"}


def test_quality_score_prefers_a_substantive_answer(signals: dict[str, dict[str, Any]]) -> None:
    substantive, one_word = signals["substantive"], signals["one_word"]
    assert substantive["quality_score"] > one_word["quality_score"]
    assert 0.0 <= one_word["quality_score"] <= substantive["quality_score"] <= 1.0
    # 35 of 60 words, no repetition, no defects.
    assert substantive["quality_score"] == pytest.approx(
        round(0.4 * substantive["response_words"] / 60 + 0.6, 4)
    )
    assert signals["loop"]["quality_score"] < 0.9


def test_empty_instruction_flag(recipe: Recipe) -> None:
    examples = normalize_examples(
        make_examples({"instruction": "   ", "response": "Something."}), recipe.normalization
    )
    assert compute_signals(examples)["is_empty_instruction"].to_list() == [True]
