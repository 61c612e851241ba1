"""A Markdown, reStructuredText or HTML page as title, description, lead and sections."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import frontmatter
import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

from instruct_assets.readers.formats import FileFormat
from instruct_assets.readers.markup import (
    Section,
    content_root,
    markdown_to_html,
    parse_html,
    plain_text,
    remove_debris,
    slugify,
    source_line,
    split_sections,
    strip_shortcodes,
)
from instruct_assets.readers.rst import rst_to_html


class PageError(ValueError):
    """A page whose markup cannot be parsed at all."""


@dataclass(slots=True)
class Page:
    title: str
    description: str
    title_line: int | None
    title_section: Section | None
    lead: list[Tag | NavigableString]
    sections: list[Section]
    soup: BeautifulSoup
    json_ld: list[tuple[int | None, Any]] = field(default_factory=list)


PseudoHeading = Callable[[Tag], bool]


def _front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """Front matter, the body, and the 1-based line the body starts on."""
    if not text.startswith("---"):
        return {}, text, 1
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as error:
        raise PageError(f"front matter is not valid YAML: {error}") from error
    body = post.content
    offset = text.find(body) if body else len(text)
    first_line = text.count("\n", 0, max(offset, 0)) + 1
    return dict(post.metadata), body, first_line


def _title_section(sections: list[Section]) -> Section | None:
    """The page's title heading: the first heading, when no other is at its level or above.
    (docutils numbers a page title ``h2``; Markdown pages use ``h1``.)"""
    if not sections:
        return None
    first = sections[0]
    if any(section.level <= first.level for section in sections[1:]):
        return None
    return first


def load_page(
    text: str,
    file_format: FileFormat,
    source_path: str,
    pseudo_heading: PseudoHeading | None = None,
) -> Page:
    """Parse a page and split it into sections, keeping each heading's source line."""
    metadata: dict[str, Any] = {}
    section_lines: dict[str, int] = {}
    if file_format is FileFormat.MARKDOWN:
        metadata, body, first_line = _front_matter(text)
        html = markdown_to_html(strip_shortcodes(body), first_line)
    elif file_format is FileFormat.RST:
        html, section_lines = rst_to_html(text, source_path)
    else:
        html = text
    soup = parse_html(html, with_source_lines=file_format is FileFormat.HTML)
    json_ld = _json_ld(soup)
    title = str(metadata.get("title") or "").strip()
    description = str(metadata.get("description") or "").strip()
    if file_format is FileFormat.HTML:
        if not title and soup.title:
            title = plain_text(soup.title)
        meta = soup.find("meta", attrs={"name": "description"})
        if not description and isinstance(meta, Tag):
            description = str(meta.get("content") or "").strip()
    if file_format is FileFormat.RST:
        for literal in soup.select("span.literal"):
            literal.name = "code"
        fields = _rst_page_fields(soup)
        title = title or fields.get("title", "")
        description = description or fields.get("description", "")
    remove_debris(soup)

    def line_of(tag: Tag) -> int | None:
        if file_format is FileFormat.RST and isinstance(tag.parent, Tag):
            return section_lines.get(str(tag.parent.get("id")))
        return source_line(tag)

    def anchor_of(tag: Tag) -> str:
        if file_format is FileFormat.RST and isinstance(tag.parent, Tag) and tag.parent.get("id"):
            return str(tag.parent["id"])
        return str(tag.get("id") or slugify(plain_text(tag)))

    lead, sections = split_sections(
        content_root(soup), line_of, anchor_of, pseudo_heading or (lambda tag: False)
    )
    title_line = None
    heading = _title_section(sections)
    if heading is not None:
        title = title or heading.title
        title_line = heading.line
    return Page(title, description, title_line, heading, lead, sections, soup, json_ld)


def _rst_page_fields(soup: BeautifulSoup) -> dict[str, str]:
    """A field list before the first paragraph (``:description: ...``) is page metadata, as
    front matter is in Markdown: it is read and removed from the text."""
    first_list = soup.select_one("dl.field-list, dl.docinfo")
    first_paragraph = soup.find("p")
    if first_list is None:
        return {}
    if (
        first_paragraph is not None
        and first_paragraph.sourceline is not None
        and (first_list.sourceline is None or first_paragraph.sourceline < first_list.sourceline)
    ):
        return {}
    fields = {}
    for term in first_list.find_all("dt"):
        definition = term.find_next_sibling("dd")
        if isinstance(definition, Tag):
            name = plain_text(term).rstrip(":").strip().lower()
            fields[name] = plain_text(definition)
    first_list.decompose()
    return fields


def _json_ld(soup: BeautifulSoup) -> list[tuple[int | None, Any]]:
    documents = []
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            documents.append((script.sourceline, json.loads(script.get_text())))
        except json.JSONDecodeError:
            documents.append((script.sourceline, None))
    return documents
