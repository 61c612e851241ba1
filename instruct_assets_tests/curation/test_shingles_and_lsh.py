"""Word n-gram shingles, MinHash signatures and LSH banding."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from instruct_assets.curation.lsh import (
    estimated_similarity,
    near_duplicate_pairs,
    optimal_bands,
    signatures,
    subset,
)
from instruct_assets.curation.shingles import jaccard, shingle

BASE = (
    "the old lighthouse keeper climbed the spiral stairs every evening to light the great lamp "
    "that guided fishing boats safely past the jagged rocks of the northern coast while storms "
    "raged over the dark and restless sea on winter nights"
)
UNRELATED = (
    "quarterly revenue grew by twelve percent as the company expanded its cloud services into "
    "new markets across asia and europe while reducing operating costs through automation and "
    "careful hiring during the year that followed the merger with a rival firm"
)


def _rows(shingles, row: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    return shingles.hashes[int(shingles.offsets[row]) : int(shingles.offsets[row + 1])]


def _one_word_changed(text: str, position: int, word: str) -> str:
    words = text.split()
    words[position] = word
    return " ".join(words)


def test_the_texts_are_forty_words_long() -> None:
    assert len(BASE.split()) == 40
    assert len(UNRELATED.split()) == 40


def test_identical_texts_get_identical_shingles() -> None:
    shingles = shingle(pl.Series([BASE, UNRELATED, BASE]), 3)
    assert shingles.rows == 3
    assert np.array_equal(_rows(shingles, 0), _rows(shingles, 2))
    assert len(_rows(shingles, 0)) == 38
    assert not np.array_equal(_rows(shingles, 0), _rows(shingles, 1))


def test_case_and_punctuation_do_not_change_shingles() -> None:
    shingles = shingle(pl.Series(["Hello, World! How are you?", "hello world how are you"]), 2)
    assert np.array_equal(_rows(shingles, 0), _rows(shingles, 1))


def test_a_text_shorter_than_n_words_gets_one_shingle() -> None:
    shingles = shingle(pl.Series(["two words", "two words", "other words", BASE]), 3)
    assert [len(_rows(shingles, row)) for row in range(3)] == [1, 1, 1]
    assert _rows(shingles, 0)[0] == _rows(shingles, 1)[0]
    assert _rows(shingles, 0)[0] != _rows(shingles, 2)[0]


def test_an_empty_text_still_gets_a_row() -> None:
    shingles = shingle(pl.Series(["", BASE, "!!!"]), 3)
    assert shingles.rows == 3
    assert len(_rows(shingles, 0)) == 1
    assert len(_rows(shingles, 2)) == 1
    assert len(_rows(shingles, 1)) == 38
    assert shingles.offsets[-1] == len(shingles.hashes)


def test_exact_jaccard() -> None:
    left, right = np.array([1, 2, 3, 3], dtype=np.uint64), np.array([2, 3, 4], dtype=np.uint64)
    assert jaccard(left, right) == 0.5
    assert jaccard(np.array([], dtype=np.uint64), np.array([], dtype=np.uint64)) == 1.0


def test_optimal_bands_match_datasketch() -> None:
    assert optimal_bands(0.8, 128) == (9, 13)


def test_near_duplicate_pairs_find_a_one_word_change() -> None:
    copy = _one_word_changed(BASE, 20, "trawlers")
    texts = pl.Series([UNRELATED, BASE, "a short unrelated note", copy])
    pairs, similarity = near_duplicate_pairs(shingle(texts, 3), 0.8, 128, 42)
    assert pairs.tolist() == [[1, 3]]
    assert similarity[0] >= 0.8


def test_near_duplicate_pairs_ignore_unrelated_texts() -> None:
    texts = pl.Series([BASE, UNRELATED, "a short unrelated note"])
    pairs, similarity = near_duplicate_pairs(shingle(texts, 3), 0.8, 128, 42)
    assert pairs.shape == (0, 2)
    assert similarity.size == 0


def test_subset_returns_the_chosen_rows_hashes() -> None:
    shingles = shingle(pl.Series([BASE, "two words", UNRELATED, "one two three four"]), 3)
    picked = subset(shingles, np.array([2, 0, 3]))
    assert picked.rows == 3
    for new, old in enumerate([2, 0, 3]):
        assert np.array_equal(_rows(picked, new), _rows(shingles, old))
    assert picked.offsets.tolist() == [0, 38, 76, 78]


def test_signatures_are_deterministic_and_shaped() -> None:
    shingles = shingle(pl.Series([BASE, UNRELATED]), 3)
    first = signatures(shingles, 128, 42)
    assert first.shape == (2, 128)
    assert first.dtype == np.uint32
    assert np.array_equal(first, signatures(shingles, 128, 42))


@pytest.mark.parametrize("changed", [1, 3, 6])
def test_estimated_similarity_is_close_to_exact_jaccard(changed: int) -> None:
    copy = BASE
    for position in range(0, changed * 6, 6):
        copy = _one_word_changed(copy, position, f"novel{position}")
    shingles = shingle(pl.Series([BASE, copy]), 3)
    exact = jaccard(_rows(shingles, 0), _rows(shingles, 1))
    estimate = estimated_similarity(signatures(shingles, 128, 42), np.array([[0, 1]]))[0]
    assert exact < 1.0
    assert abs(estimate - exact) <= 0.15
