"""The shapes trainers load, built from the canonical example table in one Polars pass each.

- ``instructions``: the project's own JSONL (``JSONL_KEYS``): ``id``, ``instruction``,
  ``input``, ``response``, ``system`` (null when none), ``history`` (``role``/``content`` turns).
- ``alpaca``: LLaMA-Factory's alpaca shape, ``instruction``, ``input``, ``output``, ``system``
  (``""`` when none) and ``history`` as ``[[user, assistant], ...]`` pairs, with ``id`` first so
  every line can be traced (trainers ignore columns they are not told about).
- ``messages``: OpenAI chat shape, ``{"id", "messages": [system?, history..., user, assistant]}``;
  the user turn is the instruction, then a blank line and the input when there is one.
- ``sharegpt``: ``{"id", "conversations": [{"from": "system"|"human"|"gpt", "value"}]}``, the
  same turns as ``messages``.

Every file is written beside its target (``.<name>.partial``), fsynced, read back and checked,
and only then renamed over the target: a failed or invalid write leaves the previous file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

FORMATS = ("instructions", "alpaca", "messages", "sharegpt")
JSONL_KEYS = ("id", "instruction", "input", "response", "system", "history")
"""The chapter's instruction / input / response, the id that traces a line to its source, and
the conversation context multi-turn examples need."""

FORMAT_KEYS: dict[str, tuple[str, ...]] = {
    "instructions": JSONL_KEYS,
    "alpaca": ("id", "instruction", "input", "output", "system", "history"),
    "messages": ("id", "messages"),
    "sharegpt": ("id", "conversations"),
}

_SHAREGPT_ROLE = {"system": "system", "user": "human", "assistant": "gpt"}
_MESSAGE = pl.Struct({"role": pl.String, "content": pl.String})
_SHAREGPT_TURN = pl.Struct({"from": pl.String, "value": pl.String})


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {FORMATS}")


def _prepared(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns every format is built from, nulls made explicit: ``input`` and ``history``
    empty when missing, ``system`` null when missing or blank. History must alternate user and
    assistant turns, starting with the user: that is what every shape below assumes."""
    prepared = frame.select(
        pl.col("example_id").alias("id"),
        "instruction",
        pl.col("input").fill_null(""),
        "response",
        pl.when(pl.col("system").str.strip_chars() != "").then(pl.col("system")).alias("system"),
        pl.col("history").fill_null(pl.lit([], dtype=pl.List(_MESSAGE))),
    )
    expected_role = (
        pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("user")).otherwise(pl.lit("assistant"))
    )
    well_formed = (pl.col("history").list.len() % 2 == 0) & pl.col("history").list.eval(
        (pl.element().struct.field("role") == expected_role).all()
    ).list.first().fill_null(True)
    broken = prepared.filter(~well_formed)
    if broken.height:
        raise ValueError(
            f"{broken.height} example(s) with a history that is not user/assistant pairs, "
            f"e.g. {broken['id'][0]!r}"
        )
    return prepared


def _user_text() -> pl.Expr:
    return (
        pl.when(pl.col("input") != "")
        .then(pl.col("instruction") + "\n\n" + pl.col("input"))
        .otherwise(pl.col("instruction"))
    )


def _conversation(
    role_field: str, text_field: str, roles: dict[str, str], dtype: pl.Struct
) -> pl.Expr:
    """[system?, history..., user, assistant] as a list of ``{role_field, text_field}``."""

    def turn(role: str, content: pl.Expr) -> pl.Expr:
        return pl.struct(pl.lit(roles[role]).alias(role_field), content.alias(text_field))

    system = (
        pl.when(pl.col("system").is_not_null())
        .then(pl.concat_list(turn("system", pl.col("system"))))
        .otherwise(pl.lit([], dtype=pl.List(dtype)))
    )
    history = pl.col("history").list.eval(
        pl.struct(
            pl.element().struct.field("role").replace_strict(roles).alias(role_field),
            pl.element().struct.field("content").alias(text_field),
        )
    )
    return pl.concat_list(
        system,
        history.cast(pl.List(dtype)),
        turn("user", _user_text()),
        turn("assistant", pl.col("response")),
    )


def _alpaca_history(prepared: pl.DataFrame) -> pl.Series:
    """History as ``[[user, assistant], ...]``: consecutive turns paired by position."""
    pairs = (
        prepared.select(pl.int_range(pl.len()).alias("row"), "history")
        .explode("history")
        .drop_nulls("history")
        .with_columns((pl.int_range(pl.len()).over("row") // 2).alias("pair"))
        .group_by("row", "pair", maintain_order=True)
        .agg(pl.col("history").struct.field("content"))
        .group_by("row", maintain_order=True)
        .agg(pl.col("content").alias("history"))
    )
    rows = pl.DataFrame({"row": range(prepared.height)}, schema={"row": pairs.schema["row"]})
    return (
        rows.join(pairs, on="row", how="left", maintain_order="left")
        .get_column("history")
        .fill_null(pl.lit([], dtype=pl.List(pl.List(pl.String))))
        .cast(pl.List(pl.List(pl.String)))
    )


def records(frame: pl.DataFrame, fmt: str) -> pl.DataFrame:
    """The lines of ``fmt`` as a frame, one row per example, columns in the published order."""
    _check_format(fmt)
    prepared = _prepared(frame)
    if fmt == "instructions":
        return prepared.select(JSONL_KEYS)
    if fmt == "alpaca":
        return prepared.select(
            "id",
            "instruction",
            "input",
            pl.col("response").alias("output"),
            pl.col("system").fill_null(""),
            _alpaca_history(prepared).alias("history"),
        )
    if fmt == "messages":
        roles = {"system": "system", "user": "user", "assistant": "assistant"}
        return prepared.select(
            "id", _conversation("role", "content", roles, _MESSAGE).alias("messages")
        )
    return prepared.select(
        "id",
        _conversation("from", "value", _SHAREGPT_ROLE, _SHAREGPT_TURN).alias("conversations"),
    )


def write_format(frame: pl.DataFrame, fmt: str, path: Path) -> None:
    """Write ``frame`` (canonical examples) as ``fmt`` to ``path``, atomically: the partial file
    is fsynced and must read back without a problem before it replaces ``path``."""
    lines = records(frame, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        lines.write_ndjson(partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        count, problems = validate_format(partial, fmt)
        if problems or count != lines.height:
            found = "; ".join(problems[:5]) or f"{count} lines instead of {lines.height}"
            raise ValueError(f"{path.name} did not read back as {fmt}: {found}")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_pairs(history: Any) -> list[str]:
    if not isinstance(history, list):
        return ["'history' is not a list"]
    problems = []
    for index, pair in enumerate(history):
        if not (isinstance(pair, list) and len(pair) == 2 and all(map(_is_text, pair))):
            problems.append(f"history pair {index} is not [user text, assistant text]")
    return problems


def _check_turns(
    turns: Any,
    role_field: str,
    text_field: str,
    user: str,
    assistant: str,
    *,
    allow_system: bool = True,
    name: str = "turn",
) -> list[str]:
    """An optional leading system turn, then user/assistant alternating, ending with the
    assistant; every turn with text."""
    if not isinstance(turns, list) or not turns:
        return [f"no {name}s"]
    if not all(
        isinstance(turn, dict) and tuple(turn) == (role_field, text_field) for turn in turns
    ):
        return [f"a {name} without exactly the keys ({role_field!r}, {text_field!r})"]
    problems = []
    roles = [turn[role_field] for turn in turns]
    if allow_system and roles[0] == "system":
        roles = roles[1:]
    expected = [user if index % 2 == 0 else assistant for index in range(len(roles))]
    if not roles or roles != expected or roles[-1] != assistant:
        problems.append(
            f"roles {roles} do not alternate {user}/{assistant} ending with {assistant}"
        )
    for index, turn in enumerate(turns):
        if not _is_text(turn[text_field]):
            problems.append(f"{name} {index} has no text")
    return problems


def _check_instructions(record: dict[str, Any]) -> list[str]:
    problems = [
        f"'{field}' is empty or not text"
        for field in ("id", "instruction", "response")
        if not _is_text(record[field])
    ]
    if not isinstance(record["input"], str):
        problems.append("'input' is not text")
    if record["system"] is not None and not isinstance(record["system"], str):
        problems.append("'system' is neither text nor null")
    history = record["history"]
    if history:
        if not isinstance(history, list):
            return [*problems, "'history' is not a list"]
        # The history must be complete exchanges, so the final user turn follows an assistant.
        problems += _check_turns(
            history, "role", "content", "user", "assistant", allow_system=False, name="history turn"
        )
    elif history is None:
        problems.append("'history' is null")
    return problems


def _check_alpaca(record: dict[str, Any]) -> list[str]:
    problems = [
        f"'{field}' is empty or not text"
        for field in ("id", "instruction", "output")
        if not _is_text(record[field])
    ]
    problems += [
        f"'{field}' is not text"
        for field in ("input", "system")
        if not isinstance(record[field], str)
    ]
    return problems + _check_pairs(record["history"])


def _check_messages(record: dict[str, Any]) -> list[str]:
    problems = [] if _is_text(record["id"]) else ["'id' is empty or not text"]
    return problems + _check_turns(record["messages"], "role", "content", "user", "assistant")


def _check_sharegpt(record: dict[str, Any]) -> list[str]:
    problems = [] if _is_text(record["id"]) else ["'id' is empty or not text"]
    return problems + _check_turns(record["conversations"], "from", "value", "human", "gpt")


_CHECKS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "instructions": _check_instructions,
    "alpaca": _check_alpaca,
    "messages": _check_messages,
    "sharegpt": _check_sharegpt,
}


def validate_format(path: Path, fmt: str, limit: int = 20) -> tuple[int, list[str]]:
    """Read a written file back: (lines, problems). Every line must be a UTF-8 JSON object with
    exactly the keys of ``fmt`` in order, text where text is due and turns in a valid order.
    At most ``limit`` problems are reported; every line is counted."""
    _check_format(fmt)
    keys, check = FORMAT_KEYS[fmt], _CHECKS[fmt]
    problems: list[str] = []
    lines = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            lines += 1
            if len(problems) >= limit:
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                problems.append(f"line {number}: not a UTF-8 JSON object: {error}")
                continue
            if not isinstance(record, dict) or tuple(record) != keys:
                found = tuple(record) if isinstance(record, dict) else type(record).__name__
                problems.append(f"line {number}: keys {found} instead of {keys}")
                continue
            problems += [f"line {number}: {problem}" for problem in check(record)]
    return lines, problems[:limit]
