"""Task types: ordered, transparent rules; the first that matches decides."""

from __future__ import annotations

import polars as pl
import pytest

from instruct_assets.curation.task_types import RULES, TASK_TYPES, label_task_types
from instruct_assets_tests.curation.conftest import make_examples

CASES: list[tuple[str, str, str, str]] = [
    # (instruction, input, response, expected task type)
    ("Translate 'good morning' into Spanish.", "", "Buenos días.", "translate"),
    ("How do you say 'thank you' in Japanese?", "", "Arigatou.", "translate"),
    ("Summarize the following paragraph.", "A long paragraph.", "Short.", "summarize"),
    ("Give me the gist of this article.", "An article.", "It is about cats.", "summarize"),
    ("Write a Python function that reverses a string.", "", "def r(s): ...", "code"),
    ("Fix this SQL query so it returns unique rows.", "SELECT a FROM t", "SELECT DISTINCT", "code"),
    ("Show me.", "", "```\nls -la\n```", "code"),
    ("What is 12 * 7?", "", "84", "math_reasoning"),
    ("Calculate the area of a circle with radius 3.", "", "28.27", "math_reasoning"),
    ("Classify the animal as a mammal or a reptile.", "Snake", "Reptile", "classify"),
    ("Determine whether the statement is accurate.", "Water boils at 50C.", "No", "classify"),
    ("Extract the dates from the text.", "Born 1990, died 2020.", "1990, 2020", "extract"),
    ("Identify the names in the passage.", "Ann met Bob.", "Ann, Bob", "extract"),
    ("Rewrite this sentence in the passive voice.", "The cat ate the fish.", "...", "rewrite"),
    ("Paraphrase the following sentence.", "It is raining.", "Rain is falling.", "rewrite"),
    ("Brainstorm names for a coffee shop.", "", "Bean There", "brainstorm"),
    ("Come up with ideas for a birthday party.", "", "A picnic", "brainstorm"),
    ("Write a poem about the sea.", "", "Waves...", "creative_writing"),
    ("Compose a short story about a dragon.", "", "Once...", "creative_writing"),
    ("Explain how vaccines work.", "", "They train immunity.", "explain"),
    ("Why is the sky blue?", "", "Rayleigh scattering.", "explain"),
    ("Who is the main character?", "Alice went to Wonderland.", "Alice", "closed_qa"),
    ("Where does the story take place?", "Alice went to Wonderland.", "Wonderland", "closed_qa"),
    ("Who wrote Hamlet?", "", "Shakespeare", "open_qa"),
    ("Name the largest planet in the solar system.", "", "Jupiter", "open_qa"),
    ("Hello there.", "", "Hi!", "other"),
    ("Banana.", "", "Yellow.", "other"),
]


def _label(rows: list[tuple[str, str, str]], refuses: list[bool] | None = None) -> pl.DataFrame:
    frame = make_examples(
        *({"instruction": i, "input": x, "response": r} for i, x, r in rows)
    ).with_columns(pl.Series("refuses", refuses or [False] * len(rows)))
    return label_task_types(frame, pl.col("refuses"))


def test_every_task_type_is_produced_by_some_rule() -> None:
    produced = {rule.task_type for rule in RULES} | {"refusal", "other"}
    assert produced == set(TASK_TYPES)


@pytest.mark.parametrize(("instruction", "input_text", "response", "expected"), CASES)
def test_instructions_land_in_their_type(
    instruction: str, input_text: str, response: str, expected: str
) -> None:
    labels = _label([(instruction, input_text, response)])
    assert labels["task_type"].to_list() == [expected]


def test_every_type_is_covered_by_at_least_two_cases() -> None:
    counts: dict[str, int] = {}
    for *_, expected in CASES:
        counts[expected] = counts.get(expected, 0) + 1
    assert {kind for kind, count in counts.items() if count >= 2} == set(TASK_TYPES) - {"refusal"}


def test_a_refusing_response_is_a_refusal_whatever_was_asked() -> None:
    labels = _label(
        [
            ("Write a Python script that steals passwords.", "", "I can't help with that."),
            ("Translate this threat into French.", "I will hurt you.", "I won't do that."),
        ],
        refuses=[True, True],
    )
    assert labels.rows() == [
        ("refusal", "refusal_response", 0.9),
        ("refusal", "refusal_response", 0.9),
    ]


def test_the_first_matching_rule_decides() -> None:
    labels = _label(
        [
            ("Translate the summary into German.", "A summary.", "Eine Zusammenfassung."),
            ("Summarize this Python code.", "def f(): pass", "It does nothing."),
            ("Write a poem in Python.", "", "print('roses')"),
        ]
    )
    assert labels["task_type"].to_list() == ["translate", "summarize", "code"]
    assert labels["task_rule"].to_list() == ["translate_verb", "summarize_verb", "code_request"]


def test_closed_qa_needs_an_input_and_open_qa_none() -> None:
    labels = _label(
        [
            ("What is the capital of the country described?", "A country in Europe.", "Paris"),
            ("What is the capital of the country described?", "", "Paris"),
            ("What is the capital of the country described?", "   ", "Paris"),
        ]
    )
    assert labels["task_type"].to_list() == ["closed_qa", "open_qa", "open_qa"]
    assert labels["task_rule"].to_list() == [
        "question_over_input",
        "open_question",
        "open_question",
    ]


def test_rule_and_confidence_are_recorded() -> None:
    labels = _label(
        [
            ("Translate 'cat' into French.", "", "chat"),
            ("Design a logo for a bakery.", "", "A croissant in a circle."),
            ("Analyze the poem.", "Roses are red.", "It rhymes."),
            ("Hello there.", "", "Hi!"),
            ("Show me.", "", "```\nls\n```"),
        ]
    )
    assert labels.rows() == [
        ("translate", "translate_verb", 0.95),
        ("other", "generic_generation", 0.4),
        ("explain", "explain_verb", 0.8),
        ("other", "no_rule", 0.3),
        ("code", "code_response", 0.6),
    ]
    assert labels.schema == pl.Schema(
        {"task_type": pl.String, "task_rule": pl.String, "task_confidence": pl.Float64}
    )
