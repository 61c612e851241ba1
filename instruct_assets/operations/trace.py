"""The whole story of one example, from its raw line to its place in the published files.

Every stage table is keyed by ``record_id``, so tracing is a series of lookups: where it came
from, what it looked like raw, how it was normalised, what was measured, which rules fired,
which duplicates it has, what task it is, whether the balance picked it, and where it sits in
each published file. Dropped examples are traced the same way: their story ends in
``rejected_examples``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from instruct_assets.operations.raw_lookup import raw_record

HEX_ID = re.compile(r"^[0-9a-f]{16}$")
LINE_QUERY = re.compile(r"^(?:line\s*)?(\d+)$")
MAX_MATCHES = 5
SIGNAL_COLUMNS = (
    "task_type",
    "task_confidence",
    "quality_score",
    "response_words",
    "response_language",
    "is_refusal",
    "has_assistant_boilerplate",
    "references_unseen_content",
    "ends_mid_sentence",
    "echoes_prompt",
    "contains_secret",
    "email_addresses",
    "phone_numbers",
)


@dataclass(slots=True)
class Tables:
    """The stage tables and published files of one data folder."""

    data_dir: Path
    raw_dir: Path
    _cache: dict[str, pl.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pl.DataFrame:
        if name not in self._cache:
            path = self.data_dir / "tables" / f"{name}.parquet"
            self._cache[name] = pl.read_parquet(path) if path.exists() else pl.DataFrame()
        return self._cache[name]

    def rows(self, name: str, column: str, values: list[str]) -> pl.DataFrame:
        frame = self.table(name)
        if frame.is_empty() or column not in frame.columns:
            return frame
        return frame.filter(pl.col(column).is_in(values))

    @property
    def published(self) -> Path:
        return self.data_dir / "out" / "instructions.jsonl"


def resolve(tables: Tables, query: str) -> list[str]:
    """Record ids for an example id, a record id, a line of the published JSONL, or a
    fragment of text (instruction, input, response, or a rejected raw record)."""
    text = query.strip()
    line = LINE_QUERY.match(text.lower())
    if line and tables.published.exists():
        number = int(line.group(1))
        with tables.published.open(encoding="utf-8") as handle:
            for current, content in enumerate(handle, start=1):
                if current == number:
                    return resolve(tables, json.loads(content)["id"])
        return []
    if HEX_ID.match(text):
        found: list[str] = []
        for name in ("candidate_examples", "normalized_examples", "rejected_examples"):
            for column in ("record_id", "example_id"):
                found += (
                    tables.rows(name, column, [text]).get_column("record_id").to_list()
                    if column in tables.table(name).columns
                    else []
                )
        return list(dict.fromkeys(found))
    needle = text.lower()
    found = []
    candidates = tables.table("candidate_examples")
    if not candidates.is_empty():
        hits = candidates.filter(
            pl.concat_str(["instruction", "input", "response"], separator="\n")
            .str.to_lowercase()
            .str.contains(needle, literal=True)
        )
        found += hits["record_id"].to_list()
    rejected = tables.table("rejected_examples")
    if not rejected.is_empty():
        hits = rejected.filter(
            pl.col("raw_record").str.to_lowercase().str.contains(needle, literal=True)
        )
        found += hits["record_id"].to_list()
    return list(dict.fromkeys(found))


def _published_lines(path: Path, example_id: str) -> list[int]:
    if not path.exists():
        return []
    marker = f'"id":"{example_id}"'
    with path.open(encoding="utf-8") as handle:
        return [
            number
            for number, line in enumerate(handle, start=1)
            if marker in line.replace(" ", "")[:40]
        ]


def _section(title: str, body: str) -> str:
    return f"\n== {title}\n{body}"


def _frame_text(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "  (none)"
    with pl.Config(
        tbl_rows=50,
        fmt_str_lengths=200,
        tbl_width_chars=160,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        return str(frame)


def story(tables: Tables, record: str) -> str:
    """Everything known about one record, stage by stage, as text."""
    parts: list[str] = []
    origin = tables.rows("candidate_examples", "record_id", [record])
    rejected = tables.rows("rejected_examples", "record_id", [record])
    source = origin if not origin.is_empty() else rejected
    if source.is_empty():
        return f"record {record}: not found in the tables under {tables.data_dir}"
    first = source.row(0, named=True)
    parts.append(f"record {record}  ({first.get('source_kind')}, source {first['source_name']})")
    parts.append(
        _section(
            "raw record",
            f"{first['source_file']} at {first['source_locator']}\n"
            + raw_record(tables.raw_dir, first["source_file"], first["source_locator"]),
        )
    )
    if not origin.is_empty():
        example = origin.row(0, named=True)
        parts.append(
            _section(
                "as read",
                "\n".join(
                    f"  {key}: {str(example[key])[:400]!r}"
                    for key in (
                        "example_id",
                        "instruction",
                        "input",
                        "response",
                        "system",
                        "conversion",
                        "origin",
                        "license",
                        "generator",
                    )
                ),
            )
        )
        normalized = tables.rows("normalized_examples", "record_id", [record])
        if not normalized.is_empty():
            row = normalized.row(0, named=True)
            parts.append(
                _section(
                    "normalised",
                    f"  fired: {row['normalizations'] or 'nothing'}"
                    f"\n  example_id after normalisation: {row['example_id']}",
                )
            )
        signals = tables.rows("example_signals", "record_id", [record])
        if not signals.is_empty():
            columns = [column for column in SIGNAL_COLUMNS if column in signals.columns]
            row = signals.select(columns).row(0, named=True)
            parts.append(_section("signals", "\n".join(f"  {k}: {v}" for k, v in row.items())))
        decisions = tables.rows("rule_decisions", "record_id", [record])
        parts.append(
            _section(
                "rules that fired",
                _frame_text(
                    decisions.select("rule", "action", "reason", "value", "threshold")
                    if not decisions.is_empty()
                    else decisions
                ),
            )
        )
        clusters = tables.table("duplicate_clusters")
        if not clusters.is_empty():
            cluster_ids = clusters.filter(pl.col("record_id") == record)["cluster_id"].to_list()
            members = clusters.filter(pl.col("cluster_id").is_in(cluster_ids))
            parts.append(
                _section(
                    "duplicate cluster",
                    _frame_text(
                        members.select("cluster_id", "kind", "record_id", "is_keeper", "similarity")
                        if not members.is_empty()
                        else members
                    ),
                )
            )
        labels = tables.rows("task_labels", "record_id", [record])
        if not labels.is_empty():
            row = labels.row(0, named=True)
            parts.append(
                _section(
                    "task type",
                    f"  {row['task_type']} by rule {row['task_rule']}"
                    f" (confidence {row['task_confidence']}); verb "
                    f"{row['leading_verb']}, noun {row['object_noun']}",
                )
            )
    if not rejected.is_empty():
        row = rejected.row(0, named=True)
        parts.append(
            _section(
                "dropped",
                f"  stage {row['stage']}, rule {row['rule']}: "
                f"{row['reason']}"
                + (f"\n  related: {row['related_id']}" if row.get("related_id") else ""),
            )
        )
    balanced = tables.rows("balanced_examples", "record_id", [record])
    if not balanced.is_empty():
        example_id = balanced.row(0, named=True)["example_id"]
        out = tables.data_dir / "out"
        placements = [
            f"  {path.relative_to(out)}: line {', '.join(map(str, lines))}"
            for path in sorted(
                [
                    out / "instructions.jsonl",
                    *out.glob("*.jsonl"),
                    *(out / "splits").glob("*.jsonl"),
                ]
            )
            if (lines := _published_lines(path, example_id))
        ]
        parts.append(
            _section(
                "published",
                "\n".join(dict.fromkeys(placements))
                or "  selected, but no published file holds it yet",
            )
        )
    return "\n".join(parts)


def trace(data_dir: Path, raw_dir: Path, query: str) -> str:
    tables = Tables(data_dir, raw_dir)
    records = resolve(tables, query)
    if not records:
        return f"nothing matches {query!r} in {data_dir}"
    shown = records[:MAX_MATCHES]
    more = f"\n\n({len(records) - MAX_MATCHES} more matches)" if len(records) > MAX_MATCHES else ""
    return ("\n\n" + "-" * 72 + "\n").join(story(tables, record) for record in shown) + more
