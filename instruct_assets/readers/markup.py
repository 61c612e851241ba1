"""Markup to sections of clean Markdown text.

Markdown (markdown-it-py) and reStructuredText (docutils) are rendered to HTML first, so one
section walker (BeautifulSoup) and one HTML-to-Markdown converter (markdownify) serve all three
formats. Clean text keeps code blocks (fenced, with their language) and lists as Markdown;
links keep their text; images, navigation and page chrome are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdown_it import MarkdownIt
from markdownify import MarkdownConverter

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
CONTAINERS = frozenset({"div", "section", "article", "main", "body", "html", "header"})
DEBRIS_TAGS = frozenset(
    {
        "nav",
        "footer",
        "aside",
        "script",
        "style",
        "noscript",
        "template",
        "form",
        "button",
        "iframe",
        "svg",
    }
)
DEBRIS_ROLES = frozenset({"navigation", "banner", "contentinfo"})
DEBRIS_CLASS_PARTS = ("cookie", "breadcrumb", "sidebar", "skip-link")
DEBRIS_LINK_CLASSES = frozenset({"headerlink", "toc-backref"})


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and what belongs to it. ``own`` stops at the next heading of any level;
    ``full`` runs to the next heading of the same or a higher level (subsections included)."""

    title: str
    level: int
    anchor: str
    line: int | None
    own: list[Tag | NavigableString]
    full: list[Tag | NavigableString]


class _CleanMarkdown(MarkdownConverter):
    """markdownify, set for training text: links keep their text, no escaping of ``_``/``*``."""

    def convert_a(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        return text

    def convert_img(self, el, text, parent_tags):  # type: ignore[no-untyped-def]
        return ""


def _code_language(element: Tag) -> str:
    """The language of a code block: ``language-x`` (Markdown, most sites) or docutils'
    ``<pre class="code python literal-block">``."""
    for candidate in (element, element.find("code")):
        if not isinstance(candidate, Tag):
            continue
        classes = [str(css_class) for css_class in candidate.get("class") or []]
        for css_class in classes:
            if css_class.startswith(("language-", "lang-")):
                return css_class.split("-", 1)[1]
        if "code" in classes:
            others = [
                css_class for css_class in classes if css_class not in {"code", "literal-block"}
            ]
            if others:
                return others[0]
    return ""


_CONVERTER = _CleanMarkdown(
    heading_style="ATX",
    bullets="-",
    code_language_callback=_code_language,
    escape_underscores=False,
    escape_asterisks=False,
    escape_misc=False,
    strong_em_symbol="*",
)
_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def to_markdown(nodes: list[Tag | NavigableString] | Tag) -> str:
    """Clean Markdown for a run of HTML nodes. Each top-level node is converted in place
    (markdownify puts blank lines around blocks), so nothing is parsed twice."""
    if isinstance(nodes, Tag):
        nodes = [nodes]
    text = "".join(_CONVERTER.process_element(node, parent_tags=set()) for node in nodes)
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_RUNS.sub("\n\n", text).strip()


def html_fragment_to_markdown(html: str) -> str:
    return to_markdown(parse_html(html))


def plain_text(node: Tag | NavigableString) -> str:
    return " ".join(node.get_text(" ").split())


def parse_html(html: str, *, with_source_lines: bool = True) -> BeautifulSoup:
    """html.parser records the source line of every tag, which HTML pages need for their
    locators; lxml is several times faster and serves HTML we rendered ourselves, whose lines
    travel in ``data-line`` attributes or section ids."""
    return BeautifulSoup(html, "html.parser" if with_source_lines else "lxml")


def _is_debris(tag: Tag) -> bool:
    if tag.name in DEBRIS_TAGS:
        if tag.name == "aside":  # docutils writes notes and warnings as <aside class=admonition>
            return "admonition" not in (tag.get("class") or [])
        return tag.name != "script" or tag.get("type") != "application/ld+json"
    attrs = tag.attrs
    if not attrs:
        return False
    if attrs.get("role") in DEBRIS_ROLES or attrs.get("aria-hidden") == "true":
        return True
    classes = attrs.get("class") or []
    if tag.name == "a" and DEBRIS_LINK_CLASSES.intersection(classes):
        return True
    names = " ".join([*classes, str(attrs.get("id") or "")]).lower()
    return any(part in names for part in DEBRIS_CLASS_PARTS)


def remove_debris(soup: BeautifulSoup) -> None:
    """Drop navigation, page chrome, scripts, cookie banners and comments (one pass; a CSS
    selector sweep cost more than parsing). JSON-LD scripts stay for the FAQ reader."""
    for tag in [tag for tag in soup.find_all(True) if _is_debris(tag)]:
        if not tag.decomposed:
            tag.decompose()
    # Comments are editors' notes ("XXX make sure these all work"), not content.
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()


def content_root(soup: BeautifulSoup) -> Tag:
    for selector in ("main", "[role=main]", "article", "body"):
        found = soup.select_one(selector)
        if found is not None:
            return found
    return soup


def _blocks(element: Tag) -> Iterator[Tag | NavigableString]:
    """The document as a flat run of blocks: containers holding headings are opened up."""
    for child in element.children:
        if isinstance(child, Tag) and child.name in CONTAINERS and child.find(HEADINGS):
            yield from _blocks(child)
        elif isinstance(child, Tag) or child.strip():
            yield child


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w\s-]", "", text.lower()).strip()
    return re.sub(r"[\s_-]+", "-", slug)


def split_sections(
    root: Tag,
    line_of: Callable[[Tag], int | None],
    anchor_of: Callable[[Tag], str] | None = None,
    is_pseudo_heading: Callable[[Tag], bool] = lambda tag: False,
) -> tuple[list[Tag | NavigableString], list[Section]]:
    """The lead (blocks before the first heading) and every section of ``root``.

    ``is_pseudo_heading`` lets a block (a bold question line in a FAQ) open a section one
    level below any real heading."""
    blocks = list(_blocks(root))
    starts: list[tuple[int, int, Tag]] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Tag) and block.name in HEADINGS:
            starts.append((index, int(block.name[1]), block))
        elif isinstance(block, Tag) and is_pseudo_heading(block):
            starts.append((index, 7, block))
    lead = blocks[: starts[0][0]] if starts else blocks
    sections = []
    for position, (index, level, heading) in enumerate(starts):
        following = starts[position + 1 :]
        own_end = following[0][0] if following else len(blocks)
        full_end = next((start for start, lvl, _ in following if lvl <= level), len(blocks))
        title = plain_text(heading)
        anchor = anchor_of(heading) if anchor_of else (heading.get("id") or slugify(title))
        sections.append(
            Section(
                title=title,
                level=level,
                anchor=str(anchor),
                line=line_of(heading),
                own=blocks[index + 1 : own_end],
                full=blocks[index + 1 : full_end],
            )
        )
    return lead, sections


SOURCE_LINE_CLASS = "source-line-"


def source_line(tag: Tag) -> int | None:
    """The line in the original file: ``data-line`` (Markdown), a ``source-line-N`` class
    (docutils), or the parser's own position (HTML pages)."""
    line = tag.get("data-line")
    if line is not None:
        return int(str(line))
    for css_class in tag.get("class") or []:
        if css_class.startswith(SOURCE_LINE_CLASS):
            return int(css_class.removeprefix(SOURCE_LINE_CLASS))
    return tag.sourceline


_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def markdown_to_html(text: str, first_line: int = 1) -> str:
    """HTML for Markdown text, each heading and paragraph carrying its source line."""
    tokens = _MARKDOWN.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "paragraph_open") and token.map:
            token.attrSet("data-line", str(token.map[0] + first_line))
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})


# [ \t]* rather than \s*: a shortcode line is replaced in place, so line numbers hold.
_HIGHLIGHT_OPEN = re.compile(r"^[ \t]*\{\{<\s*highlight\s+(\w+)[^}]*>\}\}[ \t]*$", re.MULTILINE)
_HIGHLIGHT_CLOSE = re.compile(r"^[ \t]*\{\{<\s*/\s*highlight\s*>\}\}[ \t]*$", re.MULTILINE)
_SHORTCODE_LINE = re.compile(r"^[ \t]*\{\{[<%].*?[%>]\}\}[ \t]*$", re.MULTILINE)


def strip_shortcodes(text: str) -> str:
    """Hugo shortcodes are template syntax, not Markdown: a ``highlight`` pair becomes a code
    fence, any other shortcode line goes and its inner text stays."""
    text = _HIGHLIGHT_OPEN.sub(lambda match: f"```{match.group(1)}", text)
    text = _HIGHLIGHT_CLOSE.sub("```", text)
    return _SHORTCODE_LINE.sub("", text)
