"""reStructuredText to HTML with docutils, tolerant of Sphinx sources.

Sphinx adds roles (``:func:``) and directives (``.. versionadded::``) that plain docutils does
not know; left alone they become error messages inside the text. Every unknown name found in
a page is registered before parsing: text roles render their text (``:ref:`Title <target>```
becomes ``Title``), code-ish roles render as inline code, code directives as code blocks,
index-like directives vanish, and any other directive keeps its content.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.core import publish_doctree, publish_from_doctree
from docutils.parsers.rst import Directive, directives, roles
from docutils.parsers.rst.languages import en as english

from instruct_assets.readers.markup import SOURCE_LINE_CLASS

_ROLE_USE = re.compile(r":([A-Za-z][\w:+.-]*):`")
_DIRECTIVE_USE = re.compile(r"^\s*\.\.\s+([A-Za-z][\w:+.-]*)::", re.MULTILINE)
_TITLE_AND_TARGET = re.compile(r"^(.*?)\s*<[^<>]+>$", re.DOTALL)

TEXT_ROLES = frozenset(
    {
        "ref",
        "doc",
        "term",
        "abbr",
        "dfn",
        "menuselection",
        "guilabel",
        "numref",
        "download",
        "index",
        "sup",
        "sub",
        "strong",
        "emphasis",
    }
)
DROPPED_DIRECTIVES = frozenset(
    {
        "index",
        "toctree",
        "highlight",
        "highlightlang",
        "tabularcolumns",
        "sectionauthor",
        "moduleauthor",
        "module",
        "currentmodule",
        "codeauthor",
        "testsetup",
        "testcleanup",
        "default-role",
        "default-domain",
        "contents",
        "only",
        "raw",
        "meta",
        "spelling:word-list",
        "rubric",
        "sidebar",
        "autosummary",
        "automodule",
        "autoclass",
        "autofunction",
    }
)
CODE_DIRECTIVES = frozenset(
    {"code-block", "sourcecode", "doctest", "testcode", "testoutput", "literalinclude"}
)
_LABELS = {
    "versionadded": "New in version",
    "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version",
    "seealso": "See also:",
}

SETTINGS: dict[str, Any] = {
    "report_level": 5,
    "halt_level": 5,
    "doctitle_xform": False,
    "syntax_highlight": "none",
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "input_encoding": "unicode",
    "output_encoding": "unicode",
    "embed_stylesheet": False,
    "stylesheet_path": "",
}


def _role(rawtext: str, text: str, *, literal: bool) -> list[nodes.Node]:
    text = text.lstrip("~!")
    titled = _TITLE_AND_TARGET.match(text)
    shown = titled.group(1) if titled else text
    return [nodes.literal(rawtext, shown) if literal else nodes.Text(shown)]


def _text_role(name, rawtext, text, lineno, inliner, options=None, content=None):  # type: ignore[no-untyped-def]
    return _role(rawtext, text, literal=False), []


def _code_role(name, rawtext, text, lineno, inliner, options=None, content=None):  # type: ignore[no-untyped-def]
    return _role(rawtext, text, literal=True), []


class _Dropped(Directive):
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec: ClassVar[Any] = None

    def run(self) -> list[nodes.Node]:
        return []


class _Code(Directive):
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[Any] = None

    def run(self) -> list[nodes.Node]:
        code = "\n".join(self.content)
        block = nodes.literal_block(code, code)
        block["classes"] += ["code", *(self.arguments[:1] or [])]
        return [block]


class _Container(Directive):
    """Any other directive: its argument (a version, a see-also line) and content are kept."""

    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec: ClassVar[Any] = None

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        label = _LABELS.get(self.name, "")
        argument = " ".join(self.arguments)
        if label or argument:
            text = " ".join(part for part in (label, argument) if part)
            inline, _messages = self.state.inline_text(text, self.lineno)  # roles in arguments
            container += nodes.paragraph(text, "", *inline)
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, container)
        return [container]


def _known_directive(name: str) -> bool:
    canonical = english.directives.get(name, name)
    return name in directives._directives or canonical in directives._directive_registry


def _known_role(name: str) -> bool:
    """Built in to docutils, under its English name (``pep`` is ``pep-reference``)."""
    canonical = english.roles.get(name, name)
    return name in roles._roles or canonical in roles._role_registry


def register_sphinx_names(text: str) -> None:
    """Make docutils understand the roles and directives this text uses."""
    for name in set(_ROLE_USE.findall(text)):
        if name.lower() in TEXT_ROLES:
            roles.register_local_role(name, _text_role)
        elif not _known_role(name):
            roles.register_local_role(name, _code_role)
    for name in set(_DIRECTIVE_USE.findall(text)):
        if name in DROPPED_DIRECTIVES:
            directives.register_directive(name, _Dropped)
        elif name in CODE_DIRECTIVES:
            directives.register_directive(name, _Code)
        elif not _known_directive(name):
            directives.register_directive(name, _Container)


def rst_to_html(text: str, source_path: str) -> tuple[str, dict[str, int]]:
    """HTML body for an RST page and the source line of each section, by section id."""
    register_sphinx_names(text)
    doctree = publish_doctree(text, source_path=source_path, settings_overrides=SETTINGS)
    lines: dict[str, int] = {}
    for section in doctree.findall(nodes.section):
        if section["ids"] and section.line:
            # docutils reports the line below the title (its underline).
            lines[section["ids"][0]] = max(section.line - 1, 1)
    for term in doctree.findall(nodes.term):
        line = term.line or term.parent.line
        if line:
            term["classes"].append(f"{SOURCE_LINE_CLASS}{line}")
    html = publish_from_doctree(doctree, writer="html5", settings_overrides=SETTINGS)
    return str(html), lines
