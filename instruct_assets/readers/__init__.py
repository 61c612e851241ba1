"""Pure readers: one raw file in, example drafts and rejections out. No Dagster here."""

from __future__ import annotations

from pathlib import Path

from instruct_assets.readers.docs import read_docs
from instruct_assets.readers.faq import read_faq
from instruct_assets.readers.formats import (
    MARKUP_FORMATS,
    TABULAR_FORMATS,
    FileFormat,
    detect_format,
)
from instruct_assets.readers.instruction_sets import Shape, read_instruction_set
from instruct_assets.readers.outcomes import ExampleDraft, ReadResult, Rejection, Turn
from instruct_assets.readers.pages import PageError
from instruct_assets.schema import SourceKind

__all__ = ["ExampleDraft", "FileReadError", "ReadResult", "Rejection", "Turn", "read_file"]

ACCEPTED_FORMATS: dict[SourceKind, frozenset[FileFormat]] = {
    SourceKind.HUMAN: TABULAR_FORMATS,
    SourceKind.SYNTHETIC: TABULAR_FORMATS,
    SourceKind.FAQ: TABULAR_FORMATS | MARKUP_FORMATS,
    SourceKind.DOCS: MARKUP_FORMATS,
}


class FileReadError(RuntimeError):
    """A file that cannot be read at all; the message names it."""


def _file_rejection(file_format: str, rule: str, reason: str) -> ReadResult:
    result = ReadResult(format=file_format)
    result.count_record()
    result.reject("file", rule, reason)
    return result


def read_file(
    path: Path,
    kind: SourceKind,
    *,
    shape: Shape | None = None,
    columns: dict[str, str] | None = None,
    subject: str | None = None,
) -> ReadResult:
    """Read one raw file of a source kind. Content defects become rejections; a file the
    operating system cannot read raises :class:`FileReadError` naming it."""
    file_format = detect_format(path)
    try:
        if file_format is None or file_format not in ACCEPTED_FORMATS[kind]:
            accepted = ", ".join(sorted(ACCEPTED_FORMATS[kind]))
            return _file_rejection(
                str(file_format or path.suffix or "none"),
                "unknown_format",
                f"{path.name}: not a format {kind} sources are read from ({accepted})",
            )
        if path.stat().st_size == 0 or not path.read_bytes().strip():
            return _file_rejection(str(file_format), "empty_file", f"{path.name} is empty")
        if kind is SourceKind.DOCS:
            return read_docs(path, file_format, subject)
        if kind is SourceKind.FAQ:
            return read_faq(path, file_format, columns)
        return read_instruction_set(path, file_format, shape, columns)
    except PageError as error:
        return _file_rejection(str(file_format), "malformed_page", f"{path.name}: {error}")
    except OSError as error:
        raise FileReadError(f"cannot read {path}: {error.strerror or error}") from error
