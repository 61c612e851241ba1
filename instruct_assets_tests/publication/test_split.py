"""Train/validation split: stratified, near duplicates together, deterministic."""

from __future__ import annotations

import random

import polars as pl
import pytest

from instruct_assets.publication.split import split_train_validation

VOCABULARY = [f"w{index}" for index in range(5000)]
SIZES = {"code": 40, "explain": 25, "classify": 10, "refusal": 2, "translate": 1}


def _distinct(rng: random.Random, words: int = 12) -> str:
    return " ".join(rng.choices(VOCABULARY, k=words))


def distinct_examples() -> pl.DataFrame:
    rng = random.Random(7)
    rows = []
    for task, size in SIZES.items():
        for index in range(size):
            rows.append(
                {
                    "record_id": f"{task}-{index:03d}",
                    "instruction": _distinct(rng),
                    "input": "",
                    "task_type": task,
                }
            )
    return pl.DataFrame(rows)


def near_duplicate_examples() -> tuple[pl.DataFrame, list[list[str]]]:
    """Distinct examples plus 12 clusters of three variants of a 25-word instruction, each
    variant changing one word (word 2-gram Jaccard about 0.85 with the original)."""
    rng = random.Random(11)
    frame = distinct_examples()
    rows, clusters = [], []
    for cluster in range(12):
        words = rng.choices(VOCABULARY, k=25)
        members = []
        for variant in range(3):
            changed = list(words)
            changed[(variant * 7) % 25] = f"variant{variant}"
            record = f"dup-{cluster:02d}-{variant}"
            members.append(record)
            rows.append(
                {
                    "record_id": record,
                    "instruction": " ".join(changed[:18]),
                    "input": " ".join(changed[18:]),
                    "task_type": ("code", "explain")[cluster % 2],
                }
            )
        clusters.append(members)
    return pl.concat([frame, pl.DataFrame(rows)]), clusters


def _by_task(frame: pl.DataFrame, split: pl.DataFrame) -> dict[str, tuple[int, int]]:
    joined = frame.join(split, on="record_id")
    return {
        task: (group.height, int((group["split"] == "validation").sum()))
        for (task,), group in joined.group_by("task_type")
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stratified_by_task_type(seed: int) -> None:
    frame = distinct_examples()
    split = split_train_validation(frame, validation_fraction=0.2, seed=seed)
    assert split.columns == ["record_id", "split", "split_group"]
    assert split["record_id"].to_list() == frame["record_id"].to_list()
    assert set(split["split"]) == {"train", "validation"}
    # Distinct instructions: every example is its own group.
    assert split["split_group"].to_list() == split["record_id"].to_list()
    counts = _by_task(frame, split)
    for task, (total, validation) in counts.items():
        if total == 1:
            assert validation == 0, task
        else:
            assert abs(validation - 0.2 * total) <= 1, (task, total, validation)
            assert 1 <= validation < total, task


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_near_duplicates_never_straddle(seed: int) -> None:
    frame, clusters = near_duplicate_examples()
    split = split_train_validation(frame, validation_fraction=0.3, seed=seed)
    side = dict(zip(split["record_id"], split["split"], strict=True))
    group = dict(zip(split["record_id"], split["split_group"], strict=True))
    for members in clusters:
        assert len({side[member] for member in members}) == 1, members
        assert {group[member] for member in members} == {min(members)}
    # Some clusters land in validation, some in training.
    assert len({side[members[0]] for members in clusters}) == 2
    for task, (total, validation) in _by_task(frame, split).items():
        if total > 1:
            assert abs(validation - 0.3 * total) <= 2, (task, total, validation)


def test_deterministic_under_shuffled_input() -> None:
    frame, _ = near_duplicate_examples()
    first = split_train_validation(frame, validation_fraction=0.25, seed=5)
    for shuffle_seed in (1, 2):
        shuffled = frame.sample(fraction=1.0, shuffle=True, seed=shuffle_seed)
        again = split_train_validation(shuffled, validation_fraction=0.25, seed=5)
        assert again["record_id"].to_list() == shuffled["record_id"].to_list()
        assert again.sort("record_id").equals(first.sort("record_id"))


def test_seed_changes_the_split() -> None:
    frame = distinct_examples()
    one = split_train_validation(frame, validation_fraction=0.2, seed=1)
    two = split_train_validation(frame, validation_fraction=0.2, seed=2)
    assert not one.equals(two)
    assert _by_task(frame, one) == _by_task(frame, two)  # same counts, other examples


def test_bad_arguments_and_empty_frame() -> None:
    frame = distinct_examples()
    with pytest.raises(ValueError, match="validation_fraction"):
        split_train_validation(frame, validation_fraction=1.0, seed=0)
    with pytest.raises(ValueError, match="unique"):
        split_train_validation(pl.concat([frame, frame.head(1)]), validation_fraction=0.2, seed=0)
    empty = split_train_validation(frame.head(0), validation_fraction=0.2, seed=0)
    assert empty.height == 0
    assert empty.columns == ["record_id", "split", "split_group"]
