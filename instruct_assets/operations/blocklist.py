"""The reviewed blocklist (``data/config/blocklist.yaml``) and what it blocks.

An entry blocks its example by id, and every near duplicate of its instruction and input (the
curation recipe's ``instruction_input`` index), so a reworded copy cannot slip back in. A pattern
blocks every example that contains its text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from instruct_assets.curation.lsh import near_duplicate_pairs
from instruct_assets.curation.recipe import Duplicates
from instruct_assets.curation.shingles import shingle


class BlocklistError(ValueError):
    """The blocklist file is malformed; the message names it."""


@dataclass(slots=True)
class Blocklist:
    entries: list[dict[str, Any]] = field(default_factory=list)
    patterns: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Blocklist:
        if not path.exists():
            return cls()
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise BlocklistError(f"{path}: not valid YAML: {error}") from error
        entries, patterns = document.get("entries") or [], document.get("patterns") or []
        for index, entry in enumerate(entries):
            if (
                not isinstance(entry, dict)
                or not entry.get("reason")
                or not (entry.get("example_id") or entry.get("record_id"))
            ):
                raise BlocklistError(f"{path}: entry {index + 1} needs an id and a reason")
        for index, pattern in enumerate(patterns):
            if (
                not isinstance(pattern, dict)
                or not pattern.get("text")
                or not pattern.get("reason")
            ):
                raise BlocklistError(f"{path}: pattern {index + 1} needs text and a reason")
        return cls(list(entries), list(patterns))

    def save(self, path: Path) -> None:
        header = "".join(
            line
            for line in (
                path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
            )
            if line.startswith("#")
        )
        body = yaml.safe_dump(
            {"entries": self.entries, "patterns": self.patterns},
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(header + body, encoding="utf-8")
        partial.replace(path)


def blocked_decisions(
    examples: pl.DataFrame, blocklist: Blocklist, duplicates: Duplicates
) -> pl.DataFrame:
    """Decision rows (the rule_decisions schema's columns) for every blocked example."""
    rows: list[dict[str, Any]] = []
    by_id = {}
    for entry in blocklist.entries:
        for key in ("example_id", "record_id"):
            if entry.get(key):
                by_id[(key, entry[key])] = entry
    for row in examples.select("record_id", "example_id").iter_rows(named=True):
        entry = by_id.get(("record_id", row["record_id"])) or by_id.get(
            ("example_id", row["example_id"])
        )
        if entry:
            rows.append(
                _row(
                    row,
                    f"blocklisted by {entry.get('reviewer', 'a reviewer')}: {entry['reason']}",
                    1.0,
                    entry.get("record_id"),
                )
            )
    texts = pl.concat_str(["instruction", "input", "response"], separator="\n").str.to_lowercase()
    for pattern in blocklist.patterns:
        hits = examples.filter(texts.str.contains(str(pattern["text"]).lower(), literal=True))
        for row in hits.select("record_id", "example_id").iter_rows(named=True):
            rows.append(
                _row(
                    row,
                    f"contains blocked text {pattern['text']!r}: {pattern['reason']}",
                    1.0,
                    None,
                )
            )
    rows += _near_duplicates(examples, blocklist, duplicates)
    return pl.DataFrame(rows, schema=_SCHEMA).unique("record_id", keep="first", maintain_order=True)


_SCHEMA = {
    "record_id": pl.String,
    "example_id": pl.String,
    "reason": pl.String,
    "value": pl.Float64,
    "related_id": pl.String,
}


def _row(row: dict[str, Any], reason: str, value: float, related: str | None) -> dict[str, Any]:
    return {
        "record_id": row["record_id"],
        "example_id": row["example_id"],
        "reason": reason,
        "value": value,
        "related_id": related,
    }


def _near_duplicates(
    examples: pl.DataFrame, blocklist: Blocklist, duplicates: Duplicates
) -> list[dict[str, Any]]:
    index = duplicates.near.get("instruction_input")
    texted = [entry for entry in blocklist.entries if entry.get("text")]
    if index is None or not texted or examples.is_empty():
        return []
    fields = list(index.fields)
    example_texts = examples.select(pl.concat_str(fields, separator="\n")).to_series()
    texts = pl.concat([example_texts, pl.Series([entry["text"] for entry in texted])])
    pairs, similarity = near_duplicate_pairs(
        shingle(texts, index.ngram), index.threshold, duplicates.num_perm, duplicates.seed
    )
    rows = []
    size = examples.height
    for (first, second), value in zip(pairs.tolist(), similarity.tolist(), strict=True):
        low, high = sorted((first, second))
        if low < size <= high:
            entry = texted[high - size]
            rows.append(
                _row(
                    examples.row(low, named=True),
                    f"near duplicate ({value:.2f}) of blocklisted record "
                    f"{entry.get('record_id')}: {entry['reason']}",
                    value,
                    entry.get("record_id"),
                )
            )
    return rows
