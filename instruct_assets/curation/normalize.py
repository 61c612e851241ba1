"""Normalisation: one consistent form for every text field, each change recorded.

Every step is a vectorised Polars expression, except Unicode repair: ftfy costs about 2.7 s per
field on the 52k Alpaca outputs, so it runs only on the rows a cheap pattern flags as possibly
broken (mojibake pairs, HTML entities). ``normalizations`` lists what fired for each example,
as ``field:step``, so no change is silent.
"""

from __future__ import annotations

from collections.abc import Callable

import ftfy
import polars as pl

from instruct_assets.curation.recipe import Normalization
from instruct_assets.schema import example_id

TEXT_FIELDS = ("instruction", "input", "response", "system")

# UTF-8 read as cp1252/latin-1 leaves a lead byte (Â..ô) followed by a continuation byte or a
# cp1252 special; HTML entities are the other common breakage ftfy repairs.
MOJIBAKE_SUSPECT = (
    r"[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    r"|&(?:amp|lt|gt|quot|apos|nbsp|#\d{2,5}|#x[0-9a-fA-F]{2,4});"
)
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]"
CURLY_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
}
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False)


def _repair_unicode(series: pl.Series) -> pl.Series:
    suspects = series.str.contains(MOJIBAKE_SUSPECT).fill_null(False)
    indices = suspects.arg_true()
    if indices.len() == 0:
        return series
    fixed = [ftfy.fix_text(text, _FTFY) for text in series.gather(indices).to_list()]
    return series.scatter(indices, fixed)


def _straighten_quotes(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list(CURLY_QUOTES), list(CURLY_QUOTES.values()))


def _remove_control_characters(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(CONTROL_CHARACTERS, "")


def _normalize_whitespace(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all(r"\r\n?", "\n")
        .str.replace_all("\u00a0", " ", literal=True)
        .str.replace_all(r"[ \t]+\n", "\n")
        .str.replace_all(r"\n{3,}", "\n\n")
        # Leading blank lines go, but not the first line's indentation (code keeps its shape).
        .str.replace(r"^(?:[ \t]*\n)+", "")
        .str.strip_chars_end()
    )


Step = tuple[str, Callable[[pl.Expr], pl.Expr]]


def _expression_steps(settings: Normalization) -> list[Step]:
    steps: list[Step] = []
    if settings.straighten_quotes:
        steps.append(("quotes_straightened", _straighten_quotes))
    if settings.remove_control_characters:
        steps.append(("control_characters_removed", _remove_control_characters))
    if settings.normalize_whitespace:
        steps.append(("whitespace_normalized", _normalize_whitespace))
    return steps


def normalize_examples(frame: pl.DataFrame, settings: Normalization) -> pl.DataFrame:
    """Normalised text fields, a recomputed ``example_id``, and a ``normalizations`` list."""
    fired: list[pl.Series] = []
    work = frame
    for field in TEXT_FIELDS:
        if settings.fix_unicode:
            repaired = _repair_unicode(work[field])
            fired.append(repaired.ne_missing(work[field]).alias(f"{field}:unicode_repaired"))
            work = work.with_columns(repaired.alias(field))
        for name, step in _expression_steps(settings):
            changed = work.select(
                step(pl.col(field)).alias("value"),
                step(pl.col(field)).ne_missing(pl.col(field)).alias("flag"),
            )
            fired.append(changed["flag"].alias(f"{field}:{name}"))
            work = work.with_columns(changed["value"].alias(field))
    if settings.placeholder_inputs:
        placeholders = [value.strip().lower() for value in settings.placeholder_inputs]
        cleared = work.select(
            (
                pl.col("input")
                .str.strip_chars()
                .str.to_lowercase()
                .str.strip_chars_end(".!")
                .is_in(placeholders)
                & (pl.col("input") != "")
            ).fill_null(False)
        ).to_series()
        fired.append(cleared.alias("input:placeholder_cleared"))
        work = work.with_columns(
            pl.when(cleared).then(pl.lit("")).otherwise(pl.col("input")).alias("input")
        )
    work = work.with_columns(
        pl.col("history").list.eval(
            pl.element().struct.with_fields(
                _normalize_whitespace(_remove_control_characters(pl.field("content")))
            )
        ),
        _fired_names(fired, frame.height),
    )
    return work.with_columns(pl.Series("example_id", _example_ids(work), dtype=pl.String))


def _fired_names(fired: list[pl.Series], height: int) -> pl.Series:
    if not fired:
        return pl.Series("normalizations", [[]] * height, dtype=pl.List(pl.String))
    flags = pl.DataFrame(fired)
    return flags.select(
        pl.concat_list([pl.when(pl.col(name)).then(pl.lit(name)) for name in flags.columns])
        .list.drop_nulls()
        .alias("normalizations")
    ).to_series()


def _example_ids(frame: pl.DataFrame) -> list[str]:
    return [
        example_id(instruction, input_text, response, history or (), system)
        for instruction, input_text, response, history, system in frame.select(
            "instruction", "input", "response", "history", "system"
        ).iter_rows()
    ]
