"""Human-written and synthetic instruction sets in the shapes the field uses.

Shapes: ``alpaca`` (instruction/input/output), ``instruction_response``
(instruction/input/response, Dolly's ``context`` counts as input), ``messages`` (OpenAI chat),
``sharegpt`` (``conversations`` of ``from``/``value``) and ``self_instruct`` (a task with
nested ``instances``, one example per instance). Any other shape is read through a column
mapping from the source catalogue. Conversations are validated, never repaired: a record whose
roles do not alternate user/assistant is rejected with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from instruct_assets.readers.formats import FileFormat
from instruct_assets.readers.outcomes import ExampleDraft, ReadResult, Turn
from instruct_assets.readers.records import RawRecord, iter_records


class Shape(StrEnum):
    ALPACA = "alpaca"
    INSTRUCTION_RESPONSE = "instruction_response"
    MESSAGES = "messages"
    SHAREGPT = "sharegpt"
    SELF_INSTRUCT = "self_instruct"


USER, ASSISTANT, SYSTEM = "user", "assistant", "system"

SHAREGPT_ROLES = {
    "human": USER,
    "user": USER,
    "gpt": ASSISTANT,
    "assistant": ASSISTANT,
    "chatgpt": ASSISTANT,
    "model": ASSISTANT,
    "bard": ASSISTANT,
    "bing": ASSISTANT,
    "system": SYSTEM,
}


class RecordError(ValueError):
    """A record that cannot become an example; ``rule`` names the defect."""

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule


def detect_shape(record: Mapping[str, Any]) -> Shape | None:
    if isinstance(record.get("messages"), list):
        return Shape.MESSAGES
    if isinstance(record.get("conversations"), list):
        return Shape.SHAREGPT
    if "instances" in record and "instruction" in record:
        return Shape.SELF_INSTRUCT
    if "instruction" in record and "output" in record:
        return Shape.ALPACA
    if "instruction" in record and "response" in record:
        return Shape.INSTRUCTION_RESPONSE
    return None


def apply_column_mapping(record: dict[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
    """Rename a record's columns to canonical names (``{canonical: column in the file}``)."""
    if not columns:
        return record
    renamed = {key: value for key, value in record.items() if key not in columns.values()}
    for canonical, column in columns.items():
        if column in record:
            renamed[canonical] = record[column]
    return renamed


def read_instruction_set(
    path: Path,
    file_format: FileFormat,
    shape: Shape | None = None,
    columns: Mapping[str, str] | None = None,
) -> ReadResult:
    """Every record of one file as an example draft or a rejection."""
    result = ReadResult(format=str(file_format))
    file_shape = shape
    for record in iter_records(path, file_format):
        if not record.ok:
            result.count_record()
            result.reject(record.locator, record.error_rule, record.error_reason, record.raw)
            continue
        value = apply_column_mapping(record.value or {}, columns or {})
        if file_shape is None:
            file_shape = detect_shape(value)
        if file_shape is None:
            result.count_record()
            keys = ", ".join(sorted(value)) or "none"
            result.reject(
                record.locator,
                "unknown_shape",
                f"no known record shape has these keys ({keys}); add a column mapping "
                "for this source in data/config/sources.yaml",
                record.raw,
            )
            continue
        for locator, item in _units(record, value, file_shape):
            result.count_record()
            try:
                result.keep(_convert(locator, item, file_shape))
            except RecordError as error:
                result.reject(locator, error.rule, str(error), record.raw)
    return result


def _units(
    record: RawRecord, value: dict[str, Any], shape: Shape
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The records that count: a Self-Instruct task counts once per instance."""
    if shape is not Shape.SELF_INSTRUCT:
        yield record.locator, value
        return
    instances = value.get("instances")
    if not isinstance(instances, list) or not instances:
        yield record.locator, {"instances_error": instances}
        return
    for number, instance in enumerate(instances, start=1):
        yield f"{record.locator} instance {number}", {"task": value, "instance": instance}


def _text(record: Mapping[str, Any], field: str, *, required: bool) -> str:
    if field not in record or record[field] is None:
        if required:
            raise RecordError("missing_field", f"required field '{field}' is missing")
        return ""
    value = record[field]
    if not isinstance(value, str):
        raise RecordError(
            "wrong_type", f"field '{field}' must be a string, found {type(value).__name__}"
        )
    return value


def _convert(locator: str, record: dict[str, Any], shape: Shape) -> ExampleDraft:
    if shape is Shape.ALPACA:
        return ExampleDraft(
            locator=locator,
            instruction=_text(record, "instruction", required=True),
            input=_text(record, "input", required=False),
            response=_text(record, "output", required=True),
            conversion=shape.value,
        )
    if shape is Shape.INSTRUCTION_RESPONSE:
        input_field = "input" if "input" in record else "context"
        return ExampleDraft(
            locator=locator,
            instruction=_text(record, "instruction", required=True),
            input=_text(record, input_field, required=False),
            response=_text(record, "response", required=True),
            conversion=shape.value,
        )
    if shape is Shape.SELF_INSTRUCT:
        return _self_instruct_example(locator, record)
    turns = _message_turns(record) if shape is Shape.MESSAGES else _sharegpt_turns(record)
    return _conversation_example(locator, turns, shape)


def _self_instruct_example(locator: str, record: dict[str, Any]) -> ExampleDraft:
    if "instances_error" in record:
        raise RecordError("missing_field", "task has no 'instances' list with at least one item")
    instance = record["instance"]
    if not isinstance(instance, dict):
        raise RecordError(
            "wrong_type", f"an instance must be an object, found {type(instance).__name__}"
        )
    return ExampleDraft(
        locator=locator,
        instruction=_text(record["task"], "instruction", required=True),
        input=_text(instance, "input", required=False),
        response=_text(instance, "output", required=True),
        conversion=Shape.SELF_INSTRUCT.value,
    )


def _content_text(content: object, position: int) -> str:
    """Message content: a string, or OpenAI's list of parts of which only text is accepted."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") != "text":
                kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                raise RecordError(
                    "non_text_content", f"turn {position} has a non-text content part ({kind})"
                )
            texts.append(_text(part, "text", required=True))
        return "\n".join(texts)
    raise RecordError(
        "wrong_type", f"turn {position} content must be text, found {type(content).__name__}"
    )


def _message_turns(record: dict[str, Any]) -> list[Turn]:
    turns = []
    for position, message in enumerate(record["messages"], start=1):
        if not isinstance(message, dict):
            raise RecordError("wrong_type", f"turn {position} is not an object")
        role = message.get("role")
        if role not in (USER, ASSISTANT, SYSTEM):
            raise RecordError("bad_role", f"turn {position} has unknown role {role!r}")
        turns.append(Turn(role, _content_text(message.get("content"), position)))
    return turns


def _sharegpt_turns(record: dict[str, Any]) -> list[Turn]:
    turns = []
    for position, message in enumerate(record["conversations"], start=1):
        if not isinstance(message, dict):
            raise RecordError("wrong_type", f"turn {position} is not an object")
        speaker = message.get("from")
        role = SHAREGPT_ROLES.get(str(speaker).lower()) if speaker is not None else None
        if role is None:
            raise RecordError("bad_role", f"turn {position} has unknown speaker {speaker!r}")
        turns.append(Turn(role, _text(message, "value", required=True)))
    return turns


def _conversation_example(locator: str, turns: list[Turn], shape: Shape) -> ExampleDraft:
    """The last exchange becomes the example; earlier turns become its history."""
    system = None
    if turns and turns[0].role == SYSTEM:
        system = turns[0].content
        turns = turns[1:]
    if not turns:
        raise RecordError("bad_roles", "the conversation has no user or assistant turns")
    for position, turn in enumerate(turns):
        expected = USER if position % 2 == 0 else ASSISTANT
        if turn.role != expected:
            offset = 2 if system is not None else 1
            raise RecordError(
                "bad_roles",
                f"turn {position + offset} is '{turn.role}' where '{expected}' was expected: "
                "turns must alternate user/assistant after an optional first system turn",
            )
    if turns[-1].role != ASSISTANT:
        raise RecordError("bad_roles", "the conversation ends with a user turn and no answer")
    return ExampleDraft(
        locator=locator,
        instruction=turns[-2].content,
        response=turns[-1].content,
        history=tuple(turns[:-2]),
        system=system,
        conversion=shape.value,
    )
