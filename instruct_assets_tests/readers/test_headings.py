"""Headings as questions or tasks."""

from __future__ import annotations

import pytest

from instruct_assets.readers.headings import (
    howto_phrase,
    is_question,
    starts_with_question_word,
    with_subject,
)


@pytest.mark.parametrize(
    "heading",
    [
        "How does replication work?",
        "Can I run it on Windows",
        "What's new",
        "  why bother ",
        "Is it safe?",
        "Background saving fails on Linux?",
        "Where is my data stored?",
    ],
)
def test_questions(heading):
    assert is_question(heading)


@pytest.mark.parametrize(
    "heading",
    [
        "Overview",
        "Limits",
        "Isolation levels",  # starts with "Is" but is not the word "is"
        "Whatever happens",
        "Howto guide",
        "Configuring replication",
        "Do not use KEYS in production",  # an imperative, not a question
    ],
)
def test_not_questions(heading):
    assert not is_question(heading)


def test_starts_with_question_word_ignores_a_trailing_question_mark():
    assert not starts_with_question_word("Background saving fails on Linux?")
    assert starts_with_question_word("how it works")


@pytest.mark.parametrize(
    ("heading", "phrase"),
    [
        ("Configuring replication", "configure replication"),
        ("Configuring replication.", "configure replication"),
        ("Create a stream", "create a stream"),
        ("Set up TLS", "set up TLS"),
        ("Setting up your cluster", "set up my cluster"),
        ("Back up your data", "back up my data"),
        ("Installing Redis", "install Redis"),
        ("Upgrade one node", "upgrade one node"),
        ("Run the server:", "run the server"),
        ("Using pipelines", "use pipelines"),
    ],
)
def test_howto_phrases(heading, phrase):
    assert howto_phrase(heading) == phrase


@pytest.mark.parametrize(
    "heading",
    [
        "Limits",
        "Overview",
        "Monitor queues",  # "monitor" is also a noun: not taken as a task
        "Examples",
        "Release notes",
        "Data types",
        "Use pipelines",
        "How does replication work?",
        # Noun phrases from real documentation headings, not tasks:
        "Mailing list",
        "Handling of info fields",
    ],
)
def test_not_howto(heading):
    assert howto_phrase(heading) is None


def test_with_subject():
    assert with_subject("configure replication", "Tidewater") == (
        "configure replication in Tidewater"
    )
    # Not repeated when the phrase names it already (any case).
    assert with_subject("install redis", "Redis") == "install redis"
    assert with_subject("install redis", None) == "install redis"
