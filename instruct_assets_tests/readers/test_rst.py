"""reStructuredText with Sphinx roles and directives."""

from __future__ import annotations

from pathlib import Path

from instruct_assets.readers.rst import rst_to_html
from instruct_assets.schema import SourceKind

PAGE = """\
Title
=====

What does it do?
----------------

Call :func:`~os.path.join` with ``parts``; see :ref:`the style guide <style-guide>`.

.. code-block:: python

   print("hi")

.. code:: c

   int x;

>>> 1 + 1
2

.. toctree::

   other.rst

.. deprecated:: 3.0
   Use something else.
"""


def answer(read, tmp_path: Path, text: str, name: str = "page.rst") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = read(path, SourceKind.FAQ)
    assert len(result.examples) == 1, result
    return result.examples[0].response


def test_section_lines_point_at_the_title(tmp_path: Path):
    html, lines = rst_to_html(PAGE, "page.rst")

    assert lines == {"title": 1, "what-does-it-do": 4}
    assert "System Message" not in html
    assert "Unknown interpreted text role" not in html


def test_sphinx_roles_render_their_text(read, tmp_path: Path):
    text = answer(read, tmp_path, PAGE)

    assert text.startswith(
        'Call `os.path.join` with `parts`; see the style guide.\n\n```python\nprint("hi")\n```'
    )


def test_code_directives_are_fenced_with_language(read, tmp_path: Path):
    text = answer(read, tmp_path, PAGE)

    assert "```c\nint x;\n```" in text
    assert "```python\n>>> 1 + 1\n2\n```" in text


def test_toctree_dropped_and_version_notes_kept(read, tmp_path: Path):
    text = answer(read, tmp_path, PAGE)

    assert "other.rst" not in text
    assert text.endswith("Deprecated since version 3.0 Use something else.")


def test_rst_faq_fixture(read, fixture_path):
    result = read(fixture_path("faq/faq.rst"), SourceKind.FAQ)
    examples = {e.instruction: e for e in result.examples}

    length = examples["How do I measure the length of a stream?"]
    assert length.locator == "#how-do-i-measure-the-length-of-a-stream line 10"
    assert length.conversion == "faq_heading"
    # :func:`len` renders as `len`; versionadded keeps its version and its text.
    assert length.response.startswith("Call `len` on it, or use `Stream.size`.")
    assert "New in version 2.1" in length.response
    assert "Streams report their size in constant time." in length.response
    # The index directive is dropped entirely.
    assert "streams; length" not in length.response
    assert "index" not in length.response

    twice = examples["Can I iterate over a stream twice?"]
    assert twice.locator == "#can-i-iterate-over-a-stream-twice line 20"
    assert twice.response == "No. Copy it first:\n\n```\nitems = list(stream)\n```"


def test_rst_field_list_is_metadata_not_a_record(read, fixture_path):
    result = read(fixture_path("faq/faq.rst"), SourceKind.FAQ)

    assert all("tocdepth" not in r.raw_record for r in result.rejections)
    assert all("tocdepth" not in e.response for e in result.examples)


def test_rst_glossary_term_locator_is_its_source_line(read, fixture_path):
    path = fixture_path("faq/faq.rst")
    line = path.read_text(encoding="utf-8").splitlines().index("Stream") + 1
    result = read(path, SourceKind.FAQ)

    assert [(r.locator, r.rule) for r in result.rejections] == [
        (f"dt line {line}", "not_a_question")
    ]


def test_admonition_content_is_kept(read, tmp_path: Path):
    text = answer(
        read,
        tmp_path,
        "Why?\n====\n\nBecause.\n\n.. note::\n\n   Open the file in binary mode.\n",
    )

    assert "Open the file in binary mode." in text


def test_pep_and_rfc_roles_keep_their_label(read, tmp_path: Path):
    text = answer(read, tmp_path, "Why?\n====\n\nSee :pep:`8` and :rfc:`2822`.\n")

    assert "PEP 8" in text
    assert "RFC 2822" in text


def test_roles_in_directive_arguments_are_rendered(read, tmp_path: Path):
    text = answer(read, tmp_path, "Why?\n====\n\nBecause.\n\n.. seealso:: :mod:`os` for details.\n")

    assert ":mod:" not in text
    assert "os for details" in text.replace("`", "")
