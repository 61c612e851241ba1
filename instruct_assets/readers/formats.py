"""File formats, recognised by file name, and the checks every file passes before parsing."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

_UNDECODABLE = re.compile("[\udc80-\udcff]")


class FileFormat(StrEnum):
    JSONL = "jsonl"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    PARQUET = "parquet"
    MARKDOWN = "markdown"
    RST = "rst"
    HTML = "html"


_SUFFIXES: dict[str, FileFormat] = {
    ".jsonl": FileFormat.JSONL,
    ".ndjson": FileFormat.JSONL,
    ".json": FileFormat.JSON,
    ".csv": FileFormat.CSV,
    ".tsv": FileFormat.TSV,
    ".parquet": FileFormat.PARQUET,
    ".md": FileFormat.MARKDOWN,
    ".markdown": FileFormat.MARKDOWN,
    ".rst": FileFormat.RST,
    ".html": FileFormat.HTML,
    ".htm": FileFormat.HTML,
}

TABULAR_FORMATS = frozenset(
    {FileFormat.JSONL, FileFormat.JSON, FileFormat.CSV, FileFormat.TSV, FileFormat.PARQUET}
)
MARKUP_FORMATS = frozenset({FileFormat.MARKDOWN, FileFormat.RST, FileFormat.HTML})


def detect_format(path: Path) -> FileFormat | None:
    """The format a file name announces, or None. ``page.rst.txt`` (as Sphinx publishes its
    sources) counts as reStructuredText."""
    name = path.name.lower()
    if name.endswith(".rst.txt"):
        return FileFormat.RST
    return _SUFFIXES.get(path.suffix.lower())


def decode_text(data: bytes) -> str:
    """UTF-8 text with undecodable bytes kept as lone surrogates, so one bad byte costs one
    record (found with :func:`has_undecodable`) rather than the whole file."""
    return data.decode("utf-8-sig", errors="surrogateescape")


def has_undecodable(text: str) -> bool:
    return _UNDECODABLE.search(text) is not None


def undecodable_reason(text: str) -> str:
    found = _UNDECODABLE.search(text)
    if found is None:
        return "text is not valid UTF-8"
    byte = ord(found.group()) - 0xDC00
    return f"byte 0x{byte:02x} at column {found.start() + 1} is not valid UTF-8"


def printable(text: str) -> str:
    """Text safe to store and show: undecodable bytes as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
