"""Word n-gram shingles as 64-bit hashes, computed for a whole column at once.

Words are hashed once each; an n-gram's hash is a rolling polynomial of its word hashes
(wrapping u64 arithmetic). Rows are exploded in order, so an n-gram is valid only where the
row does not change inside its window: no per-row Python loop and no window function.
A text shorter than ``n`` words gets one shingle, the hash of all its words, so it can still
match an identical short text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

WORD = r"[\p{L}\p{N}]+"
_MULTIPLIER = 1_099_511_628_211  # FNV-1a 64-bit prime
_SEED = 1_469_598_103


@dataclass(frozen=True, slots=True)
class Shingles:
    """Shingle hashes of every row, flat and grouped by row (repeats allowed): row ``i`` owns
    ``hashes[offsets[i]:offsets[i + 1]]``."""

    hashes: np.ndarray
    offsets: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.offsets) - 1


def row_words(texts: pl.Series, *, lexical_only: bool = False) -> pl.DataFrame:
    """(row, word hash) for every word of every text, lower-cased, in order. ``lexical_only``
    keeps words of two or more characters with a letter: runs of numbers ("2, 3, 5, 7, ...")
    and one-letter variables are too common to prove anything."""
    words = (
        pl.DataFrame(
            {
                "row": np.arange(len(texts), dtype=np.int64),
                "word": texts.str.to_lowercase().str.extract_all(WORD),
            }
        )
        .explode("word")
        .drop_nulls("word")
    )
    if lexical_only:
        words = words.filter(
            pl.col("word").str.contains(r"\p{L}") & (pl.col("word").str.len_chars() >= 2)
        )
    return words.select("row", pl.col("word").hash(_SEED).alias("hash"))


def ngram_hashes(words: pl.DataFrame, n: int) -> pl.DataFrame:
    """(row, hash) for every word n-gram that lies inside one row."""
    rolling = pl.col("hash")
    same_row = pl.lit(True)
    for offset in range(1, n):
        rolling = rolling * _MULTIPLIER + pl.col("hash").shift(-offset)
        same_row = same_row & (pl.col("row").shift(-offset) == pl.col("row"))
    return (
        words.select("row", rolling.alias("hash"), same_row.alias("inside"))
        .filter(pl.col("inside"))
        .drop("inside")
    )


def shingle(texts: pl.Series, n: int) -> Shingles:
    words = row_words(texts)
    grams = ngram_hashes(words, n)
    short_rows = words.group_by("row").agg(pl.len().alias("words")).filter(pl.col("words") < n)
    whole = (
        words.join(short_rows.select("row"), on="row", how="semi")
        .group_by("row")
        .agg((pl.col("hash").sum() * _MULTIPLIER + pl.len().cast(pl.UInt64)).alias("hash"))
    )
    empty_rows = (
        pl.DataFrame({"row": np.arange(len(texts), dtype=np.int64)})
        .join(words.select("row").unique(), on="row", how="anti")
        .with_columns(pl.lit(0, dtype=pl.UInt64).alias("hash"))
    )
    # Rows are already in order within each part: a linear merge keeps them contiguous (only
    # contiguity matters; repeated hashes do not change a minimum, so no unique()).
    extra = pl.concat([whole, empty_rows], how="vertical").sort("row")
    flat = grams.merge_sorted(extra.cast(grams.schema), key="row") if extra.height else grams
    counts = np.bincount(flat["row"].to_numpy(), minlength=len(texts))
    offsets = np.zeros(len(texts) + 1, dtype=np.uint64)
    np.cumsum(counts, out=offsets[1:])
    return Shingles(hashes=flat["hash"].to_numpy().astype(np.uint64), offsets=offsets)


def jaccard(left: np.ndarray, right: np.ndarray) -> float:
    """Exact Jaccard similarity of two rows' shingle sets (for checks and benchmarks)."""
    left, right = np.unique(left), np.unique(right)
    union = np.union1d(left, right).size
    return np.intersect1d(left, right).size / union if union else 1.0
