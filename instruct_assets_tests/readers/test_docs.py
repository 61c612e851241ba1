"""Documentation pages converted into instruction pairs by named templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from instruct_assets.schema import SourceKind

SUBJECT = "Tidewater"


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def by_conversion(result):
    found = {}
    for example in result.examples:
        found.setdefault(example.conversion, []).append(example)
    return found


@pytest.fixture
def markdown_docs(read, fixture_path):
    return read(fixture_path("docs/streams.md"), SourceKind.DOCS, subject=SUBJECT)


def test_front_matter_title_and_description(markdown_docs):
    (page,) = by_conversion(markdown_docs)["docs_page_explain"]

    assert page.locator == "title"
    assert page.instruction == "Explain Tidewater streams."
    assert page.response == (
        "Streams are append-only logs of events that Tidewater keeps in order.\n\n"
        "A stream holds events until they expire."
    )


def test_question_heading_gets_the_subject(markdown_docs, fixture_path):
    (example,) = by_conversion(markdown_docs)["docs_question_heading"]
    line = line_of(fixture_path("docs/streams.md"), "## How does replication work?")

    assert example.instruction == "How does replication work in Tidewater?"
    assert example.locator == f"#how-does-replication-work line {line}"
    assert "Each stream is copied to two followers before a write is acknowledged." in (
        example.response
    )


def test_gerund_heading_is_a_howto(markdown_docs, fixture_path):
    (example,) = by_conversion(markdown_docs)["docs_howto_heading"]
    line = line_of(fixture_path("docs/streams.md"), "## Configuring replication")

    assert example.instruction == "How do I configure replication in Tidewater?"
    assert example.locator == f"#configuring-replication line {line}"
    # Two code blocks: a how-to, not "show how to". Links keep their text.
    assert "Set the replication factor in the server settings file." in example.response
    assert "```yaml\nreplication:\n  factor: 3\n```" in example.response
    assert "```bash\ntidewater restart\n```" in example.response


def test_imperative_heading_with_one_code_block_is_show_how_to(markdown_docs, fixture_path):
    (example,) = by_conversion(markdown_docs)["docs_show_how_to"]
    line = line_of(fixture_path("docs/streams.md"), "## Create a stream")

    assert example.instruction == "Show how to create a stream in Tidewater."
    assert example.locator == f"#create-a-stream line {line}"
    assert example.response == (
        "Run the create command with the stream name.\n\n```bash\ntidewater create orders\n```"
    )


def test_examples_section_is_a_code_example(markdown_docs, fixture_path):
    (example,) = by_conversion(markdown_docs)["docs_code_example"]
    line = line_of(fixture_path("docs/streams.md"), "## Examples")

    assert example.instruction == "Show an example of using Tidewater streams."
    assert example.locator == f"#examples line {line}"
    assert "Append an event to the orders stream." in example.response


def test_sections_no_template_fits_are_rejected(markdown_docs, fixture_path):
    path = fixture_path("docs/streams.md")

    assert [(r.locator, r.rule) for r in markdown_docs.rejections] == [
        (f"#overview line {line_of(path, '## Overview')}", "no_conversion_template"),
        (f"#limits line {line_of(path, '## Limits')}", "no_conversion_template"),
        (f"#monitor-queues line {line_of(path, '### Monitor queues')}", "no_conversion_template"),
    ]
    assert markdown_docs.rejections[0].reason == (
        "heading 'Overview' is neither a question nor a task, and no template fits it"
    )
    assert markdown_docs.rejections[0].raw_record == (
        "Overview\n\nTidewater was first released in 2019."
    )
    assert markdown_docs.records_read == 8


def test_without_subject_nothing_is_appended(read, fixture_path):
    result = read(fixture_path("docs/streams.md"), SourceKind.DOCS)

    assert {e.conversion: e.instruction for e in result.examples} == {
        "docs_page_explain": "Explain Tidewater streams.",
        "docs_question_heading": "How does replication work?",
        "docs_howto_heading": "How do I configure replication?",
        "docs_show_how_to": "Show how to create a stream.",
        "docs_code_example": "Show an example of using Tidewater streams.",
    }


def test_shortcodes_are_stripped(read, fixture_path):
    result = read(fixture_path("docs/shortcodes.md"), SourceKind.DOCS, subject=SUBJECT)
    examples = {e.conversion: e for e in result.examples}

    show = examples["docs_show_how_to"]
    assert show.instruction == "Show how to create a consumer in Tidewater."
    assert "```bash\ntidewater consume orders --group billing\n```" in show.response
    assert "Group names are case-sensitive." in show.response
    question = examples["docs_question_heading"]
    assert "Offsets are committed after each batch." in question.response
    assert not any("{{" in e.response for e in result.examples)


def test_shortcodes_do_not_shift_line_numbers(read, fixture_path):
    path = fixture_path("docs/shortcodes.md")
    result = read(path, SourceKind.DOCS, subject=SUBJECT)

    assert sorted(e.locator for e in result.examples if e.locator != "title") == [
        f"#create-a-consumer line {line_of(path, '## Create a consumer')}",
        f"#how-are-offsets-committed line {line_of(path, '## How are offsets committed?')}",
    ]


def test_rst_docs(read, fixture_path):
    path = fixture_path("docs/streams.rst")
    result = read(path, SourceKind.DOCS, subject=SUBJECT)

    assert [(e.locator, e.conversion, e.instruction) for e in result.examples] == [
        (
            f"title line {line_of(path, 'Tidewater streams')}",
            "docs_page_explain",
            "Explain Tidewater streams.",
        ),
        (
            f"#how-does-replication-work line {line_of(path, 'How does replication work?')}",
            "docs_question_heading",
            "How does replication work in Tidewater?",
        ),
        (
            f"#configuring-replication line {line_of(path, 'Configuring replication')}",
            "docs_howto_heading",
            "How do I configure replication in Tidewater?",
        ),
        (
            f"#create-a-stream line {line_of(path, 'Create a stream')}",
            "docs_show_how_to",
            "Show how to create a stream in Tidewater.",
        ),
    ]
    # The page's field list is its description, not text.
    assert result.examples[0].response == (
        "Streams are append-only logs of events.\n\nA stream holds events until they expire."
    )
    assert "`--replicas`" in result.examples[2].response
    assert result.examples[3].response.endswith("```bash\ntidewater create orders\n```")
    assert [(r.locator, r.rule) for r in result.rejections] == [
        (f"#overview line {line_of(path, 'Overview')}", "no_conversion_template")
    ]


def test_html_docs(read, fixture_path):
    path = fixture_path("docs/streams.html")
    replication = line_of(path, '    <h2 id="replication">How does replication work?</h2>')
    result = read(path, SourceKind.DOCS, subject=SUBJECT)

    assert [(e.locator, e.conversion, e.instruction) for e in result.examples] == [
        (
            f"title line {line_of(path, '    <h1>Tidewater streams</h1>')}",
            "docs_page_explain",
            "Explain Tidewater streams.",
        ),
        (
            f"#replication line {replication}",
            "docs_question_heading",
            "How does replication work in Tidewater?",
        ),
        (
            f"#configuring-replication line "
            f"{line_of(path, '    <h2>Configuring replication</h2>')}",
            "docs_howto_heading",
            "How do I configure replication in Tidewater?",
        ),
        (
            f"#create-a-stream line {line_of(path, '    <h2>Create a stream</h2>')}",
            "docs_show_how_to",
            "Show how to create a stream in Tidewater.",
        ),
    ]
    # The meta description and the lead; the sidebar and footer are gone.
    assert result.examples[0].response == (
        "Streams are append-only logs of events.\n\nA stream holds events until they expire."
    )
    assert all("Docs home" not in e.response for e in result.examples)
    assert all("Copyright" not in e.response for e in result.examples)
    assert [(r.locator, r.rule) for r in result.rejections] == [
        (f"#overview line {line_of(path, '    <h2>Overview</h2>')}", "no_conversion_template")
    ]


def test_title_that_is_a_task(read, tmp_path: Path):
    path = tmp_path / "install.md"
    path.write_text("# Install Tidewater\n\nDownload the package.\n", encoding="utf-8")

    result = read(path, SourceKind.DOCS, subject=SUBJECT)

    assert [(e.locator, e.instruction, e.response) for e in result.examples] == [
        ("title line 1", "How do I install Tidewater?", "Download the package.")
    ]


def test_page_with_lead_but_no_title(read, tmp_path: Path):
    path = tmp_path / "untitled.md"
    path.write_text("Just some text.\n", encoding="utf-8")

    result = read(path, SourceKind.DOCS)

    assert result.examples == []
    assert [(r.locator, r.rule) for r in result.rejections] == [("title", "no_conversion_template")]


def test_invalid_front_matter_is_a_rejection_not_a_crash(read, tmp_path: Path):
    """A content defect becomes a rejection; only an unreadable file may raise."""
    path = tmp_path / "broken.md"
    path.write_text("---\ntitle: [unclosed\n---\n\n## How?\n\nText.\n", encoding="utf-8")

    result = read(path, SourceKind.DOCS)

    assert result.examples == []
    assert len(result.rejections) == 1
    assert "front matter" in result.rejections[0].reason
