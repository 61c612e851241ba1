"""Ingest: every raw file of one source kind into canonical example and rejection tables.

Provenance is added here, once: the source's name, licence, origin and generator from the
catalogue, the file path relative to the raw folder, and both ids.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from instruct_assets.catalogue import Catalogue, SourceSpec, raw_files
from instruct_assets.readers import ReadResult, read_file
from instruct_assets.schema import (
    EXAMPLE_SCHEMA,
    REJECTION_SCHEMA,
    SourceKind,
    example_id,
    record_id,
)

INGEST_STAGE = "ingest"

FILE_REPORT_SCHEMA = pl.Schema(
    {
        "source_name": pl.String,
        "source_file": pl.String,
        "format": pl.String,
        "bytes": pl.Int64,
        "sha256": pl.String,
        "records_read": pl.Int64,
        "examples": pl.Int64,
        "rejected": pl.Int64,
    }
)


@dataclass(frozen=True, slots=True)
class IngestResult:
    examples: pl.DataFrame
    rejections: pl.DataFrame
    files: pl.DataFrame
    """One row per file: what was read from it and what became of it."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _example_rows(result: ReadResult, spec: SourceSpec, source_file: str) -> list[dict]:
    rows = []
    for draft in result.examples:
        history = [{"role": turn.role, "content": turn.content} for turn in draft.history]
        rows.append(
            {
                "example_id": example_id(
                    draft.instruction, draft.input, draft.response, history, draft.system
                ),
                "record_id": record_id(source_file, draft.locator),
                "instruction": draft.instruction,
                "input": draft.input,
                "response": draft.response,
                "history": history,
                "system": draft.system,
                "source_kind": spec.kind.value,
                "origin": spec.effective_origin.value,
                "source_name": spec.name,
                "source_file": source_file,
                "source_locator": draft.locator,
                "license": spec.license,
                "generator": spec.generator,
                "conversion": draft.conversion,
            }
        )
    return rows


def _rejection_rows(result: ReadResult, spec: SourceSpec, source_file: str) -> list[dict]:
    return [
        {
            "record_id": record_id(source_file, rejection.locator),
            "example_id": None,
            "source_kind": spec.kind.value,
            "source_name": spec.name,
            "source_file": source_file,
            "source_locator": rejection.locator,
            "stage": INGEST_STAGE,
            "rule": rejection.rule,
            "reason": rejection.reason,
            "value": None,
            "threshold": None,
            "related_id": None,
            "raw_record": rejection.raw_record,
        }
        for rejection in result.rejections
    ]


def ingest_kind(raw_dir: Path, catalogue: Catalogue, kind: SourceKind) -> IngestResult:
    """Read every file of one kind. Raises :class:`~instruct_assets.readers.FileReadError`
    for a file that cannot be read at all."""
    examples: list[dict] = []
    rejections: list[dict] = []
    files: list[dict] = []
    for path in raw_files(raw_dir, kind):
        source_file = path.relative_to(raw_dir).as_posix()
        spec = catalogue.source_for(source_file, kind)
        result = read_file(path, kind, shape=spec.shape, columns=spec.columns, subject=spec.subject)
        examples += _example_rows(result, spec, source_file)
        rejections += _rejection_rows(result, spec, source_file)
        files.append(
            {
                "source_name": spec.name,
                "source_file": source_file,
                "format": result.format,
                "bytes": path.stat().st_size,
                "sha256": file_sha256(path),
                "records_read": result.records_read,
                "examples": len(result.examples),
                "rejected": len(result.rejections),
            }
        )
    return IngestResult(
        examples=pl.DataFrame(examples, schema=EXAMPLE_SCHEMA),
        rejections=pl.DataFrame(rejections, schema=REJECTION_SCHEMA),
        files=pl.DataFrame(files, schema=FILE_REPORT_SCHEMA),
    )


def accounting_problems(files: pl.DataFrame) -> pl.DataFrame:
    """Files where records read differs from examples kept plus records rejected."""
    return files.filter(pl.col("records_read") != pl.col("examples") + pl.col("rejected"))
