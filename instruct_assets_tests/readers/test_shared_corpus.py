"""Readers on real public files from ``../shared/data`` (beside the repository root).

Skipped where that folder is absent (a fresh clone has no ``../shared``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from instruct_assets.readers import ReadResult
from instruct_assets.schema import SourceKind

from .conftest import checked_read

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
if not SHARED.is_dir():
    pytest.skip(f"shared public data not found at {SHARED}", allow_module_level=True)

DOCS_TEMPLATES = {
    "docs_page_explain",
    "docs_question_heading",
    "docs_howto_heading",
    "docs_show_how_to",
    "docs_code_example",
}


@pytest.fixture(scope="module")
def alpaca() -> ReadResult:
    return checked_read(SHARED / "synthetic/alpaca/alpaca_data.json", SourceKind.SYNTHETIC)


@pytest.fixture(scope="module")
def python_faq() -> dict[str, ReadResult]:
    pages = sorted((SHARED / "faq/cpython_faq_rst").glob("*.rst.txt"))
    return {path.name: checked_read(path, SourceKind.FAQ) for path in pages}


@pytest.fixture(scope="module")
def redis_docs() -> dict[str, ReadResult]:
    root = SHARED / "docs/redis_docs_md"
    return {
        path.relative_to(root).as_posix(): checked_read(path, SourceKind.DOCS, subject="Redis")
        for path in sorted(root.rglob("*.md"))
    }


# --- Alpaca --------------------------------------------------------------------------------


def test_alpaca_reads_every_record(alpaca):
    assert alpaca.records_read == 52002
    assert len(alpaca.examples) == 52002
    assert alpaca.rejections == []
    assert {e.conversion for e in alpaca.examples} == {"alpaca"}


def test_alpaca_locators(alpaca):
    assert alpaca.examples[0].locator == "item 1 line 2"
    assert alpaca.examples[0].instruction == "Give three tips for staying healthy."
    assert all(
        re.fullmatch(rf"item {number} line \d+", example.locator)
        for number, example in enumerate(alpaca.examples, start=1)
    )


# --- Self-Instruct --------------------------------------------------------------------------


def test_self_instruct_one_example_per_instance():
    path = SHARED / "human/self_instruct/seed_tasks.jsonl"
    tasks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    instances = sum(len(task["instances"]) for task in tasks)

    result = checked_read(path, SourceKind.HUMAN)

    assert len(tasks) == 175
    assert len(result.examples) == instances
    assert result.rejections == []
    expected = [
        f"line {line} instance {number}"
        for line, task in enumerate(tasks, start=1)
        for number in range(1, len(task["instances"]) + 1)
    ]
    assert [e.locator for e in result.examples] == expected
    assert result.examples[0].instruction == tasks[0]["instruction"]


# --- Python FAQ (reStructuredText) ---------------------------------------------------------


def test_every_python_faq_page_yields_questions(python_faq):
    pages = {name: result for name, result in python_faq.items() if name != "index.rst.txt"}

    assert len(pages) == 8
    for name, result in pages.items():
        assert result.examples, name
        assert {e.conversion for e in result.examples} == {"faq_heading"}, name
    assert sum(len(result.examples) for result in pages.values()) > 150


def test_python_faq_index_is_a_table_of_contents(python_faq):
    assert python_faq["index.rst.txt"].records_read == 0


def test_python_faq_has_no_docutils_errors(python_faq):
    for name, result in python_faq.items():
        for example in result.examples:
            for error in ("Unknown interpreted text role", "System Message", "Unknown directive"):
                assert error not in example.response, (name, example.locator)


def test_python_faq_code_is_fenced(python_faq):
    responses = [e.response for result in python_faq.values() for e in result.examples]

    assert sum("```" in response for response in responses) > 50
    assert any("```python\n" in response for response in responses)
    for response in responses:
        assert response.count("```") % 2 == 0


def test_python_faq_keeps_no_raw_sphinx_markup(python_faq):
    for name, result in python_faq.items():
        for example in result.examples:
            assert not re.search(r":[a-z]+:`", example.response), (name, example.locator)


# --- COVID FAQ (CSV) -------------------------------------------------------------------------


def test_covid_csv():
    result = checked_read(SHARED / "faq/covid_qa_csv/faq_covidbert.csv", SourceKind.FAQ)

    assert len(result.examples) == 213
    assert result.rejections == []
    assert result.examples[0].locator == "row 1 line 2"
    assert all(e.instruction and e.response for e in result.examples)


# --- Redis documentation (Markdown) --------------------------------------------------------


def test_redis_docs_use_every_template(redis_docs):
    conversions = {e.conversion for result in redis_docs.values() for e in result.examples}

    assert conversions <= DOCS_TEMPLATES
    assert {
        "docs_page_explain",
        "docs_question_heading",
        "docs_howto_heading",
        "docs_show_how_to",
    } <= conversions
    assert sum(len(result.examples) for result in redis_docs.values()) > 300


def test_redis_docs_have_no_shortcodes_or_link_syntax(redis_docs):
    for name, result in redis_docs.items():
        for example in result.examples:
            assert "{{<" not in example.response, (name, example.locator)
            assert "](" not in example.response, (name, example.locator)


def test_redis_docs_rejections_are_named(redis_docs):
    rules = {r.rule for result in redis_docs.values() for r in result.rejections}

    assert rules <= {"no_conversion_template", "empty_section"}
