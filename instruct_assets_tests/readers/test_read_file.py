"""read_file: dispatch by kind and format, empty and unknown files, unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from instruct_assets.readers import FileReadError, read_file
from instruct_assets.schema import SourceKind


def test_dispatch_instruction_set(read, fixture_path):
    result = read(fixture_path("instruction_sets/pairs.tsv"), SourceKind.SYNTHETIC)

    assert {e.conversion for e in result.examples} == {"instruction_response"}


def test_dispatch_faq_table_and_page(read, fixture_path):
    table = read(
        fixture_path("faq/faq_table.csv"), SourceKind.FAQ, columns={"question": "q", "answer": "a"}
    )
    page = read(fixture_path("faq/faq.md"), SourceKind.FAQ)

    assert {e.conversion for e in table.examples} == {"faq_table"}
    assert {e.conversion for e in page.examples} == {"faq_heading", "faq_bold_question"}
    assert page.format == "markdown"


def test_dispatch_docs(read, fixture_path):
    result = read(fixture_path("docs/streams.md"), SourceKind.DOCS, subject="Tidewater")

    assert "docs_page_explain" in {e.conversion for e in result.examples}


@pytest.mark.parametrize(
    ("name", "kind", "format_name", "accepted"),
    [
        ("notes.txt", SourceKind.HUMAN, ".txt", "csv, json, jsonl, parquet, tsv"),
        ("README", SourceKind.SYNTHETIC, "none", "csv, json, jsonl, parquet, tsv"),
        ("data.jsonl", SourceKind.DOCS, "jsonl", "html, markdown, rst"),
        ("page.md", SourceKind.HUMAN, "markdown", "csv, json, jsonl, parquet, tsv"),
    ],
)
def test_unknown_format_is_one_rejection(read, tmp_path: Path, name, kind, format_name, accepted):
    path = tmp_path / name
    path.write_text("something", encoding="utf-8")

    result = read(path, kind)

    assert result.format == format_name
    assert result.examples == []
    assert result.records_read == 1
    assert [(r.locator, r.rule, r.reason) for r in result.rejections] == [
        (
            "file",
            "unknown_format",
            f"{name}: not a format {kind} sources are read from ({accepted})",
        )
    ]


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n"])
@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("empty.jsonl", SourceKind.HUMAN),
        ("empty.parquet", SourceKind.SYNTHETIC),
        ("empty.md", SourceKind.DOCS),
        ("empty.html", SourceKind.FAQ),
    ],
)
def test_empty_file_is_one_rejection(read, tmp_path: Path, content, name, kind):
    path = tmp_path / name
    path.write_bytes(content)

    result = read(path, kind)

    assert result.examples == []
    assert [(r.locator, r.rule, r.reason) for r in result.rejections] == [
        ("file", "empty_file", f"{name} is empty")
    ]


def test_missing_file_raises_naming_it(tmp_path: Path):
    path = tmp_path / "gone.jsonl"

    with pytest.raises(FileReadError) as raised:
        read_file(path, SourceKind.HUMAN)

    assert str(path) in str(raised.value)
    assert "No such file or directory" in str(raised.value)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("dir.jsonl", SourceKind.HUMAN),
        ("dir.parquet", SourceKind.HUMAN),
        ("dir.md", SourceKind.DOCS),
    ],
)
def test_unreadable_file_raises_naming_it(tmp_path: Path, name, kind):
    path = tmp_path / name
    path.mkdir()  # exists, but reading it fails in the operating system

    with pytest.raises(FileReadError) as raised:
        read_file(path, kind)

    assert str(path) in str(raised.value)
    assert isinstance(raised.value.__cause__, OSError)


def test_every_fixture_keeps_the_accounting(read):
    """records_read == examples + rejections for every fixture file, read as each kind."""
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    files = sorted(path for path in fixtures.rglob("*") if path.is_file())
    assert len(files) >= 15
    for path in files:
        for kind in SourceKind:
            read(path, kind)
