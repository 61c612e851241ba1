"""The raw record behind a locator, read again from its file as the reader saw it."""

from __future__ import annotations

import re
from pathlib import Path

from instruct_assets.readers.formats import FileFormat, detect_format
from instruct_assets.readers.records import iter_records

CONTEXT_LINES = 12
_LINE = re.compile(r"\bline (\d+)\b")


def raw_record(raw_dir: Path, source_file: str, locator: str) -> str:
    """The text of the record at ``locator`` in ``raw_dir/source_file``: the record itself for
    structured files, the lines from its heading on for pages."""
    path = raw_dir / source_file
    if not path.is_file():
        return f"(the file {path} is no longer there)"
    file_format = detect_format(path)
    structured = file_format in (
        FileFormat.JSONL,
        FileFormat.JSON,
        FileFormat.CSV,
        FileFormat.TSV,
        FileFormat.PARQUET,
    )
    if structured:
        base = locator.split(" instance ")[0]
        for record in iter_records(path, file_format):  # type: ignore[arg-type]
            if record.locator == base:
                return record.raw
    match = _LINE.search(locator)
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    start = int(match.group(1)) if match else 1
    excerpt = lines[start - 1 : start - 1 + CONTEXT_LINES]
    return "\n".join(f"{start + offset:>6}  {line}" for offset, line in enumerate(excerpt))
