"""Metadata the UI shows for every table asset: row count, schema, preview, counts."""

from __future__ import annotations

from typing import Any

import polars as pl
from dagster import MetadataValue, TableColumn, TableSchema

PREVIEW_ROWS = 5
PREVIEW_CHARS = 80


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def markdown_table(frame: pl.DataFrame, limit: int = 50) -> str:
    if frame.is_empty():
        return "_none_"
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = [
        "| " + " | ".join(_cell(value) for value in row) + " |"
        for row in frame.head(limit).iter_rows()
    ]
    more = [f"\n_{frame.height - limit} more rows_"] if frame.height > limit else []
    return "\n".join([header, rule, *rows, *more])


def column_schema(schema: pl.Schema) -> TableSchema:
    return TableSchema(columns=[TableColumn(name, str(dtype)) for name, dtype in schema.items()])


def counts(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    return (
        frame.group_by(list(columns))
        .len("rows")
        .sort(["rows", *columns], descending=[True] + [False] * len(columns))
    )


def table_metadata(frame: pl.DataFrame, preview_columns: tuple[str, ...] = ()) -> dict[str, Any]:
    preview = frame.select(list(preview_columns)) if preview_columns else frame
    metadata: dict[str, Any] = {
        "dagster/row_count": frame.height,
        "dagster/column_schema": column_schema(frame.schema),
        "preview": MetadataValue.md(markdown_table(preview, PREVIEW_ROWS)),
    }
    if "source_file" in frame.columns:
        metadata["rows_per_source_file"] = MetadataValue.md(
            markdown_table(counts(frame, "source_name", "source_file"))
        )
    return metadata
