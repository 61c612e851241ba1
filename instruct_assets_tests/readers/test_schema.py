"""Example and record ids."""

from __future__ import annotations

from instruct_assets.schema import example_id, normalise_for_id, record_id


def test_example_id_is_stable_and_short():
    first = example_id("Name a colour.", "", "Green.")

    assert first == example_id("Name a colour.", "", "Green.")
    assert len(first) == 16
    assert int(first, 16) >= 0


def test_example_id_ignores_whitespace_differences():
    assert example_id("Name  a\ncolour. ", "", "  Green.\t") == example_id(
        "Name a colour.", "", "Green."
    )


def test_example_id_normalises_unicode():
    composed = "caf\u00e9"
    decomposed = "cafe\u0301"

    assert example_id(composed, "", "x") == example_id(decomposed, "", "x")


def test_example_id_differs_by_content():
    base = example_id("Name a colour.", "", "Green.")

    assert example_id("Name a colour.", "", "Blue.") != base
    assert example_id("Name a colour.", "paint", "Green.") != base
    # Fields are separated: moving text between fields changes the id.
    assert example_id("ab", "", "c") != example_id("a", "b", "c")


def test_context_counts_only_when_present():
    single = example_id("Hi?", "", "Hello.")

    assert example_id("Hi?", "", "Hello.", [], None) == single
    assert example_id("Hi?", "", "Hello.", system="Be terse.") != single
    history = [{"role": "user", "content": "Before"}, {"role": "assistant", "content": "Ok"}]
    assert example_id("Hi?", "", "Hello.", history) != single
    assert example_id("Hi?", "", "Hello.", history) == example_id(
        "Hi?",
        "",
        "Hello.",
        [{"role": "user", "content": " Before "}, {"role": "assistant", "content": "Ok"}],
    )


def test_record_id_differs_by_locator_and_file():
    base = record_id("human/a.jsonl", "line 1")

    assert record_id("human/a.jsonl", "line 1") == base
    assert record_id("human/a.jsonl", "line 2") != base
    assert record_id("human/b.jsonl", "line 1") != base
    # Duplicated content in two places keeps two record ids.
    assert record_id("human/a.jsonl", "line 10") != record_id("human/a.jsonl", "line 1 0")


def test_normalise_for_id():
    assert normalise_for_id(None) == ""
    assert normalise_for_id("") == ""
    assert normalise_for_id("  a \n\n b\t") == "a b"
