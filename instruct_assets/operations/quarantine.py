"""Quarantine: add an example, or a text pattern, to the reviewed blocklist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from instruct_assets.operations.blocklist import Blocklist
from instruct_assets.operations.trace import Tables, resolve


def quarantine(
    data_dir: Path, query: str, *, reason: str, reviewer: str, as_pattern: bool = False
) -> str:
    """Block what ``query`` finds; returns what was added. The next rebuild drops it (and its
    near duplicates) with reason ``blocklisted``."""
    path = data_dir / "config" / "blocklist.yaml"
    blocklist = Blocklist.load(path)
    today = dt.date.today().isoformat()
    if as_pattern:
        blocklist.patterns.append(
            {"text": query, "reason": reason, "reviewer": reviewer, "added": today}
        )
        blocklist.save(path)
        return f"blocked every example containing {query!r} ({path})"
    tables = Tables(data_dir, data_dir / "raw")
    records = resolve(tables, query)
    if not records:
        raise SystemExit(f"nothing matches {query!r}: nothing was blocked")
    if len(records) > 1 and not _is_id(query):
        listing = ", ".join(records[:10])
        raise SystemExit(
            f"{len(records)} examples match {query!r} ({listing}...): quote an id, "
            "a line number, or use --pattern to block them all"
        )
    known = {entry.get("record_id") for entry in blocklist.entries}
    added = []
    for record in records:
        if record in known:
            continue
        row = _example(tables, record)
        blocklist.entries.append(
            {
                "record_id": record,
                "example_id": row.get("example_id"),
                "source": f"{row.get('source_file')} {row.get('source_locator')}",
                "text": "\n".join(
                    str(row.get(key) or "") for key in ("instruction", "input")
                ).strip(),
                "reason": reason,
                "reviewer": reviewer,
                "added": today,
            }
        )
        added.append(record)
    blocklist.save(path)
    return f"blocked {', '.join(added) or 'nothing new'} ({path})"


def _is_id(query: str) -> bool:
    return len(query.strip()) == 16


def _example(tables: Tables, record: str) -> dict[str, object]:
    for name in ("normalized_examples", "candidate_examples"):
        rows = tables.rows(name, "record_id", [record])
        if not rows.is_empty():
            return rows.row(0, named=True)
    rows = tables.rows("rejected_examples", "record_id", [record])
    return rows.row(0, named=True) if not rows.is_empty() else {"record_id": record}
