"""Curation speed and memory, stage by stage, on the Alpaca set and a 10x near-duplicate load;
and our near-duplicate stage beside a plain datasketch MinHashLSH script.

    .venv/bin/python bench/curation_stages.py [--scale 10] [--skip-datasketch]

The 10x variant holds each Alpaca example ten times: the original and nine copies whose
response has one word changed, a known near-duplicate load. Each stage runs in a fresh process
on the previous stage's output, so its time excludes the others and its peak resident memory
is its own (the interpreter and libraries included; the baseline column shows them).

The comparison runs the whole-example index (word 3-grams, threshold 0.8, 128 permutations)
both ways on the same texts. Exact Jaccard is computed on a sample of the pairs either method
reports (precision) and on the pooled pairs that reach the threshold (recall).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data"
RECIPE = REPO_ROOT / "data" / "config" / "curation.yaml"
THRESHOLD, NUM_PERM, NGRAM = 0.8, 128, 3
SAMPLE_PAIRS = 3000


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_alpaca() -> pl.DataFrame:
    from instruct_assets.catalogue import Catalogue
    from instruct_assets.ingest import ingest_kind
    from instruct_assets.schema import SourceKind

    catalogue = Catalogue.load(REPO_ROOT / "bench" / "shared_sources.yaml")
    examples = ingest_kind(SHARED, catalogue, SourceKind.SYNTHETIC).examples
    return examples.filter(pl.col("source_name") == "alpaca")


def near_duplicate_load(examples: pl.DataFrame, scale: int) -> pl.DataFrame:
    """The originals plus ``scale - 1`` copies each, one response word changed per copy."""
    copies = [examples]
    for copy in range(1, scale):
        copies.append(
            examples.with_columns(
                pl.col("response").str.replace(r"[\p{L}\p{N}]+", f"zq{copy}x"),
                (pl.col("source_locator") + f" copy {copy}").alias("source_locator"),
                (pl.col("record_id") + f"-{copy}").alias("record_id"),
            )
        )
    return pl.concat(copies)


# Each stage: read its input table(s), run, write its output; timed without the I/O.
def _stage(name: str, folder: str, queue: multiprocessing.Queue) -> None:
    from instruct_assets.curation.decontamination import find_overlaps, load_benchmarks
    from instruct_assets.curation.dedup import deduplicate
    from instruct_assets.curation.normalize import normalize_examples
    from instruct_assets.curation.recipe import Recipe
    from instruct_assets.curation.rules import evaluate_rules, overlap_decisions
    from instruct_assets.curation.signals import compute_signals

    base = Path(folder)
    recipe = Recipe.load(RECIPE)
    baseline = _peak_mib()
    if name == "normalize":
        frame = pl.read_parquet(base / "candidates.parquet")
        started = time.perf_counter()
        out = normalize_examples(frame, recipe.normalization)
    elif name == "signals":
        frame = pl.read_parquet(base / "normalized.parquet")
        started = time.perf_counter()
        out = compute_signals(frame, recipe.rules.wrong_language.min_chars)
    elif name == "rules+decontamination":
        frame = pl.read_parquet(base / "normalized.parquet")
        signals = pl.read_parquet(base / "signals.parquet")
        benchmarks = load_benchmarks(SHARED / "eval")
        started = time.perf_counter()
        overlaps = find_overlaps(
            frame, benchmarks, recipe.decontamination.ngram, list(recipe.decontamination.fields)
        )
        decisions = pl.concat(
            [evaluate_rules(signals, recipe), overlap_decisions(overlaps, signals, recipe)]
        )
        out = frame.join(
            decisions.filter(pl.col("action") == "drop").select("record_id"),
            on="record_id",
            how="anti",
        )
    else:
        frame = pl.read_parquet(base / "clean.parquet")
        signals = pl.read_parquet(base / "signals.parquet")
        started = time.perf_counter()
        out = deduplicate(frame, signals, recipe.duplicates).unique
    seconds = time.perf_counter() - started
    target = {
        "normalize": "normalized",
        "signals": "signals",
        "rules+decontamination": "clean",
        "dedup": "unique",
    }[name]
    out.write_parquet(base / f"{target}.parquet")
    queue.put(
        {
            "stage": name,
            "rows": frame.height,
            "out": out.height,
            "seconds": seconds,
            "peak_mib": _peak_mib(),
            "baseline_mib": baseline,
        }
    )


def run_stages(examples: pl.DataFrame, label: str) -> None:
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        examples.write_parquet(Path(folder) / "candidates.parquet")
        print(f"\n{label}: {examples.height:,} examples")
        print(
            f"{'stage':<24}{'rows':>10}{'kept':>10}{'seconds':>9}{'rows/s':>11}"
            f"{'peak MiB':>10}{'(imports)':>10}"
        )
        total = 0.0
        for name in ("normalize", "signals", "rules+decontamination", "dedup"):
            queue: multiprocessing.Queue = context.Queue()
            process = context.Process(target=_stage, args=(name, folder, queue))
            process.start()
            row = queue.get()
            process.join()
            total += row["seconds"]
            print(
                f"{name:<24}{row['rows']:>10,}{row['out']:>10,}{row['seconds']:>9.2f}"
                f"{row['rows'] / row['seconds']:>11,.0f}{row['peak_mib']:>10.0f}"
                f"{row['baseline_mib']:>10.0f}"
            )
        print(f"{'all stages':<24}{'':>10}{'':>10}{total:>9.2f}{examples.height / total:>11,.0f}")


def python_shingles(text: str) -> set[str]:
    words = re.findall(r"[^\W_]+", text.lower())
    if len(words) < NGRAM:
        return {" ".join(words)}
    return {" ".join(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)}


def datasketch_pairs(texts: list[str]) -> tuple[set[tuple[int, int]], float]:
    """The plain script: Python shingles, one MinHash per text, MinHashLSH insert and query."""
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    hashes = []
    for key, text in enumerate(texts):
        minhash = MinHash(num_perm=NUM_PERM, seed=42)
        minhash.update_batch([shingle.encode() for shingle in python_shingles(text)])
        lsh.insert(key, minhash)
        hashes.append(minhash)
    pairs = set()
    for key, minhash in enumerate(hashes):
        for other in lsh.query(minhash):
            if other != key:
                pairs.add((min(key, other), max(key, other)))
    return pairs, time.perf_counter() - started


def our_pairs(texts: list[str]) -> tuple[set[tuple[int, int]], float]:
    from instruct_assets.curation.lsh import near_duplicate_pairs
    from instruct_assets.curation.shingles import shingle

    started = time.perf_counter()
    shingles = shingle(pl.Series(texts), NGRAM)
    pairs, _ = near_duplicate_pairs(shingles, THRESHOLD, NUM_PERM, 42)
    return {(int(a), int(b)) for a, b in pairs}, time.perf_counter() - started


def exact_jaccard(texts: list[str], pairs: list[tuple[int, int]]) -> np.ndarray:
    cache: dict[int, set[str]] = {}

    def shingles(index: int) -> set[str]:
        if index not in cache:
            cache[index] = python_shingles(texts[index])
        return cache[index]

    return np.array(
        [len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b)) for a, b in pairs]
    )


def compare(texts: list[str], label: str, with_datasketch: bool) -> None:
    ours, our_seconds = our_pairs(texts)
    found = {"ours (rensa + numpy banding)": (ours, our_seconds)}
    if with_datasketch:
        found["datasketch MinHashLSH"] = datasketch_pairs(texts)
    random.seed(7)
    pooled = sorted(set().union(*(pairs for pairs, _ in found.values())))
    pooled_sample = random.sample(pooled, min(SAMPLE_PAIRS, len(pooled)))
    truth = {
        pair
        for pair, value in zip(pooled_sample, exact_jaccard(texts, pooled_sample), strict=True)
        if value >= THRESHOLD
    }
    print(
        f"\nnear duplicates, {label}: {len(texts):,} texts, word {NGRAM}-grams, "
        f"threshold {THRESHOLD}, {NUM_PERM} permutations"
    )
    print(
        f"  pooled pairs {len(pooled):,}; exact Jaccard on a sample of {len(pooled_sample):,}: "
        f"{len(truth):,} at or above the threshold"
    )
    print(f"  {'method':<32}{'seconds':>9}{'pairs':>11}{'precision':>11}{'recall':>9}")
    for method, (pairs, seconds) in found.items():
        sample = random.sample(sorted(pairs), min(SAMPLE_PAIRS, len(pairs)))
        precision = float((exact_jaccard(texts, sample) >= THRESHOLD).mean()) if sample else 1.0
        recall = len(truth & pairs) / len(truth) if truth else 1.0
        print(f"  {method:<32}{seconds:>9.2f}{len(pairs):>11,}{precision:>11.3f}{recall:>9.3f}")


def whole(frame: pl.DataFrame) -> list[str]:
    return (
        frame.select(pl.concat_str(["instruction", "input", "response"], separator="\n"))
        .to_series()
        .to_list()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--skip-datasketch", action="store_true")
    parser.add_argument(
        "--datasketch-on-scaled",
        action="store_true",
        help="also run datasketch on the scaled set (slow)",
    )
    args = parser.parse_args()
    alpaca = load_alpaca()
    scaled = near_duplicate_load(alpaca, args.scale)
    run_stages(alpaca, "Alpaca")
    run_stages(scaled, f"Alpaca x{args.scale} (one word changed per copy)")
    compare(whole(alpaca), "Alpaca", not args.skip_datasketch)
    compare(
        whole(scaled),
        f"Alpaca x{args.scale}",
        args.datasketch_on_scaled and not args.skip_datasketch,
    )


if __name__ == "__main__":
    main()
