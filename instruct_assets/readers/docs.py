"""Documentation pages converted into instruction pairs, honestly and structurally.

Every pair comes from one template, recorded in ``conversion``, and every response is text
from the page itself:

- ``docs_page_explain``: the page title, answered by its description and lead text;
- ``docs_question_heading``: a heading that asks ("How does replication work?");
- ``docs_howto_heading``: a task heading ("Configuring replication", "Create a stream");
- ``docs_show_how_to``: a task heading whose section explains exactly one code example;
- ``docs_code_example``: an "Examples" section, as an example of using the page's subject.

A section no template fits is rejected as ``no_conversion_template``: nothing is invented.
"""

from __future__ import annotations

from pathlib import Path

from bs4 import NavigableString, Tag

from instruct_assets.readers.formats import FileFormat, decode_text, has_undecodable, printable
from instruct_assets.readers.headings import (
    howto_phrase,
    is_question,
    starts_with_question_word,
    with_subject,
)
from instruct_assets.readers.markup import Section, to_markdown
from instruct_assets.readers.outcomes import ExampleDraft, ReadResult
from instruct_assets.readers.pages import Page, load_page

EXAMPLE_HEADINGS = frozenset({"example", "examples", "usage", "usage example", "usage examples"})


def _code_blocks(blocks: list[Tag | NavigableString]) -> int:
    count = 0
    for block in blocks:
        if isinstance(block, Tag):
            count += 1 if block.name == "pre" else len(block.find_all("pre"))
    return count


def _line(line: int | None) -> str:
    return f" line {line}" if line else ""


def read_docs(path: Path, file_format: FileFormat, subject: str | None = None) -> ReadResult:
    result = ReadResult(format=str(file_format))
    text = decode_text(path.read_bytes())
    undecodable = has_undecodable(text)
    page = load_page(printable(text), file_format, path.name)
    title_section = page.title_section

    def emit(draft: ExampleDraft) -> None:
        if undecodable and "\ufffd" in draft.instruction + draft.response:
            result.reject(
                draft.locator,
                "undecodable_bytes",
                "the section contains bytes that are not UTF-8",
                draft.response,
            )
        else:
            result.keep(draft)

    lead = to_markdown(page.lead + (title_section.own if title_section else []))
    if page.title or lead:
        result.count_record()
        locator = f"title{_line(page.title_line) if page.title_line else ''}"
        if not page.title:
            result.reject(
                locator,
                "no_conversion_template",
                "the page has lead text but no title to ask about",
                lead,
            )
        elif not (page.description or lead):
            result.reject(
                locator,
                "empty_section",
                f"the page {page.title!r} has neither a description nor lead text",
            )
        else:
            response = "\n\n".join(part for part in (page.description, lead) if part)
            emit(
                ExampleDraft(
                    locator=locator,
                    instruction=_title_instruction(page.title, subject),
                    response=response,
                    conversion="docs_page_explain",
                )
            )
    for section in page.sections:
        if section is title_section:
            continue
        body = to_markdown(section.full)
        if not body:
            continue  # a heading with nothing under it is not a record
        result.count_record()
        draft = _convert(section, body, page, subject)
        if isinstance(draft, str):
            result.reject(
                f"#{section.anchor}{_line(section.line)}",
                "no_conversion_template",
                draft,
                f"{section.title}\n\n{body}",
            )
        else:
            emit(draft)
    return result


def _question(heading: str, subject: str | None) -> str:
    """A question heading, with the product named when it opens with a question word and ends
    with a question mark ("How does replication work in Tidewater?"). Statements that end in
    "?" ("Background saving fails on Linux?") stay as written."""
    if heading.endswith("?") and starts_with_question_word(heading):
        return with_subject(heading[:-1].rstrip(), subject) + "?"
    return heading


def _title_instruction(title: str, subject: str | None) -> str:
    """What the title-and-description pair asks: the title itself when it is a question or a
    task ("Install Redis" asks how to install it), otherwise an explanation of the topic."""
    if is_question(title):
        return _question(title, subject)
    phrase = howto_phrase(title)
    if phrase is not None:
        return f"How do I {with_subject(phrase, subject)}?"
    return f"Explain {with_subject(title, subject)}."


def _example_instruction(title: str, subject: str | None) -> str:
    phrase = howto_phrase(title)
    if phrase is not None:
        return f"Show an example of how to {with_subject(phrase, subject)}."
    return f"Show an example of using {with_subject(title, subject)}."


def _convert(section: Section, body: str, page: Page, subject: str | None) -> ExampleDraft | str:
    """The example a section makes, or why no template fits it."""
    locator = f"#{section.anchor}{_line(section.line)}"
    title = section.title.strip()
    if is_question(title):
        return ExampleDraft(
            locator=locator,
            instruction=_question(title, subject),
            response=body,
            conversion="docs_question_heading",
        )
    code_blocks = _code_blocks(section.full)
    phrase = howto_phrase(title)
    if phrase is not None:
        phrase = with_subject(phrase, subject)
        if code_blocks == 1:
            return ExampleDraft(
                locator=locator,
                instruction=f"Show how to {phrase}.",
                response=body,
                conversion="docs_show_how_to",
            )
        return ExampleDraft(
            locator=locator,
            instruction=f"How do I {phrase}?",
            response=body,
            conversion="docs_howto_heading",
        )
    if title.lower().rstrip(":") in EXAMPLE_HEADINGS and code_blocks and page.title:
        return ExampleDraft(
            locator=locator,
            instruction=_example_instruction(page.title, subject),
            response=body,
            conversion="docs_code_example",
        )
    return f"heading {title!r} is neither a question nor a task, and no template fits it"
