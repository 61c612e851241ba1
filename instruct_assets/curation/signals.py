"""Quality signals: one row per example, measurements beside the examples, not instead of them.

Every signal is a column a rule can compare with a threshold, and a person can read when an
example is traced. All are Polars expressions over the whole table, except language
identification (fastText, one call per text).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl
from lemminflect import getAllLemmas

from instruct_assets.curation import patterns
from instruct_assets.curation.language import detect_languages
from instruct_assets.curation.shingles import ngram_hashes, row_words
from instruct_assets.curation.task_types import label_task_types

CHARS_PER_TOKEN = 4.0
"""English text averages about four characters per token in the common BPE vocabularies."""


def _lower(column: str) -> pl.Expr:
    return pl.col(column).str.to_lowercase()


def _words(column: str) -> pl.Expr:
    return pl.col(column).str.count_matches(r"\S+")


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


def _folded(column: str) -> pl.Expr:
    """Text with white space folded. Case and punctuation stay: fixing them is the whole task
    of many rewrite examples, so a response differing only there is no echo."""
    return pl.col(column).str.replace_all(r"\s+", " ").str.strip_chars()


def _length_signals() -> list[pl.Expr]:
    expressions = []
    for field in ("instruction", "input", "response"):
        expressions += [
            pl.col(field).str.len_chars().alias(f"{field}_chars"),
            _words(field).alias(f"{field}_words"),
            (pl.col(field).str.len_chars() / CHARS_PER_TOKEN)
            .ceil()
            .cast(pl.Int64)
            .alias(f"{field}_tokens"),
        ]
    return expressions


def _count_kept(column: str, removed: str) -> pl.Expr:
    """Characters left after deleting every run of ``removed`` (cheaper than count_matches
    over single characters)."""
    return pl.col(column).str.replace_all(removed, "").str.len_chars()


def _composition_signals() -> list[pl.Expr]:
    visible = pl.col("response").str.len_chars() - _count_kept("response", r"\S+")
    alphanumeric = _count_kept("response", r"[^\p{L}\p{N}]+")
    return [
        _ratio(alphanumeric, visible).alias("response_alnum_ratio"),
        _ratio(visible - alphanumeric, visible).alias("response_special_ratio"),
        _ratio(_count_kept("response", r"[^\p{L}]+"), visible).alias("response_letter_ratio"),
    ]


def _repeated_line_fraction() -> pl.Expr:
    lines = (
        pl.col("response")
        .str.split("\n")
        .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
    )
    return (
        _ratio((lines.list.len() - lines.list.n_unique()).cast(pl.Float64), lines.list.len())
        .fill_null(0.0)
        .alias("response_repeated_line_fraction")
    )


def _repeated_ngram_fraction(frame: pl.DataFrame, n: int = 3) -> pl.Series:
    """Share of the response's word n-grams that repeat an earlier one, on hashed words."""
    grams = ngram_hashes(row_words(frame["response"]), n)
    fractions = grams.group_by("row").agg(
        (1 - pl.col("hash").n_unique() / pl.len()).alias("fraction")
    )
    return (
        pl.DataFrame({"row": pl.arange(0, frame.height, eager=True, dtype=pl.Int64)})
        .join(fractions, on="row", how="left")
        .sort("row")["fraction"]
        .fill_null(0.0)
        .alias("response_repeated_ngram_fraction")
    )


def _is_refusal() -> pl.Expr:
    """Declines at the start of the response, unless the prompt itself holds such words (a
    rewrite of "I can't do it" is no refusal)."""
    prompt = pl.concat_str([_lower("instruction"), _lower("input")], separator="\n")
    return _lower("response").str.slice(0, 300).str.contains(
        patterns.REFUSAL
    ) & ~prompt.str.contains(patterns.DECLINE)


def _references_unseen_content(prompt: pl.Expr) -> pl.Expr:
    """A link the model never saw, or a picture, file or recording pointed at but absent
    (the input is empty or only a URL). A named work ("the painting 'Guernica'") is fine."""
    input_missing = (pl.col("input").str.strip_chars() == "") | pl.col("input").str.contains(
        patterns.URL_ONLY
    )
    return (
        _lower("instruction").str.contains(patterns.URL)
        | pl.col("input").str.contains(patterns.URL_ONLY)
        | (prompt.str.contains(patterns.UNSEEN_REFERENCE) & input_missing)
    )


def _behaviour_signals() -> list[pl.Expr]:
    response = _lower("response")
    prompt = pl.concat_str([_lower("instruction"), _lower("input")], separator="\n")
    return [
        _is_refusal().alias("is_refusal"),
        (_is_refusal() & response.str.contains(patterns.REFUSAL_POLITE)).alias("refusal_is_polite"),
        (_is_refusal() & response.str.contains(patterns.REFUSAL_ALTERNATIVE)).alias(
            "refusal_offers_alternative"
        ),
        response.str.contains(patterns.ASSISTANT_BOILERPLATE).alias("has_assistant_boilerplate"),
        _references_unseen_content(prompt).alias("references_unseen_content"),
        (pl.col("response").str.count_matches("```") % 2 == 1).alias("has_unclosed_code_fence"),
        (
            _lower("response").str.contains(patterns.DANGLING_END)
            & ~pl.col("response").str.contains(patterns.STRUCTURED_LAST_LINE)
        ).alias("ends_mid_sentence"),
        _lower("instruction").str.contains(patterns.ASKS_FOR_BREVITY).alias("asks_for_brevity"),
        (
            (_folded("response") != "")
            & (
                (_folded("response") == _folded("instruction"))
                | (_folded("response") == _folded("input"))
            )
        ).alias("echoes_prompt"),
        (
            response.str.strip_chars()
            .str.strip_chars_end(".!")
            .is_in(patterns.PLACEHOLDER_RESPONSES)
            | response.str.strip_chars().str.contains(patterns.PLACEHOLDER_TAG)
        ).alias("is_placeholder_response"),
        (pl.col("instruction").str.strip_chars() == "").alias("is_empty_instruction"),
    ]


def _sensitive_signals() -> list[pl.Expr]:
    text = pl.concat_str(
        [_lower("instruction"), _lower("input"), _lower("response")], separator="\n"
    )
    # extract_all yields whole matches ("password = hunter2..."); the value is group 1.
    passwords = text.str.extract_all(patterns.PASSWORD_VALUE).list.eval(
        pl.element()
        .str.extract(patterns.PASSWORD_VALUE, 1)
        .filter(
            pl.element().str.extract(patterns.PASSWORD_VALUE, 1).str.contains(r"\d")
            & pl.element().str.extract(patterns.PASSWORD_VALUE, 1).str.contains(r"[a-z]")
            & ~pl.element()
            .str.extract(patterns.PASSWORD_VALUE, 1)
            .str.contains(patterns.PASSWORD_PLACEHOLDER)
        )
    )
    emails = text.str.extract_all(patterns.EMAIL).list.eval(
        pl.element().filter(~pl.element().str.contains(patterns.EXAMPLE_EMAIL))
    )
    return [
        (text.str.contains(patterns.SECRET) | (passwords.list.len() > 0)).alias("contains_secret"),
        emails.list.len().alias("email_addresses"),
        text.str.count_matches(patterns.PHONE).alias("phone_numbers"),
    ]


def _merged_instructions(frame: pl.DataFrame) -> pl.Series:
    """Several tasks in one record: two or more numbered items in the instruction that each
    open with an imperative ("1. Write a haiku. 2. Name the largest planet.")."""
    items = (
        frame.select(
            pl.int_range(pl.len()).alias("row"),
            pl.col("instruction").str.extract_all(patterns.NUMBERED_ITEM).alias("item"),
        )
        .explode("item")
        .drop_nulls("item")
        .select(
            "row",
            pl.col("item").str.extract(patterns.NUMBERED_ITEM, 1).str.to_lowercase().alias("verb"),
            pl.col("item").str.extract(patterns.NUMBERED_ITEM, 2).str.to_lowercase().alias("next"),
        )
    )
    words = items["verb"].unique().to_list()
    only_verbs = [word for word in words if _verb_form(word) == "only"]
    verbs = [word for word in words if _verb_form(word) is not None]
    imperative = pl.col("verb").is_in(only_verbs) | (
        pl.col("verb").is_in(verbs) & pl.col("next").str.contains(patterns.VERB_OBJECT_START)
    )
    per_row = items.group_by("row").agg(imperative.sum().alias("imperatives"))
    return (
        pl.DataFrame({"row": pl.arange(0, frame.height, eager=True, dtype=pl.Int64)})
        .join(per_row.with_columns(pl.col("row").cast(pl.Int64)), on="row", how="left")
        .sort("row")
        .select((pl.col("imperatives").fill_null(0) >= 2).alias("merges_instructions"))
        .to_series()
    )


def _verb_form(word: str) -> str | None:
    """ "only" for a base-form verb that is never a noun ("write"), "also" for one that can be
    ("name", "list"), None otherwise."""
    lemmas = getAllLemmas(word)
    if "VERB" not in lemmas or lemmas["VERB"][0] != word:
        return None
    return "also" if "NOUN" in lemmas else "only"


def _quality_score(signals: pl.DataFrame) -> pl.Series:
    """A tie-breaker for choosing among duplicates, in [0, 1]: substantive, non-repetitive,
    free of boilerplate, ending properly."""
    return signals.select(
        (
            (pl.col("response_words").clip(0, 60) / 60) * 0.4
            + (1 - pl.col("response_repeated_ngram_fraction")) * 0.2
            + (1 - pl.col("response_repeated_line_fraction")) * 0.1
            + (~pl.col("has_assistant_boilerplate")).cast(pl.Float64) * 0.1
            + (~pl.col("ends_mid_sentence") & ~pl.col("has_unclosed_code_fence")).cast(pl.Float64)
            * 0.1
            + (~pl.col("references_unseen_content")).cast(pl.Float64) * 0.1
        )
        .round(4)
        .alias("quality_score")
    ).to_series()


CHUNK_ROWS = 100_000
"""Signals are computed this many examples at a time, so memory stays flat as data grows."""


def compute_signals(examples: pl.DataFrame, language_min_chars: int = 20) -> pl.DataFrame:
    """All signals for a normalised example table, keyed by ``example_id`` and ``record_id``."""
    chunks = [
        _chunk_signals(examples.slice(start, CHUNK_ROWS), language_min_chars)
        for start in range(0, max(examples.height, 1), CHUNK_ROWS)
    ]
    return pl.concat(chunks, how="vertical")


def _chunk_signals(examples: pl.DataFrame, language_min_chars: int) -> pl.DataFrame:
    # fastText holds the GIL while Polars releases it: identify languages in a worker thread
    # while the expressions run.
    with ThreadPoolExecutor(max_workers=1) as pool:
        languages = pool.submit(
            lambda: [
                detect_languages(examples[field], language_min_chars)
                for field in ("instruction", "response")
            ]
        )
        signals = examples.select(
            "example_id",
            "record_id",
            *_length_signals(),
            *_composition_signals(),
            _repeated_line_fraction(),
            *_behaviour_signals(),
            *_sensitive_signals(),
        )
        tasks = label_task_types(examples, _is_refusal())
        signals = signals.with_columns(
            _repeated_ngram_fraction(examples),
            _merged_instructions(examples),
            tasks["task_type"],
            tasks["task_rule"],
            tasks["task_confidence"],
        )
        instruction_language, response_language = languages.result()
    signals = signals.with_columns(
        instruction_language["language"].alias("instruction_language"),
        instruction_language["language_confidence"].alias("instruction_language_confidence"),
        response_language["language"].alias("response_language"),
        response_language["language_confidence"].alias("response_language_confidence"),
    )
    return signals.with_columns(_quality_score(signals))
