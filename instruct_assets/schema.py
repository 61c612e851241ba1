"""The canonical example schema, defined once and kept by every stage.

Two ids, because they answer different questions:
- ``example_id`` hashes the normalised content (instruction, input, response, and the
  conversation context when there is one), so the same example gets the same id on every
  rebuild and exact duplicates from different files share it.
- ``record_id`` hashes where the example came from (file and locator), so every row of a
  stage table can be traced back to exactly one raw record, duplicates included.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum

import polars as pl


class SourceKind(StrEnum):
    FAQ = "faq"
    DOCS = "docs"
    HUMAN = "human"
    SYNTHETIC = "synthetic"


class Origin(StrEnum):
    """The three ways instruction data is made."""

    HUMAN = "human"
    CONVERTED = "converted"
    SYNTHETIC = "synthetic"


DEFAULT_ORIGIN: dict[SourceKind, Origin] = {
    SourceKind.FAQ: Origin.CONVERTED,
    SourceKind.DOCS: Origin.CONVERTED,
    SourceKind.HUMAN: Origin.HUMAN,
    SourceKind.SYNTHETIC: Origin.SYNTHETIC,
}

TURN = pl.Struct({"role": pl.String, "content": pl.String})

EXAMPLE_SCHEMA = pl.Schema(
    {
        "example_id": pl.String,
        "record_id": pl.String,
        "instruction": pl.String,
        "input": pl.String,
        "response": pl.String,
        "history": pl.List(TURN),
        "system": pl.String,
        "source_kind": pl.String,
        "origin": pl.String,
        "source_name": pl.String,
        "source_file": pl.String,
        "source_locator": pl.String,
        "license": pl.String,
        "generator": pl.String,
        "conversion": pl.String,
    }
)
"""``conversion`` names how the raw record became an example: the record shape of an
instruction set (``alpaca``, ``sharegpt`` ...) or the template that turned a FAQ entry or a
documentation section into a pair (``faq_heading``, ``docs_howto_heading`` ...)."""

REQUIRED_COLUMNS = (  # never null in any stage table
    "example_id",
    "record_id",
    "instruction",
    "input",
    "response",
    "source_kind",
    "origin",
    "source_name",
    "source_file",
    "source_locator",
    "license",
)

REJECTION_SCHEMA = pl.Schema(
    {
        "record_id": pl.String,
        "example_id": pl.String,
        "source_kind": pl.String,
        "source_name": pl.String,
        "source_file": pl.String,
        "source_locator": pl.String,
        "stage": pl.String,
        "rule": pl.String,
        "reason": pl.String,
        "value": pl.Float64,
        "threshold": pl.String,
        "related_id": pl.String,
        "raw_record": pl.String,
    }
)
"""One row for every raw record or example that did not make it, with the rule that stopped
it: what was measured (``value``) against what (``threshold``), and what it was matched with
(``related_id``: the kept duplicate's record id, or the benchmark item). ``raw_record`` keeps
the text as it was read (cut to a few KiB) when no example exists."""

_WHITESPACE = re.compile(r"\s+")
_FIELD_SEPARATOR = "\x1f"


def normalise_for_id(text: str | None) -> str:
    """The form of a field that identity is computed on: NFC, whitespace runs folded."""
    if not text:
        return ""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b(
        _FIELD_SEPARATOR.join(parts).encode("utf-8", "surrogatepass"), digest_size=8
    ).hexdigest()


def example_id(
    instruction: str,
    input_text: str,
    response: str,
    history: Iterable[Mapping[str, str]] = (),
    system: str | None = None,
) -> str:
    """Stable content id. Context (history, system) only counts when present, so a
    single-turn example's id depends on its instruction, input and response alone."""
    parts = [
        normalise_for_id(instruction),
        normalise_for_id(input_text),
        normalise_for_id(response),
    ]
    turns = [f"{turn['role']}:{normalise_for_id(turn['content'])}" for turn in history]
    if turns or system:
        parts += [normalise_for_id(system), *turns]
    return _digest(parts)


def record_id(source_file: str, source_locator: str) -> str:
    """Stable provenance id: the same raw record gets the same id on every rebuild."""
    return _digest([source_file, source_locator])
