"""Structured loaders: JSON Lines, JSON, CSV/TSV and Parquet as located records."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from instruct_assets.readers.formats import FileFormat, detect_format
from instruct_assets.readers.records import iter_records
from instruct_assets.schema import SourceKind


def by_locator(items):
    return {item.locator: item for item in items}


# --- JSON Lines -------------------------------------------------------------------------


def test_jsonl_fixture_outcomes_per_line(read, fixture_path):
    result = read(fixture_path("instruction_sets/alpaca.jsonl"), SourceKind.HUMAN)

    assert result.format == "jsonl"
    # Line 2 is blank: skipped, not a record.
    assert result.records_read == 7
    assert [e.locator for e in result.examples] == ["line 1", "line 3", "line 8"]
    assert [(r.locator, r.rule) for r in result.rejections] == [
        ("line 4", "malformed_json"),
        ("line 5", "wrong_type"),
        ("line 6", "missing_field"),
        ("line 7", "wrong_type"),
    ]


def test_jsonl_malformed_line_names_the_column(read, fixture_path):
    result = read(fixture_path("instruction_sets/alpaca.jsonl"), SourceKind.HUMAN)
    rejection = by_locator(result.rejections)["line 4"]

    assert rejection.rule == "malformed_json"
    assert rejection.reason == "Expecting ',' delimiter at column 98"
    assert rejection.raw_record.startswith('{"instruction": "Summarise the text."')


def test_jsonl_non_object_line_is_wrong_type(read, fixture_path):
    result = read(fixture_path("instruction_sets/alpaca.jsonl"), SourceKind.HUMAN)
    rejection = by_locator(result.rejections)["line 5"]

    assert rejection.rule == "wrong_type"
    assert rejection.reason == "expected a JSON object, found list"
    assert rejection.raw_record == '["not", "an", "object"]'


def test_jsonl_blank_lines_are_not_records(tmp_path: Path):
    path = tmp_path / "blank.jsonl"
    path.write_text('\n{"a": 1}\n   \n\t\n{"a": 2}\n\n', encoding="utf-8")

    records = list(iter_records(path, FileFormat.JSONL))

    assert [(r.locator, r.value) for r in records] == [("line 2", {"a": 1}), ("line 5", {"a": 2})]


def test_jsonl_invalid_utf8_costs_only_its_line(read, tmp_path: Path):
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(
        b'{"instruction": "a", "output": "b"}\n'
        b'{"instruction": "caf\xe9", "output": "b"}\n'
        b'{"instruction": "c", "output": "d"}\n'
    )

    result = read(path, SourceKind.HUMAN)

    assert [(e.locator, e.instruction) for e in result.examples] == [
        ("line 1", "a"),
        ("line 3", "c"),
    ]
    assert len(result.rejections) == 1
    rejection = result.rejections[0]
    assert (rejection.locator, rejection.rule) == ("line 2", "undecodable_bytes")
    assert rejection.reason == "byte 0xe9 at column 21 is not valid UTF-8"
    # Stored text cannot hold lone surrogates: the bad byte is kept as U+FFFD.
    assert rejection.raw_record == '{"instruction": "caf\ufffd", "output": "b"}'


def test_jsonl_byte_order_mark_is_tolerated(read, tmp_path: Path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"instruction": "a", "output": "b"}\n')

    result = read(path, SourceKind.HUMAN)

    assert result.rejections == []
    assert [(e.locator, e.instruction, e.response) for e in result.examples] == [
        ("line 1", "a", "b")
    ]


def test_jsonl_crlf_line_endings(tmp_path: Path):
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(b'{"a": 1}\r\n{"a": 2}\r\n')

    records = list(iter_records(path, FileFormat.JSONL))

    assert [(r.locator, r.value) for r in records] == [("line 1", {"a": 1}), ("line 2", {"a": 2})]


# --- JSON -----------------------------------------------------------------------------


def test_json_array_items_carry_their_line(read, fixture_path):
    result = read(fixture_path("instruction_sets/alpaca.json"), SourceKind.SYNTHETIC)

    assert result.format == "json"
    assert [e.locator for e in result.examples] == [
        "item 1 line 2",
        "item 2 line 7",
        "item 4 line 13",
    ]
    assert [(r.locator, r.rule, r.reason) for r in result.rejections] == [
        ("item 3 line 12", "wrong_type", "expected a JSON object, found str")
    ]


def test_json_data_wrapper(read, fixture_path):
    result = read(fixture_path("instruction_sets/wrapped.json"), SourceKind.HUMAN)

    assert result.rejections == []
    assert [(e.locator, e.instruction, e.response, e.conversion) for e in result.examples] == [
        ("item 1", "Name a prime number.", "Seven.", "instruction_response"),
        ("item 2", "Name an even number.", "Four.", "instruction_response"),
    ]


def test_json_data_wrapper_with_one_bad_item_keeps_the_others(read, tmp_path: Path):
    """A defect costs the record it is in, never the file."""
    path = tmp_path / "wrapped_bad.json"
    path.write_text(
        '{"data": [{"instruction": "a", "output": "b"}, "oops", '
        '{"instruction": "c", "output": "d"}]}',
        encoding="utf-8",
    )

    result = read(path, SourceKind.HUMAN)

    assert [e.instruction for e in result.examples] == ["a", "c"]
    assert [(r.locator, r.rule) for r in result.rejections] == [("item 2", "wrong_type")]


def test_json_syntax_error_mid_array_keeps_earlier_items(read, fixture_path):
    result = read(fixture_path("instruction_sets/truncated.json"), SourceKind.HUMAN)

    assert [(e.locator, e.instruction) for e in result.examples] == [
        ("item 1 line 2", "First question?"),
        ("item 2 line 3", "Second question?"),
    ]
    # The third and fourth items are one rejected record, saying why.
    assert result.records_read == 3
    assert len(result.rejections) == 1
    rejection = result.rejections[0]
    assert (rejection.locator, rejection.rule) == ("item 3 line 4", "malformed_json")
    assert rejection.reason.endswith("the rest of the array could not be read")
    assert "at line 4 column 77" in rejection.reason
    assert "Fourth question?" in rejection.raw_record


def test_json_missing_comma_between_items(tmp_path: Path):
    path = tmp_path / "nocomma.json"
    path.write_text('[\n{"a": 1}\n{"a": 2}\n]\n', encoding="utf-8")

    records = list(iter_records(path, FileFormat.JSON))

    assert [(r.locator, r.value) for r in records[:1]] == [("item 1 line 2", {"a": 1})]
    assert [(r.locator, r.error_rule) for r in records[1:]] == [("item 2 line 3", "malformed_json")]
    assert records[1].error_reason.startswith("expected ',' or ']' between array items")


def test_json_single_object_and_empty_array(tmp_path: Path):
    single = tmp_path / "single.json"
    single.write_text('{"instruction": "a", "output": "b"}', encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text("[ ]", encoding="utf-8")

    assert [(r.locator, r.value) for r in iter_records(single, FileFormat.JSON)] == [
        ("item 1", {"instruction": "a", "output": "b"})
    ]
    assert list(iter_records(empty, FileFormat.JSON)) == []


def test_json_that_is_not_json_is_one_rejection(read, tmp_path: Path):
    path = tmp_path / "broken.json"
    path.write_text('{"instruction": "a",\n', encoding="utf-8")

    result = read(path, SourceKind.HUMAN)

    assert result.examples == []
    assert len(result.rejections) == 1
    assert result.rejections[0].rule == "malformed_json"
    assert result.rejections[0].reason.endswith("the file is not JSON")


def test_json_array_invalid_utf8_item(read, tmp_path: Path):
    path = tmp_path / "bytes.json"
    path.write_bytes(
        b'[\n{"instruction": "a", "output": "b"},\n{"instruction": "caf\xe9", "output": "b"}\n]'
    )

    result = read(path, SourceKind.HUMAN)

    assert [e.locator for e in result.examples] == ["item 1 line 2"]
    assert [(r.locator, r.rule) for r in result.rejections] == [
        ("item 2 line 3", "undecodable_bytes")
    ]


def test_json_byte_order_mark_is_tolerated(read, tmp_path: Path):
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf[{"instruction": "a", "output": "b"}]')

    result = read(path, SourceKind.HUMAN)

    assert result.rejections == []
    assert [e.locator for e in result.examples] == ["item 1 line 1"]


# --- CSV / TSV --------------------------------------------------------------------------


def test_csv_multiline_fields_have_first_line_locators(read, fixture_path):
    result = read(fixture_path("instruction_sets/dolly.csv"), SourceKind.HUMAN)

    assert result.format == "csv"
    examples = by_locator(result.examples)
    # Row 2 spans lines 3-4, row 3 lines 5-6, the short row 4 is line 7, line 8 is blank.
    assert list(examples) == ["row 1 line 2", "row 2 line 3", "row 3 line 5", "row 5 line 9"]
    assert examples["row 2 line 3"].input == (
        "The first line of the passage.\nThe second line of the passage."
    )
    assert examples["row 3 line 5"].response == "- apple\n- pear"


def test_csv_short_row_is_wrong_field_count(read, fixture_path):
    result = read(fixture_path("instruction_sets/dolly.csv"), SourceKind.HUMAN)

    assert [(r.locator, r.rule, r.reason) for r in result.rejections] == [
        ("row 4 line 7", "wrong_field_count", "row has 2 fields, the header has 4")
    ]


def test_csv_crlf_and_byte_order_mark(tmp_path: Path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(b'\xef\xbb\xbfinstruction,response\r\n"multi\r\nline",b\r\nc,d\r\n')

    records = list(iter_records(path, FileFormat.CSV))

    assert [(r.locator, r.value) for r in records] == [
        ("row 1 line 2", {"instruction": "multi\r\nline", "response": "b"}),
        ("row 2 line 4", {"instruction": "c", "response": "d"}),
    ]


def test_csv_invalid_utf8_costs_only_its_row(read, tmp_path: Path):
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"instruction,response\na,b\ncaf\xe9,b\nc,d\n")

    result = read(path, SourceKind.HUMAN)

    assert [e.locator for e in result.examples] == ["row 1 line 2", "row 3 line 4"]
    assert [(r.locator, r.rule, r.reason) for r in result.rejections] == [
        ("row 2 line 3", "undecodable_bytes", "byte 0xe9 at column 4 is not valid UTF-8")
    ]


def test_tsv(read, fixture_path):
    result = read(fixture_path("instruction_sets/pairs.tsv"), SourceKind.HUMAN)

    assert result.format == "tsv"
    assert result.rejections == []
    assert [(e.locator, e.instruction, e.input, e.response) for e in result.examples] == [
        ("row 1 line 2", "Reverse the word.", "stop", "pots"),
        ("row 2 line 3", "Count the letters.", "abc", "3"),
    ]


# --- Parquet ----------------------------------------------------------------------------


def test_parquet_rows(read, tmp_path: Path):
    path = tmp_path / "rows.parquet"
    pl.DataFrame(
        {
            "instruction": ["Add 2 and 3.", "Name a fruit."],
            "input": ["", None],
            "output": ["5", "Apple."],
        }
    ).write_parquet(path)

    result = read(path, SourceKind.SYNTHETIC)

    assert result.format == "parquet"
    assert result.rejections == []
    assert [(e.locator, e.instruction, e.input, e.response) for e in result.examples] == [
        ("row 1", "Add 2 and 3.", "", "5"),
        ("row 2", "Name a fruit.", "", "Apple."),
    ]


def test_parquet_nested_messages(read, tmp_path: Path):
    path = tmp_path / "chat.parquet"
    pl.DataFrame(
        {
            "messages": [
                [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello."}]
            ]
        }
    ).write_parquet(path)

    result = read(path, SourceKind.HUMAN)

    assert [(e.instruction, e.response, e.conversion) for e in result.examples] == [
        ("Hi?", "Hello.", "messages")
    ]


def test_corrupt_parquet_is_one_rejection(read, tmp_path: Path):
    path = tmp_path / "corrupt.parquet"
    path.write_bytes(b"PAR1 this is not a parquet file at all")

    result = read(path, SourceKind.HUMAN)

    assert result.examples == []
    assert result.records_read == 1
    assert [(r.locator, r.rule) for r in result.rejections] == [("file", "unreadable_parquet")]
    assert result.rejections[0].reason.startswith("not a readable Parquet file")


# --- Formats ----------------------------------------------------------------------------


def test_detect_format():
    assert detect_format(Path("a/b.JSONL")) is FileFormat.JSONL
    assert detect_format(Path("a.ndjson")) is FileFormat.JSONL
    assert detect_format(Path("faq.rst.txt")) is FileFormat.RST
    assert detect_format(Path("page.htm")) is FileFormat.HTML
    assert detect_format(Path("page.markdown")) is FileFormat.MARKDOWN
    assert detect_format(Path("notes.txt")) is None
    assert detect_format(Path("LICENSE")) is None
