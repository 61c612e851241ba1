"""FAQ dumps: Markdown, reStructuredText, HTML pages and question/answer tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from instruct_assets.schema import SourceKind


def by_instruction(result):
    return {example.instruction: example for example in result.examples}


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


# --- Markdown ------------------------------------------------------------------------------


@pytest.fixture
def markdown_faq(read, fixture_path):
    return read(fixture_path("faq/faq.md"), SourceKind.FAQ)


def test_markdown_question_headings_and_bold_questions(markdown_faq, fixture_path):
    path = fixture_path("faq/faq.md")

    assert [(e.instruction, e.conversion, e.locator) for e in markdown_faq.examples] == [
        (
            "How do I install Tidewater?",
            "faq_heading",
            f"#how-do-i-install-tidewater line {line_of(path, '### How do I install Tidewater?')}",
        ),
        (
            "Which platforms are supported?",
            "faq_heading",
            f"#which-platforms-are-supported line "
            f"{line_of(path, '### Which platforms are supported?')}",
        ),
        (
            "Is Tidewater free software?",
            "faq_bold_question",
            f"#is-tidewater-free-software line {line_of(path, '**Is Tidewater free software?**')}",
        ),
        (
            "Can I sell products built on it?",
            "faq_bold_question",
            f"#can-i-sell-products-built-on-it line "
            f"{line_of(path, '**Can I sell products built on it?**')}",
        ),
    ]


def test_markdown_category_headings_are_not_records(markdown_faq):
    # "Installation" and "Licensing" hold only questions: neither example nor rejection.
    locators = [r.locator for r in markdown_faq.rejections] + [
        e.locator for e in markdown_faq.examples
    ]
    assert not any(locator.startswith(("#installation", "#licensing")) for locator in locators)
    assert markdown_faq.records_read == 6


def test_markdown_non_question_heading_with_text_is_rejected(markdown_faq):
    assert [(r.locator, r.rule, r.reason, r.raw_record) for r in markdown_faq.rejections] == [
        (
            "#tidewater-faq line 1",
            "not_a_question",
            "heading 'Tidewater FAQ' is not a question",
            "Welcome to the Tidewater FAQ. Read this before filing a ticket.",
        ),
        (
            "#contact-us line 27",
            "not_a_question",
            "heading 'Contact us' is not a question",
            "Write to the mailing list.",
        ),
    ]


def test_markdown_answer_keeps_fenced_code_with_language(markdown_faq):
    answer = by_instruction(markdown_faq)["How do I install Tidewater?"].response

    assert answer == (
        "Install it with pip:\n\n```bash\npip install tidewater\n```\n\nThen check the version."
    )


def test_markdown_answer_keeps_lists_and_link_text_and_drops_images(markdown_faq):
    answer = by_instruction(markdown_faq)["Which platforms are supported?"].response

    assert answer == (
        "- Linux\n- macOS\n- Windows (through WSL)\n\nSee the platform matrix for details."
    )
    assert "https://" not in answer
    assert "platforms.png" not in answer


def test_bold_question_answer(markdown_faq):
    answers = by_instruction(markdown_faq)

    assert answers["Is Tidewater free software?"].response == (
        "Yes, it is released under the Apache License 2.0."
    )
    assert answers["Can I sell products built on it?"].response == (
        "Yes, as long as you keep the notices."
    )


def test_question_without_answer_is_empty_answer(read, tmp_path: Path):
    path = tmp_path / "faq.md"
    path.write_text("## How?\n\n## Why?\n\nBecause.\n", encoding="utf-8")

    result = read(path, SourceKind.FAQ)

    # A question heading with nothing under it is no record at all.
    assert [(e.instruction, e.response) for e in result.examples] == [("Why?", "Because.")]


def test_invalid_utf8_costs_only_its_entry(read, tmp_path: Path):
    path = tmp_path / "faq.md"
    path.write_bytes(b"## How do I a?\n\nFine answer.\n\n## How do I b?\n\nCaf\xe9 answer.\n")

    result = read(path, SourceKind.FAQ)

    assert [e.locator for e in result.examples] == ["#how-do-i-a line 1"]
    assert [(r.locator, r.rule) for r in result.rejections] == [
        ("#how-do-i-b line 5", "undecodable_bytes")
    ]


# --- HTML ----------------------------------------------------------------------------------


@pytest.fixture
def html_faq(read, fixture_path):
    return read(fixture_path("faq/faq.html"), SourceKind.FAQ)


def test_html_page_chrome_never_in_answers(html_faq):
    texts = [e.instruction + "\n" + e.response for e in html_faq.examples] + [
        r.raw_record for r in html_faq.rejections
    ]
    for debris in (
        "Home",
        "Pricing navigation link",
        "cookies",
        "trackPageView",
        "faq-tracker-token",
        "Copyright",
        "All rights reserved",
    ):
        assert not any(debris in text for text in texts), debris


def test_html_all_entries(html_faq, fixture_path):
    path = fixture_path("faq/faq.html")
    text = path.read_text(encoding="utf-8").splitlines()
    first_ld = next(i for i, line in enumerate(text, 1) if "application/ld+json" in line)
    second_ld = next(
        i for i, line in enumerate(text, 1) if "application/ld+json" in line and i > first_ld
    )
    heading = next(i for i, line in enumerate(text, 1) if 'id="backups"' in line)
    term = next(i for i, line in enumerate(text, 1) if 'id="export"' in line)
    details = next(i for i, line in enumerate(text, 1) if "<details>" in line)

    assert {(e.locator, e.instruction, e.response, e.conversion) for e in html_faq.examples} == {
        (
            f"json-ld line {first_ld} question 1",
            "Does Tidewater run offline?",
            "Yes, **fully** offline.",
            "faq_json_ld",
        ),
        (
            f"json-ld line {second_ld} question 1",
            "Where is my data stored?",
            "In the EU region you choose.",
            "faq_json_ld",
        ),
        (
            f"#export line {term}",
            "How do I export my data?",
            "Use the export button on the settings page.",
            "faq_definition_list",
        ),
        (
            f"details line {details}",
            "Can I cancel at any time?",
            "Yes, cancel from the billing page.",
            "faq_details",
        ),
        (
            f"#backups line {heading}",
            "How often are backups taken?",
            "Backups are taken *every hour* and kept for 30 days.",
            "faq_heading",
        ),
    }


def test_html_rejections(html_faq):
    assert sorted((r.rule, r.reason) for r in html_faq.rejections) == [
        ("missing_field", "a Question needs a 'name' and an acceptedAnswer with 'text'"),
        ("not_a_question", "term 'Retention' is not a question"),
    ]
    assert html_faq.records_read == 7


def test_json_ld_inside_graph(read, tmp_path: Path):
    path = tmp_path / "faq.html"
    path.write_text(
        '<html><head><script type="application/ld+json">'
        '{"@graph": [{"@type": ["WebPage", "FAQPage"], "mainEntity": '
        '{"@type": "Question", "name": "Is it open?", '
        '"acceptedAnswer": [{"@type": "Answer", "text": "Always."}]}}]}'
        "</script></head><body></body></html>",
        encoding="utf-8",
    )

    result = read(path, SourceKind.FAQ)

    assert [(e.instruction, e.response, e.conversion) for e in result.examples] == [
        ("Is it open?", "Always.", "faq_json_ld")
    ]


def test_malformed_json_ld_is_one_rejection(read, tmp_path: Path):
    path = tmp_path / "faq.html"
    path.write_text(
        '<html><head>\n<script type="application/ld+json">{"@type": </script></head>'
        "<body><h2>Why?</h2><p>Because.</p></body></html>",
        encoding="utf-8",
    )

    result = read(path, SourceKind.FAQ)

    assert [(r.locator, r.rule) for r in result.rejections] == [
        ("json-ld line 2", "malformed_json")
    ]
    assert [(e.instruction, e.response) for e in result.examples] == [("Why?", "Because.")]


# --- tables --------------------------------------------------------------------------------


COLUMNS = {"question": "q", "answer": "a"}


def test_csv_table_with_column_mapping(read, fixture_path):
    result = read(fixture_path("faq/faq_table.csv"), SourceKind.FAQ, columns=COLUMNS)

    assert result.rejections == []
    assert [(e.locator, e.instruction, e.response, e.conversion) for e in result.examples] == [
        ("row 1 line 2", "What is Tidewater?", "A stream processor.", "faq_table"),
        # An HTML answer becomes clean text: the link keeps its text only.
        ("row 2 line 3", "Is it fast?", "Yes. See the benchmarks.", "faq_table"),
    ]


def test_json_table_missing_column_and_wrong_type(read, fixture_path):
    result = read(fixture_path("faq/faq_table.json"), SourceKind.FAQ, columns=COLUMNS)

    assert [(e.locator, e.instruction) for e in result.examples] == [
        ("item 1 line 2", "What is Tidewater?")
    ]
    assert [(r.locator, r.rule) for r in result.rejections] == [
        ("item 2 line 3", "missing_field"),
        ("item 3 line 4", "wrong_type"),
    ]
    assert result.rejections[0].reason.startswith("required column 'answer' is missing")


def test_table_without_mapping_misses_the_question_column(read, fixture_path):
    result = read(fixture_path("faq/faq_table.csv"), SourceKind.FAQ)

    assert result.examples == []
    assert [(r.rule, r.reason) for r in result.rejections] == [
        (
            "missing_field",
            "required column 'question' is missing "
            "(map another column to it in data/config/sources.yaml)",
        )
    ] * 2
