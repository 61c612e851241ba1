"""HTML to clean Markdown, sections, and Hugo shortcodes."""

from __future__ import annotations

from instruct_assets.readers.markup import (
    content_root,
    html_fragment_to_markdown,
    markdown_to_html,
    parse_html,
    remove_debris,
    slugify,
    source_line,
    split_sections,
    strip_shortcodes,
    to_markdown,
)


def test_links_keep_text_and_images_vanish():
    html = '<p>See <a href="https://x.example/a">the guide</a>. <img src="a.png" alt="A"></p>'

    assert html_fragment_to_markdown(html) == "See the guide."


def test_code_block_language_from_markdown_class():
    html = '<pre><code class="language-python">print("a_b")\n</code></pre>'

    assert html_fragment_to_markdown(html) == '```python\nprint("a_b")\n```'


def test_code_block_language_from_docutils_class():
    html = '<pre class="code c literal-block">int x;</pre>'

    assert html_fragment_to_markdown(html) == "```c\nint x;\n```"


def test_lists_emphasis_and_no_escaping():
    html = "<ul><li>snake_case</li><li>a*b</li></ul><p><strong>bold</strong> <em>it</em></p>"

    assert html_fragment_to_markdown(html) == "- snake_case\n- a*b\n\n**bold** *it*"


def test_blank_runs_are_folded():
    assert to_markdown(parse_html("<p>a</p><br><br><br><p>b</p>")) == "a\n\nb"


def test_remove_debris_and_content_root():
    soup = parse_html(
        "<body><nav>Menu</nav><div class='cookie-consent'>Cookies!</div>"
        "<main><p>Body text.</p><script>track()</script></main>"
        "<footer>Legal</footer></body>"
    )

    remove_debris(soup)

    assert to_markdown(content_root(soup)) == "Body text."
    assert "Menu" not in str(soup)
    assert "Legal" not in str(soup)
    assert "Cookies" not in str(soup)


def test_split_sections_own_and_full():
    html = markdown_to_html(
        "Lead.\n\n# Title\n\nIntro.\n\n## A\n\nA text.\n\n### A1\n\nDeep.\n\n## B\n\nB text.\n"
    )
    lead, sections = split_sections(parse_html(html), source_line)

    assert to_markdown(lead) == "Lead."
    assert [(s.title, s.level, s.anchor, s.line) for s in sections] == [
        ("Title", 1, "title", 3),
        ("A", 2, "a", 7),
        ("A1", 3, "a1", 11),
        ("B", 2, "b", 15),
    ]
    a = sections[1]
    assert to_markdown(a.own) == "A text."
    assert to_markdown(a.full) == "A text.\n\n### A1\n\nDeep."


def test_sections_inside_containers_are_found():
    html = (
        "<article><section><h2>One</h2><p>x</p></section>"
        "<section><h2>Two</h2><p>y</p></section></article>"
    )
    _, sections = split_sections(parse_html(html), source_line)

    assert [(s.title, to_markdown(s.own)) for s in sections] == [("One", "x"), ("Two", "y")]


def test_markdown_to_html_numbers_lines_from_first_line():
    html = markdown_to_html("## Heading\n\nParagraph.\n", first_line=5)
    soup = parse_html(html)

    assert soup.h2 is not None and soup.h2["data-line"] == "5"
    assert soup.p is not None and soup.p["data-line"] == "7"


def test_slugify():
    assert slugify("How does replication work?") == "how-does-replication-work"
    assert slugify("C#/.NET  guide_one") == "cnet-guide-one"


def test_highlight_shortcode_becomes_a_fence():
    text = "{{< highlight bash >}}\necho hi\n{{< /highlight >}}"

    assert strip_shortcodes(text) == "```bash\necho hi\n```"


def test_other_shortcodes_go_and_keep_inner_text():
    text = (
        'A.\n{{< note >}}\nInner.\n{{< /note >}}\n{{% alert title="Tip" %}}\nTip.\n{{% /alert %}}\n'
    )
    stripped = strip_shortcodes(text)

    assert "{{" not in stripped
    assert "Inner." in stripped
    assert "Tip." in stripped


def test_strip_shortcodes_keeps_the_line_count():
    """Every later heading's source line depends on it: blank lines around a shortcode must
    not be swallowed."""
    text = (
        "Intro.\n\n{{< highlight bash >}}\necho hi\n{{< /highlight >}}\n\n## Next\n\n"
        "{{< note >}}\nInner.\n{{< /note >}}\n\nEnd.\n"
    )

    assert strip_shortcodes(text).count("\n") == text.count("\n")
