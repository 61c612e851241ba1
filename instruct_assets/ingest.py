"""Ingest: every raw file of one source kind into canonical example and rejection tables.

Provenance is added here, once: the source's name, licence, origin and generator from the
catalogue, the file path relative to the raw folder, and both ids.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
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
        "from_cache": pl.Boolean,
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


def _code_version() -> str:
    """A hash of the code that decides what a file becomes: a cached read is only valid for
    the readers that made it."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(
        [
            *package.joinpath("readers").glob("*.py"),
            package / "ingest.py",
            package / "schema.py",
            package / "catalogue.py",
        ]
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def _cache_key(content_hash: str, spec: SourceSpec, source_file: str) -> str:
    settings = json.dumps(
        {"file": source_file, "content": content_hash, "code": CODE_VERSION, "spec": asdict(spec)},
        sort_keys=True,
        default=str,
    )
    return hashlib.blake2b(settings.encode(), digest_size=12).hexdigest()


def _read_cached(cache_dir: Path, key: str) -> tuple[pl.DataFrame, pl.DataFrame, dict] | None:
    report = cache_dir / f"{key}.json"
    if not report.exists():
        return None
    return (
        pl.read_parquet(cache_dir / f"{key}.examples.parquet"),
        pl.read_parquet(cache_dir / f"{key}.rejections.parquet"),
        json.loads(report.read_text(encoding="utf-8")),
    )


def _write_cached(
    cache_dir: Path, key: str, examples: pl.DataFrame, rejections: pl.DataFrame, report: dict
) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    for suffix, frame in (("examples", examples), ("rejections", rejections)):
        partial = cache_dir / f".{key}.{suffix}.partial"
        frame.write_parquet(partial)
        os.replace(partial, cache_dir / f"{key}.{suffix}.parquet")
    partial = cache_dir / f".{key}.json.partial"
    partial.write_text(json.dumps(report), encoding="utf-8")
    os.replace(partial, cache_dir / f"{key}.json")  # written last: its presence means complete


def ingest_kind(
    raw_dir: Path, catalogue: Catalogue, kind: SourceKind, cache_dir: Path | None = None
) -> IngestResult:
    """Read every file of one kind. With ``cache_dir``, a file whose content, source settings
    and reader code are unchanged is not read again: its rows come from the cache. Raises
    :class:`~instruct_assets.readers.FileReadError` for a file that cannot be read at all."""
    examples: list[pl.DataFrame] = []
    rejections: list[pl.DataFrame] = []
    files: list[dict] = []
    used: set[str] = set()
    for path in raw_files(raw_dir, kind):
        source_file = path.relative_to(raw_dir).as_posix()
        spec = catalogue.source_for(source_file, kind)
        content_hash = file_sha256(path)
        key = _cache_key(content_hash, spec, source_file)
        used.add(key)
        cached = _read_cached(cache_dir, key) if cache_dir else None
        if cached is not None:
            file_examples, file_rejections, report = cached
            report["from_cache"] = True
        else:
            result = read_file(
                path, kind, shape=spec.shape, columns=spec.columns, subject=spec.subject
            )
            file_examples = pl.DataFrame(
                _example_rows(result, spec, source_file), schema=EXAMPLE_SCHEMA
            )
            file_rejections = pl.DataFrame(
                _rejection_rows(result, spec, source_file), schema=REJECTION_SCHEMA
            )
            report = {
                "source_name": spec.name,
                "source_file": source_file,
                "format": result.format,
                "bytes": path.stat().st_size,
                "sha256": content_hash,
                "records_read": result.records_read,
                "examples": len(result.examples),
                "rejected": len(result.rejections),
                "from_cache": False,
            }
            if cache_dir:
                _write_cached(cache_dir, key, file_examples, file_rejections, report)
        examples.append(file_examples)
        rejections.append(file_rejections)
        files.append(report)
    if cache_dir and cache_dir.is_dir():
        for stale in cache_dir.iterdir():
            if stale.name.split(".")[0] not in used:
                stale.unlink(missing_ok=True)
    return IngestResult(
        examples=pl.concat([pl.DataFrame(schema=EXAMPLE_SCHEMA), *examples], how="vertical"),
        rejections=pl.concat([pl.DataFrame(schema=REJECTION_SCHEMA), *rejections], how="vertical"),
        files=pl.DataFrame(files, schema=FILE_REPORT_SCHEMA),
    )


def accounting_problems(files: pl.DataFrame) -> pl.DataFrame:
    """Files where records read differs from examples kept plus records rejected."""
    return files.filter(pl.col("records_read") != pl.col("examples") + pl.col("rejected"))
