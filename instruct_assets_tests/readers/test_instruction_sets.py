"""Instruction-set shapes: alpaca, instruction/response, messages, ShareGPT, Self-Instruct."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from instruct_assets.readers import Turn
from instruct_assets.readers.instruction_sets import (
    Shape,
    apply_column_mapping,
    detect_shape,
)
from instruct_assets.schema import SourceKind


def by_locator(items):
    return {item.locator: item for item in items}


def write_jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


# --- alpaca and instruction/response ---------------------------------------------------


def test_alpaca_fields(read, fixture_path):
    result = read(fixture_path("instruction_sets/alpaca.jsonl"), SourceKind.SYNTHETIC)
    example = by_locator(result.examples)["line 3"]

    assert example.instruction == "Translate to French."
    assert example.input == "Good morning"
    assert example.response == "Bonjour"
    assert example.conversion == "alpaca"
    assert example.history == ()
    assert example.system is None


def test_missing_required_field(read, fixture_path):
    result = read(fixture_path("instruction_sets/alpaca.jsonl"), SourceKind.SYNTHETIC)
    rejection = by_locator(result.rejections)["line 6"]

    assert rejection.rule == "missing_field"
    assert rejection.reason == "required field 'output' is missing"


def test_non_string_field_is_wrong_type(read, fixture_path):
    result = read(fixture_path("instruction_sets/alpaca.jsonl"), SourceKind.SYNTHETIC)
    rejection = by_locator(result.rejections)["line 7"]

    assert rejection.rule == "wrong_type"
    assert rejection.reason == "field 'input' must be a string, found list"


def test_null_input_is_empty(read, tmp_path: Path):
    path = write_jsonl(tmp_path / "null.jsonl", {"instruction": "a", "input": None, "output": "b"})

    result = read(path, SourceKind.HUMAN)

    assert [(e.input, e.conversion) for e in result.examples] == [("", "alpaca")]


def test_dolly_context_is_the_input(read, fixture_path):
    result = read(fixture_path("instruction_sets/dolly.csv"), SourceKind.HUMAN)
    example = by_locator(result.examples)["row 2 line 3"]

    assert example.conversion == "instruction_response"
    assert example.instruction == "Summarise the passage."
    assert example.input == "The first line of the passage.\nThe second line of the passage."
    assert example.response == "A two-line passage."


def test_instruction_response_with_input(read, tmp_path: Path):
    path = write_jsonl(
        tmp_path / "ir.jsonl",
        {"instruction": "Reverse.", "input": "abc", "response": "cba"},
        {"instruction": "Reverse.", "response": 5},
    )

    result = read(path, SourceKind.HUMAN)

    assert [(e.input, e.response, e.conversion) for e in result.examples] == [
        ("abc", "cba", "instruction_response")
    ]
    assert [(r.locator, r.rule) for r in result.rejections] == [("line 2", "wrong_type")]


# --- messages ----------------------------------------------------------------------------


@pytest.fixture
def messages(read, fixture_path):
    return read(fixture_path("instruction_sets/messages.jsonl"), SourceKind.HUMAN)


def test_messages_system_prompt_is_kept(messages):
    example = by_locator(messages.examples)["line 1"]

    assert example.conversion == "messages"
    assert example.system == "You are terse."
    assert (example.instruction, example.response) == ("Hi?", "Hello.")
    assert example.history == ()


def test_messages_multi_turn_keeps_last_exchange_with_history(messages):
    example = by_locator(messages.examples)["line 2"]

    assert (example.instruction, example.response) == ("And doubled?", "8")
    assert example.history == (Turn("user", "What is 2+2?"), Turn("assistant", "4"))
    assert example.system is None


def test_messages_content_as_list_of_text_parts(messages):
    example = by_locator(messages.examples)["line 3"]

    assert example.instruction == "Describe\na circle."
    assert example.response == "A round shape."


def test_messages_image_part_is_non_text_content(messages):
    rejection = by_locator(messages.rejections)["line 4"]

    assert rejection.rule == "non_text_content"
    assert rejection.reason == "turn 1 has a non-text content part (image_url)"


def test_messages_bad_alternation_names_the_turn(messages):
    rejection = by_locator(messages.rejections)["line 5"]

    assert rejection.rule == "bad_roles"
    assert rejection.reason.startswith("turn 2 is 'user' where 'assistant' was expected")


def test_messages_ending_with_user_turn_is_rejected(messages):
    rejection = by_locator(messages.rejections)["line 6"]

    assert rejection.rule == "bad_roles"
    assert rejection.reason == "the conversation ends with a user turn and no answer"


def test_messages_unknown_role(messages):
    rejection = by_locator(messages.rejections)["line 7"]

    assert rejection.rule == "bad_role"
    assert rejection.reason == "turn 1 has unknown role 'narrator'"


def test_messages_fixture_totals(messages):
    assert messages.records_read == 7
    assert len(messages.examples) == 3
    assert len(messages.rejections) == 4


def test_bad_alternation_after_system_counts_the_system_turn(read, tmp_path: Path):
    path = write_jsonl(
        tmp_path / "chat.jsonl",
        {
            "messages": [
                {"role": "system", "content": "Be kind."},
                {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "Hi."},
            ]
        },
        {"messages": [{"role": "system", "content": "Alone."}]},
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": None}]},
    )

    result = read(path, SourceKind.HUMAN)

    assert result.examples == []
    rejections = by_locator(result.rejections)
    assert rejections["line 1"].rule == "bad_roles"
    assert rejections["line 1"].reason.startswith("turn 2 is 'assistant' where 'user'")
    assert rejections["line 2"].rule == "bad_roles"
    assert rejections["line 2"].reason == "the conversation has no user or assistant turns"
    assert rejections["line 3"].rule == "wrong_type"
    assert rejections["line 3"].reason == "turn 2 content must be text, found NoneType"


# --- ShareGPT ----------------------------------------------------------------------------


def test_sharegpt_from_human_gpt(read, fixture_path):
    result = read(fixture_path("instruction_sets/sharegpt.json"), SourceKind.SYNTHETIC)
    examples = by_locator(result.examples)

    first = examples["item 1 line 2"]
    assert (first.instruction, first.response, first.conversion) == (
        "Name a colour.",
        "Green.",
        "sharegpt",
    )
    second = examples["item 2 line 3"]
    assert second.system == "Answer in one word."
    assert second.history == (Turn("user", "Capital of Italy?"), Turn("assistant", "Rome."))
    assert (second.instruction, second.response) == ("Of Spain?", "Madrid.")


def test_sharegpt_unknown_speaker_is_bad_role(read, fixture_path):
    result = read(fixture_path("instruction_sets/sharegpt.json"), SourceKind.SYNTHETIC)

    assert [(r.locator, r.rule, r.reason) for r in result.rejections] == [
        ("item 3 line 4", "bad_role", "turn 2 has unknown speaker 'robot'")
    ]


def test_sharegpt_bad_alternation(read, tmp_path: Path):
    path = write_jsonl(
        tmp_path / "sg.jsonl",
        {"conversations": [{"from": "gpt", "value": "Hi"}, {"from": "human", "value": "Yo"}]},
    )

    result = read(path, SourceKind.SYNTHETIC)

    assert [(r.rule, r.reason.split(":")[0]) for r in result.rejections] == [
        ("bad_roles", "turn 1 is 'assistant' where 'user' was expected")
    ]


# --- Self-Instruct -----------------------------------------------------------------------


def test_self_instruct_one_example_per_instance(read, fixture_path):
    result = read(fixture_path("instruction_sets/self_instruct.jsonl"), SourceKind.HUMAN)

    assert [(e.locator, e.input, e.response) for e in result.examples] == [
        ("line 1 instance 1", "hot", "cold"),
        ("line 1 instance 2", "up", "down"),
        ("line 3 instance 1", "Loved it.", "Positive"),
        ("line 3 instance 2", "Awful.", "Negative"),
    ]
    assert {e.instruction for e in result.examples[:2]} == {"Give the antonym of the word."}
    assert {e.conversion for e in result.examples} == {"self_instruct"}


def test_self_instruct_task_without_instances_is_rejected(read, fixture_path):
    result = read(fixture_path("instruction_sets/self_instruct.jsonl"), SourceKind.HUMAN)
    rejections = by_locator(result.rejections)

    assert rejections["line 2"].rule == "missing_field"
    assert rejections["line 2"].reason == "task has no 'instances' list with at least one item"
    # A bad instance costs that instance only.
    assert rejections["line 3 instance 3"].rule == "wrong_type"
    assert result.records_read == 6


# --- column mapping and unknown shapes --------------------------------------------------


def test_column_mapping(read, fixture_path):
    result = read(
        fixture_path("instruction_sets/mapped.jsonl"),
        SourceKind.HUMAN,
        columns={"instruction": "prompt", "response": "completion"},
    )

    assert [(e.locator, e.instruction, e.response, e.conversion) for e in result.examples] == [
        ("line 1", "Say hello in Spanish.", "Hola.", "instruction_response"),
        ("line 2", "Say goodbye in Spanish.", "Adiós.", "instruction_response"),
    ]
    assert [(r.locator, r.rule, r.reason) for r in result.rejections] == [
        ("line 3", "missing_field", "required field 'response' is missing")
    ]


def test_column_mapping_with_explicit_shape(read, fixture_path):
    result = read(
        fixture_path("instruction_sets/mapped.jsonl"),
        SourceKind.HUMAN,
        shape=Shape.ALPACA,
        columns={"instruction": "prompt", "output": "completion"},
    )

    assert [e.conversion for e in result.examples] == ["alpaca", "alpaca"]
    assert [(r.locator, r.rule) for r in result.rejections] == [("line 3", "missing_field")]


def test_without_mapping_the_shape_is_unknown(read, fixture_path):
    result = read(fixture_path("instruction_sets/mapped.jsonl"), SourceKind.HUMAN)

    assert result.examples == []
    assert [(r.locator, r.rule) for r in result.rejections] == [
        ("line 1", "unknown_shape"),
        ("line 2", "unknown_shape"),
        ("line 3", "unknown_shape"),
    ]
    assert result.rejections[0].reason.startswith(
        "no known record shape has these keys (completion, prompt, source)"
    )


def test_unknown_shape_fixture(read, fixture_path):
    result = read(fixture_path("instruction_sets/unknown_shape.jsonl"), SourceKind.HUMAN)

    assert [(r.locator, r.rule) for r in result.rejections] == [("line 1", "unknown_shape")]
    assert result.rejections[0].raw_record == '{"question": "What is 1+1?", "answer": "2"}'


def test_apply_column_mapping_renames_only_mapped_columns():
    record = {"prompt": "p", "completion": "c", "extra": 1}

    assert apply_column_mapping(record, {"instruction": "prompt", "response": "completion"}) == {
        "instruction": "p",
        "response": "c",
        "extra": 1,
    }
    assert apply_column_mapping(record, {}) is record


@pytest.mark.parametrize(
    ("record", "shape"),
    [
        ({"messages": []}, Shape.MESSAGES),
        ({"conversations": []}, Shape.SHAREGPT),
        ({"instruction": "i", "instances": []}, Shape.SELF_INSTRUCT),
        ({"instruction": "i", "input": "", "output": "o"}, Shape.ALPACA),
        ({"instruction": "i", "context": "", "response": "o"}, Shape.INSTRUCTION_RESPONSE),
        ({"question": "q", "answer": "a"}, None),
        ({"messages": "not a list"}, None),
    ],
)
def test_detect_shape(record, shape):
    assert detect_shape(record) is shape
