"""FAQ dumps: question headings, bold question lines, ``dl/dt/dd``, schema.org ``FAQPage``
JSON-LD, ``details/summary`` accordions, and CSV/JSON tables of question and answer columns.

A record is one question with its answer. Text that answers no question (an intro, a
"Contact us" section) is a record too, rejected as ``not_a_question``, so nothing read is
silently lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from bs4 import Tag

from instruct_assets.readers.formats import (
    TABULAR_FORMATS,
    FileFormat,
    decode_text,
    has_undecodable,
    printable,
)
from instruct_assets.readers.headings import is_question
from instruct_assets.readers.instruction_sets import apply_column_mapping
from instruct_assets.readers.markup import (
    html_fragment_to_markdown,
    plain_text,
    source_line,
    to_markdown,
)
from instruct_assets.readers.outcomes import ExampleDraft, ReadResult
from instruct_assets.readers.pages import Page, load_page
from instruct_assets.readers.records import iter_records

PSEUDO_HEADING_LEVEL = 7
METADATA_LISTS = frozenset({"field-list", "docinfo", "option-list"})
"""docutils renders page metadata (``:tocdepth: 2``) and option tables as ``dl``: not Q&A."""
_HTML_HINTS = ("<p>", "<p ", "<br", "<ul>", "<li>", "<a ", "<strong>", "<div")


def is_bold_question(tag: Tag) -> bool:
    """A paragraph that is only a bold question: ``**Can I run it on Windows?**``."""
    if tag.name != "p":
        return False
    children = [
        child for child in tag.children if not (isinstance(child, str) and not child.strip())
    ]
    return (
        len(children) == 1
        and isinstance(children[0], Tag)
        and children[0].name in ("strong", "b")
        and is_question(plain_text(children[0]))
    )


def read_faq(
    path: Path, file_format: FileFormat, columns: Mapping[str, str] | None = None
) -> ReadResult:
    if file_format in TABULAR_FORMATS:
        return _read_table(path, file_format, columns or {})
    return _read_page(path, file_format)


def _answer_text(value: str) -> str:
    """Answers in tables are sometimes HTML; they become clean Markdown like page answers."""
    lowered = value.lower()
    return (
        html_fragment_to_markdown(value) if any(hint in lowered for hint in _HTML_HINTS) else value
    )


def _read_table(path: Path, file_format: FileFormat, columns: Mapping[str, str]) -> ReadResult:
    result = ReadResult(format=str(file_format))
    for record in iter_records(path, file_format):
        result.count_record()
        if not record.ok:
            result.reject(record.locator, record.error_rule, record.error_reason, record.raw)
            continue
        row = apply_column_mapping(record.value or {}, columns)
        problem = _missing_text(row, ("question", "answer"))
        if problem:
            result.reject(record.locator, *problem, record.raw)
            continue
        result.keep(
            ExampleDraft(
                locator=record.locator,
                instruction=row["question"].strip(),
                response=_answer_text(row["answer"]).strip(),
                conversion="faq_table",
            )
        )
    return result


def _missing_text(row: Mapping[str, Any], fields: tuple[str, ...]) -> tuple[str, str] | None:
    for field in fields:
        if field not in row or row[field] is None:
            hint = "" if field in row else " (map another column to it in data/config/sources.yaml)"
            return "missing_field", f"required column '{field}' is missing{hint}"
        if not isinstance(row[field], str):
            return "wrong_type", f"column '{field}' must be text, found {type(row[field]).__name__}"
    return None


def _read_page(path: Path, file_format: FileFormat) -> ReadResult:
    result = ReadResult(format=str(file_format))
    text = decode_text(path.read_bytes())
    undecodable = has_undecodable(text)
    page = load_page(printable(text), file_format, path.name, is_bold_question)
    for locator, question, answer, conversion in _entries(page, result):
        result.count_record()
        if undecodable and "\ufffd" in question + answer:
            result.reject(
                locator,
                "undecodable_bytes",
                "the entry contains bytes that are not UTF-8",
                f"{question}\n{answer}",
            )
        elif not answer:
            result.reject(locator, "empty_answer", "the question has no answer text", question)
        else:
            result.keep(
                ExampleDraft(
                    locator=locator, instruction=question, response=answer, conversion=conversion
                )
            )
    return result


def _line(line: int | None) -> str:
    return f" line {line}" if line else ""


Entry = tuple[str, str, str, str]
"""(locator, question, answer, conversion)"""


def _entries(page: Page, result: ReadResult) -> Iterator[Entry]:
    """(locator, question, answer, conversion) for every entry on the page."""
    yield from _json_ld_entries(page, result)
    for definition_list in page.soup.find_all("dl"):
        if not METADATA_LISTS.intersection(definition_list.get("class") or []):
            yield from _definition_entries(definition_list, result)
    for details in page.soup.find_all("details"):
        summary = details.find("summary")
        if isinstance(summary, Tag):
            question = plain_text(summary)
            summary.extract()
            yield (
                f"details{_line(details.sourceline)}",
                question,
                to_markdown(details),
                "faq_details",
            )
    lead = to_markdown(page.lead)
    if lead:
        result.count_record()
        result.reject(
            "lead", "not_a_question", "text before the first question answers no question", lead
        )
    for section in page.sections:
        own = [
            block
            for block in section.own
            if not (isinstance(block, Tag) and block.name in ("dl", "details", "script"))
        ]
        answer = to_markdown(own)
        if not answer:
            continue
        locator = f"#{section.anchor}{_line(section.line)}"
        if not is_question(section.title):
            result.count_record()
            result.reject(
                locator, "not_a_question", f"heading {section.title!r} is not a question", answer
            )
            continue
        conversion = "faq_bold_question" if section.level == PSEUDO_HEADING_LEVEL else "faq_heading"
        yield locator, section.title, answer, conversion


def _definition_entries(definition_list: Tag, result: ReadResult) -> Iterator[Entry]:
    """Each ``dt`` with the ``dd`` that follow it; a term that is not a question (a glossary)
    is a record too, rejected as such."""
    term: Tag | None = None
    answers: list[Tag] = []
    for child in [*definition_list.find_all(["dt", "dd"], recursive=False), None]:
        if (child is None or child.name == "dt") and term is not None:
            anchor = f"#{term['id']}" if term.get("id") else "dt"
            locator = f"{anchor}{_line(source_line(term))}"
            question = plain_text(term)
            answer = to_markdown([node for dd in answers for node in dd.contents])
            if is_question(question):
                yield locator, question, answer, "faq_definition_list"
            else:
                result.count_record()
                result.reject(
                    locator,
                    "not_a_question",
                    f"term {question!r} is not a question",
                    f"{question}\n{answer}",
                )
            term, answers = None, []
        if child is not None and child.name == "dt":
            term = child
        elif child is not None and term is not None:
            answers.append(child)


def _faq_questions(document: Any) -> Iterator[Any]:
    """The ``Question`` items of every ``FAQPage`` in a JSON-LD document (``@graph`` too)."""
    if isinstance(document, list):
        for item in document:
            yield from _faq_questions(item)
    elif isinstance(document, dict):
        types = document.get("@type")
        types = types if isinstance(types, list) else [types]
        if "FAQPage" in types:
            entities = document.get("mainEntity") or []
            yield from entities if isinstance(entities, list) else [entities]
        if "@graph" in document:
            yield from _faq_questions(document["@graph"])


def _json_ld_entries(page: Page, result: ReadResult) -> Iterator[Entry]:
    for line, document in page.json_ld:
        if document is None:
            result.count_record()
            result.reject(
                f"json-ld{_line(line)}", "malformed_json", "the JSON-LD block is not valid JSON"
            )
            continue
        for number, question in enumerate(_faq_questions(document), start=1):
            locator = f"json-ld{_line(line)} question {number}"
            answer = question.get("acceptedAnswer") if isinstance(question, dict) else None
            if isinstance(answer, list):
                answer = answer[0] if answer else None
            name = question.get("name") if isinstance(question, dict) else None
            text = answer.get("text") if isinstance(answer, dict) else None
            if not isinstance(name, str) or not isinstance(text, str):
                result.count_record()
                result.reject(
                    locator,
                    "missing_field",
                    "a Question needs a 'name' and an acceptedAnswer with 'text'",
                    repr(question),
                )
                continue
            yield locator, " ".join(name.split()), html_fragment_to_markdown(text), "faq_json_ld"
