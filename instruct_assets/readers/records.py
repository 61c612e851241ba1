"""Structured files (JSON Lines, JSON, CSV/TSV, Parquet) as a stream of located records.

Each record comes with a locator a person can follow (``line 12``, ``item 3 line 40``,
``row 5 line 7``) and either its value or the reason it could not be read. A defect costs the
record it is in, never the file, except where the format makes the rest unreadable (a JSON
syntax error ends the array; the remainder is rejected as one record that says so).
"""

from __future__ import annotations

import bisect
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from instruct_assets.readers.formats import (
    FileFormat,
    decode_text,
    has_undecodable,
    undecodable_reason,
)


@dataclass(frozen=True, slots=True)
class RawRecord:
    locator: str
    value: dict[str, Any] | None
    raw: str
    error_rule: str = ""
    error_reason: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None


def _failed(locator: str, raw: str, rule: str, reason: str) -> RawRecord:
    return RawRecord(locator, None, raw, rule, reason)


def iter_records(path: Path, file_format: FileFormat) -> Iterator[RawRecord]:
    """Records of a structured file, in file order."""
    if file_format is FileFormat.PARQUET:
        yield from _parquet_records(path)
        return
    data = path.read_bytes()
    if file_format is FileFormat.JSONL:
        yield from _jsonl_records(data)
    elif file_format is FileFormat.JSON:
        yield from _json_records(decode_text(data))
    elif file_format in (FileFormat.CSV, FileFormat.TSV):
        delimiter = "\t" if file_format is FileFormat.TSV else ","
        yield from _csv_records(decode_text(data), delimiter)
    else:
        raise ValueError(f"{file_format} is not a structured record format")


def _as_object(locator: str, raw: str, value: object) -> RawRecord:
    if isinstance(value, dict):
        return RawRecord(locator, value, raw)
    return _failed(
        locator, raw, "wrong_type", f"expected a JSON object, found {type(value).__name__}"
    )


def _jsonl_records(data: bytes) -> Iterator[RawRecord]:
    data = data.removeprefix(b"\xef\xbb\xbf")
    for line_number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        locator = f"line {line_number}"
        text = decode_text(line)
        if has_undecodable(text):
            yield _failed(locator, text, "undecodable_bytes", undecodable_reason(text))
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            yield _failed(locator, text, "malformed_json", f"{error.msg} at column {error.colno}")
            continue
        yield _as_object(locator, text, value)


class _LineIndex:
    """Character offset to 1-based line number."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        position = text.find("\n")
        while position != -1:
            self._starts.append(position + 1)
            position = text.find("\n", position + 1)

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def _skip_whitespace(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_records(text: str) -> Iterator[RawRecord]:
    """A JSON array of records (decoded item by item, so each carries its line), an object
    holding one such array (``{"data": [...]}``), or a single record object."""
    start = _skip_whitespace(text, 0)
    if text.startswith("[", start):
        yield from _json_array_items(text, start + 1)
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        yield _failed(
            f"line {error.lineno}",
            text,
            "malformed_json",
            f"{error.msg} at line {error.lineno} column {error.colno}: the file is not JSON",
        )
        return
    arrays = (
        [value for value in document.values() if isinstance(value, list)]
        if isinstance(document, dict)
        else []
    )
    if len(arrays) == 1 and any(isinstance(item, dict) for item in arrays[0]):
        for index, item in enumerate(arrays[0], start=1):
            raw = json.dumps(item, ensure_ascii=False)
            if has_undecodable(raw):
                yield _failed(f"item {index}", raw, "undecodable_bytes", undecodable_reason(raw))
            else:
                yield _as_object(f"item {index}", raw, item)
        return
    yield _as_object("item 1", text, document)


def _json_array_items(text: str, position: int) -> Iterator[RawRecord]:
    decoder = json.JSONDecoder()
    lines = _LineIndex(text)
    index = 0
    while True:
        position = _skip_whitespace(text, position)
        if text.startswith("]", position):
            return
        index += 1
        locator = f"item {index} line {lines.line(position)}"
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield _failed(
                locator,
                text[position : position + 2000],
                "malformed_json",
                f"{error.msg} at line {error.lineno} column {error.colno}; "
                "the rest of the array could not be read",
            )
            return
        raw = text[position:end]
        if has_undecodable(raw):
            yield _failed(locator, raw, "undecodable_bytes", undecodable_reason(raw))
        else:
            yield _as_object(locator, raw, value)
        position = _skip_whitespace(text, end)
        if text.startswith(",", position):
            position += 1
        elif not text.startswith("]", position):
            yield _failed(
                f"item {index + 1} line {lines.line(position)}",
                text[position : position + 2000],
                "malformed_json",
                "expected ',' or ']' between array items; the rest of the array could not be read",
            )
            return


def _csv_records(text: str, delimiter: str) -> Iterator[RawRecord]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    row_number = 0
    next_line = 1
    while True:
        first_line = next_line
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            next_line = reader.line_num + 1
            row_number += 1
            yield _failed(f"row {row_number} line {first_line}", "", "malformed_csv", str(error))
            continue
        next_line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            continue
        row_number += 1
        locator = f"row {row_number} line {first_line}"
        raw = delimiter.join(row)
        if has_undecodable(raw):
            yield _failed(locator, raw, "undecodable_bytes", undecodable_reason(raw))
        elif len(row) != len(header):
            yield _failed(
                locator,
                raw,
                "wrong_field_count",
                f"row has {len(row)} fields, the header has {len(header)}",
            )
        else:
            yield RawRecord(locator, dict(zip(header, row, strict=True)), raw)


def _parquet_records(path: Path) -> Iterator[RawRecord]:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as error:
        if isinstance(error, FileNotFoundError | PermissionError):
            raise
        yield _failed("file", "", "unreadable_parquet", f"not a readable Parquet file: {error}")
        return
    for index, row in enumerate(frame.iter_rows(named=True), start=1):
        yield RawRecord(f"row {index}", row, json.dumps(row, ensure_ascii=False, default=str))
