"""Decontamination: word n-gram overlap with evaluation benchmarks."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest

from instruct_assets.curation.decontamination import (
    MATCH_SCHEMA,
    BenchmarkError,
    BenchmarkItem,
    benchmark_files,
    find_overlaps,
    load_benchmarks,
    read_benchmark,
)
from instruct_assets.curation.recipe import Recipe
from instruct_assets_tests.curation.conftest import make_examples, shared_data_or_skip

FIELDS = ["instruction", "input", "response"]
PRIMES = ", ".join(
    str(p) for p in [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71]
)
# 19 words: seven 13-grams.
SENTENCE = (
    "the committee agreed that every library branch would open two hours later on sundays "
    "during the long summer holidays"
)


@pytest.fixture(scope="module")
def eval_dir() -> Path:
    return shared_data_or_skip() / "eval"


@pytest.fixture(scope="module")
def benchmarks(eval_dir: Path) -> list[BenchmarkItem]:
    return load_benchmarks(eval_dir)


def _line(path: Path, number: int) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle, start=1):
            if index == number:
                return json.loads(line)
    raise AssertionError(f"{path} has no line {number}")


def _humaneval(eval_dir: Path, task_id: str) -> dict[str, str]:
    with gzip.open(eval_dir / "humaneval" / "HumanEval.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["task_id"] == task_id:
                return record
    raise AssertionError(f"no {task_id}")


def test_the_public_benchmarks_load_with_their_item_ids(
    eval_dir: Path, benchmarks: list[BenchmarkItem]
) -> None:
    ids = [item.item_id for item in benchmarks]
    assert len(ids) == 1319 + 164
    assert "gsm8k/test.jsonl:line 1" in ids
    assert "gsm8k/test.jsonl:line 1319" in ids
    assert "humaneval/HumanEval.jsonl.gz:HumanEval/0" in ids
    assert "humaneval/HumanEval.jsonl.gz:HumanEval/163" in ids
    assert [path.name for path in benchmark_files(eval_dir)] == ["test.jsonl", "HumanEval.jsonl.gz"]


def test_a_quoted_gsm8k_question_is_matched(
    eval_dir: Path, benchmarks: list[BenchmarkItem], recipe: Recipe
) -> None:
    question = _line(eval_dir / "gsm8k" / "test.jsonl", 5)["question"]
    examples = make_examples(
        {
            "instruction": "Solve this word problem step by step.",
            "input": question,
            "response": "She needs 20 cups.",
        },
        {"instruction": "Name a primary colour.", "response": "Red is a primary colour."},
    )
    matches = find_overlaps(
        examples,
        benchmarks,
        recipe.decontamination.ngram,
        recipe.decontamination.fields,
        recipe.decontamination.min_shared_ngrams,
    )
    assert matches.schema == MATCH_SCHEMA
    assert matches["record_id"].to_list() == [examples["record_id"][0]]
    assert matches["benchmark_item"].to_list() == ["gsm8k/test.jsonl:line 5"]
    assert matches["shared_ngrams"][0] > 30


def test_a_humaneval_prompt_copied_into_a_response_is_matched(
    eval_dir: Path, benchmarks: list[BenchmarkItem], recipe: Recipe
) -> None:
    prompt = _humaneval(eval_dir, "HumanEval/2")["prompt"]
    examples = make_examples(
        {"instruction": "Write a function for this docstring.", "response": prompt + "    ..."},
        {
            "instruction": "Write a Python function that adds two numbers.",
            "response": "```python\ndef add(a, b):\n    return a + b\n```",
        },
    )
    matches = find_overlaps(examples, benchmarks, recipe.decontamination.ngram, FIELDS)
    assert matches.rows() == [
        (
            examples["record_id"][0],
            "humaneval/HumanEval.jsonl.gz:HumanEval/2",
            matches["shared_ngrams"][0],
        )
    ]
    assert matches["shared_ngrams"][0] > 10


def test_unrelated_examples_do_not_match(benchmarks: list[BenchmarkItem]) -> None:
    examples = make_examples(
        {
            "instruction": "Explain photosynthesis.",
            "response": "Photosynthesis is the process by which green plants use sunlight, water "
            "and carbon dioxide to make glucose and oxygen in their chloroplasts.",
        },
    )
    matches = find_overlaps(examples, benchmarks, 13, FIELDS)
    assert matches.is_empty()
    assert matches.schema == MATCH_SCHEMA


def _own_benchmark(tmp_path: Path) -> tuple[Path, list[BenchmarkItem]]:
    eval_dir = tmp_path / "eval"
    (eval_dir / "mine").mkdir(parents=True)
    lines = [
        {"id": "primes", "question": f"Continue the list: {PRIMES}", "answer": "73"},
        {"task_id": "T/7", "text": SENTENCE, "meta": {"notes": ["nested text counts"]}},
        {"question": "What is the capital of France?", "answer": "Paris"},
    ]
    path = eval_dir / "mine" / "items.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    return eval_dir, load_benchmarks(eval_dir)


def test_an_own_benchmark_file_is_read_with_ids(tmp_path: Path) -> None:
    _, items = _own_benchmark(tmp_path)
    assert [item.item_id for item in items] == [
        "mine/items.jsonl:primes",
        "mine/items.jsonl:T/7",
        "mine/items.jsonl:line 3",
    ]
    assert items[1].text == f"T/7\n{SENTENCE}\nnested text counts"


def test_a_list_of_numbers_proves_nothing(tmp_path: Path) -> None:
    _, items = _own_benchmark(tmp_path)
    examples = make_examples(
        {"instruction": "List the first twenty primes.", "response": PRIMES},
        {"instruction": "Repeat the notice.", "response": f"Notice: {SENTENCE}."},
    )
    matches = find_overlaps(examples, items, 13, FIELDS)
    assert matches.rows() == [(examples["record_id"][1], "mine/items.jsonl:T/7", 7)]


def test_n_grams_do_not_span_fields(tmp_path: Path) -> None:
    _, items = _own_benchmark(tmp_path)
    words = SENTENCE.split()
    examples = make_examples(
        {"instruction": " ".join(words[:9]), "response": " ".join(words[9:])},
    )
    assert find_overlaps(examples, items, 13, FIELDS).is_empty()
    assert find_overlaps(examples, items, 13, ["response"]).is_empty()


def test_min_shared_ngrams_is_honoured(tmp_path: Path) -> None:
    _, items = _own_benchmark(tmp_path)
    # The first 14 words of the sentence give two 13-grams.
    fourteen = " ".join(SENTENCE.split()[:14])
    examples = make_examples({"instruction": "Quote the notice.", "response": fourteen})
    assert find_overlaps(examples, items, 13, FIELDS, min_shared=2)["shared_ngrams"].to_list() == [
        2
    ]
    assert find_overlaps(examples, items, 13, FIELDS, min_shared=3).is_empty()


def test_the_item_sharing_most_is_reported(tmp_path: Path) -> None:
    eval_dir = tmp_path / "eval"
    eval_dir.mkdir()
    words = SENTENCE.split()
    (eval_dir / "b.jsonl").write_text(
        json.dumps({"id": "short", "text": " ".join(words[:13])})
        + "\n"
        + json.dumps({"id": "full", "text": SENTENCE})
        + "\n",
        encoding="utf-8",
    )
    examples = make_examples({"instruction": "Quote.", "response": SENTENCE})
    assert find_overlaps(examples, load_benchmarks(eval_dir), 13, FIELDS).rows() == [
        (examples["record_id"][0], "b.jsonl:full", 7)
    ]


def test_no_benchmarks_or_no_examples_give_no_matches(tmp_path: Path) -> None:
    assert load_benchmarks(tmp_path / "absent") == []
    examples = make_examples({"instruction": "Quote.", "response": SENTENCE})
    assert find_overlaps(examples, [], 13, FIELDS).schema == MATCH_SCHEMA
    _, items = _own_benchmark(tmp_path)
    assert find_overlaps(examples.clear(), items, 13, FIELDS).is_empty()


def test_a_broken_benchmark_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1}\n{not json\n', encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"bad\.jsonl line 2"):
        read_benchmark(path, tmp_path)


def test_a_gzipped_benchmark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"question_id": 9, "q": SENTENCE}) + "\n")
    (item,) = read_benchmark(path, tmp_path)
    assert item.item_id == "set.jsonl.gz:9"
    examples = make_examples({"instruction": SENTENCE, "response": "Noted."})
    assert find_overlaps(examples, [item], 13, FIELDS).rows() == [
        (examples["record_id"][0], "set.jsonl.gz:9", 7)
    ]
    assert isinstance(examples, pl.DataFrame)
