"""Task labels and the diversity statistics that show whether a set is lopsided.

The label itself comes from the transparent rules in ``curation/task_types.py`` (already
computed with the signals, since curation thresholds depend on it). Here each curated example
gets its label with the rule and confidence that decided it, plus the instruction's leading verb
and its object noun: the "verb-noun" view Self-Instruct uses to show task diversity.
"""

from __future__ import annotations

from functools import cache

import polars as pl
from lemminflect import getAllLemmas

LABEL_COLUMNS = (
    "record_id",
    "example_id",
    "task_type",
    "task_rule",
    "task_confidence",
    "is_refusal",
    "quality_score",
    "response_words",
    "instruction_words",
)
# Words between the verb and its object: articles, quantities, particles, question words.
_SKIPPED = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "some",
        "any",
        "each",
        "every",
        "my",
        "your",
        "its",
        "their",
        "our",
        "following",
        "given",
        "new",
        "short",
        "brief",
        "simple",
        "list",
        "few",
        "one",
        "two",
        "three",
        "four",
        "five",
        "ten",
        "of",
        "me",
        "us",
        "up",
        "with",
        "out",
        "and",
        "or",
        "why",
        "how",
        "what",
        "which",
        "who",
        "whether",
        "if",
        "to",
        "for",
        "about",
        "on",
        "in",
        "it",
        "them",
        "him",
        "her",
        "you",
        "i",
        "is",
        "are",
        "be",
    ]
)


@cache
def _verb(word: str) -> str | None:
    verbs = getAllLemmas(word).get("VERB")
    return verbs[0] if verbs else None


@cache
def _noun(word: str) -> str | None:
    nouns = getAllLemmas(word).get("NOUN")
    return nouns[0] if nouns else None


def verb_and_noun(instruction: str) -> tuple[str | None, str | None]:
    """("write", "poem") for "Write a short poem about ..."; (None, None) when the
    instruction does not open with a verb (questions, statements)."""
    words = [word.strip(".,:;!?\"'()").lower() for word in instruction.split()[:12]]
    words = [word for word in words if word]
    if not words or words[0] in {"please"}:
        words = words[1:]
    if not words or _verb(words[0]) is None:
        return None, None
    verb = _verb(words[0])
    for word in words[1:]:
        if word in _SKIPPED:
            continue
        noun = _noun(word)
        if noun is not None:
            return verb, noun
    return verb, None


def task_labels(examples: pl.DataFrame, signals: pl.DataFrame) -> pl.DataFrame:
    """One row per curated example: its task label and what decided it, its verb and noun."""
    labels = examples.select("record_id", "instruction", "source_name", "origin").join(
        signals.select(*LABEL_COLUMNS), on="record_id", how="left"
    )
    pairs = [verb_and_noun(text) for text in labels["instruction"].to_list()]
    return labels.with_columns(
        pl.Series("leading_verb", [verb for verb, _ in pairs], dtype=pl.String),
        pl.Series("object_noun", [noun for _, noun in pairs], dtype=pl.String),
    ).drop("instruction")


def share_table(labels: pl.DataFrame, *columns: str) -> pl.DataFrame:
    total = max(labels.height, 1)
    return (
        labels.group_by(list(columns))
        .len("examples")
        .with_columns((pl.col("examples") / total).round(4).alias("share"))
        .sort("examples", descending=True)
    )


def verb_noun_table(labels: pl.DataFrame, limit: int = 30) -> pl.DataFrame:
    return (
        labels.drop_nulls("leading_verb")
        .group_by("leading_verb", "object_noun")
        .len("examples")
        .sort(["examples", "leading_verb"], descending=[True, False])
        .head(limit)
    )


def length_table(labels: pl.DataFrame) -> pl.DataFrame:
    """Response length in words per task type: the spread a trainer's model will learn."""
    return (
        labels.group_by("task_type")
        .agg(
            pl.len().alias("examples"),
            *(
                pl.col("response_words").quantile(q).alias(f"p{int(q * 100)}")
                for q in (0.1, 0.5, 0.9)
            ),
            pl.col("response_words").max().alias("max"),
        )
        .sort("task_type")
    )
