"""Decontamination: examples that share a word n-gram with an evaluation benchmark item.

Benchmarks are JSON Lines files (optionally gzipped) under ``data/eval/``; every text field of
an item counts. N-grams are 64-bit rolling hashes of word hashes (see ``shingles``), matched
with a join, so the check costs one pass over the examples. Each field is shingled on its own:
an n-gram never spans the boundary between instruction and response.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from instruct_assets.curation.shingles import ngram_hashes, row_words

ID_FIELDS = ("task_id", "id", "question_id", "idx")
CHUNK_ROWS = 100_000
MATCH_SCHEMA = pl.Schema(
    {"record_id": pl.String, "benchmark_item": pl.String, "shared_ngrams": pl.Int64}
)


@dataclass(frozen=True, slots=True)
class BenchmarkItem:
    item_id: str
    text: str


class BenchmarkError(ValueError):
    """A benchmark file that cannot be read; the message names the file and line."""


def benchmark_files(eval_dir: Path) -> list[Path]:
    if not eval_dir.is_dir():
        return []
    return sorted(
        path
        for path in eval_dir.rglob("*")
        if path.is_file() and path.name.endswith((".jsonl", ".jsonl.gz", ".json"))
    )


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _records(path: Path) -> list[tuple[str, object]]:
    """(locator, record) for a JSON Lines file (gzipped or not) or a JSON array."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        if path.name.endswith(".json"):
            try:
                document = json.load(handle)
            except json.JSONDecodeError as error:
                raise BenchmarkError(f"{path} line {error.lineno}: {error.msg}") from error
            items = document if isinstance(document, list) else [document]
            return [(f"item {number}", item) for number, item in enumerate(items, start=1)]
        records = []
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as error:
                raise BenchmarkError(f"{path} line {number}: {error.msg}") from error
        return records


def read_benchmark(path: Path, eval_dir: Path) -> list[BenchmarkItem]:
    """Items of one benchmark file, named ``<file>:<id>`` (or ``<file>:line N``)."""
    name = path.relative_to(eval_dir).as_posix()
    items = []
    for locator, record in _records(path):
        identifier = next(
            (str(record[key]) for key in ID_FIELDS if isinstance(record, dict) and key in record),
            locator,
        )
        items.append(BenchmarkItem(f"{name}:{identifier}", "\n".join(_strings(record))))
    return items


def load_benchmarks(eval_dir: Path) -> list[BenchmarkItem]:
    return [item for path in benchmark_files(eval_dir) for item in read_benchmark(path, eval_dir)]


def _field_ngrams(texts: pl.Series, n: int) -> pl.DataFrame:
    return ngram_hashes(row_words(texts, lexical_only=True), n)


def find_overlaps(
    examples: pl.DataFrame,
    benchmarks: list[BenchmarkItem],
    n: int,
    fields: list[str],
    min_shared: int = 1,
) -> pl.DataFrame:
    """For every example sharing at least ``min_shared`` ``n``-grams with one benchmark item:
    the item it shares most with, and how many n-grams."""
    if not benchmarks or examples.is_empty():
        return pl.DataFrame(schema=MATCH_SCHEMA)
    bench_grams = _field_ngrams(pl.Series([item.text for item in benchmarks]), n).unique()
    bench_grams = bench_grams.with_columns(
        pl.col("row")
        .replace_strict(
            dict(enumerate(item.item_id for item in benchmarks)), return_dtype=pl.String
        )
        .alias("benchmark_item")
    ).select("hash", "benchmark_item")
    bench_hashes = bench_grams["hash"].unique()
    # Field by field and chunk by chunk, keeping only n-grams a benchmark has: memory stays
    # proportional to a chunk, not to the whole table.
    found = []
    for start in range(0, examples.height, CHUNK_ROWS):
        chunk = examples.slice(start, CHUNK_ROWS)
        for field in fields:
            grams = _field_ngrams(chunk[field], n)
            found.append(
                grams.filter(pl.col("hash").is_in(bench_hashes.implode())).with_columns(
                    pl.col("row") + start
                )
            )
    matches = pl.concat(found, how="vertical").unique().join(bench_grams, on="hash")
    if matches.is_empty():
        return pl.DataFrame(schema=MATCH_SCHEMA)
    best = (
        matches.group_by("row", "benchmark_item")
        .agg(pl.len().alias("shared_ngrams"))
        .sort(["row", "shared_ngrams", "benchmark_item"], descending=[False, True, False])
        .group_by("row", maintain_order=True)
        .first()
        .filter(pl.col("shared_ngrams") >= min_shared)
    )
    record_ids = examples.select(pl.int_range(pl.len()).alias("row"), "record_id")
    return best.join(record_ids, on="row").select(
        "record_id", "benchmark_item", pl.col("shared_ngrams").cast(pl.Int64)
    )
