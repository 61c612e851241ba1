"""Ingest the whole shared public corpus and report records per second and peak memory per
source kind.

Each kind runs in a fresh process so its peak resident memory is its own (the figure includes
the interpreter and the imported libraries; the baseline line shows how much that is).

    .venv/bin/python bench/ingest_shared_corpus.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = REPO_ROOT / "bench" / "shared_sources.yaml"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(kind_name: str, shared: str, queue: multiprocessing.Queue) -> None:
    from instruct_assets.catalogue import Catalogue
    from instruct_assets.ingest import ingest_kind
    from instruct_assets.schema import SourceKind

    baseline = _peak_mib()
    started = time.perf_counter()
    result = ingest_kind(Path(shared), Catalogue.load(CATALOGUE), SourceKind(kind_name))
    seconds = time.perf_counter() - started
    queue.put(
        {
            "kind": kind_name,
            "files": result.files.height,
            "records": int(result.files["records_read"].sum()),
            "examples": result.examples.height,
            "rejected": result.rejections.height,
            "seconds": seconds,
            "baseline_mib": baseline,
            "peak_mib": _peak_mib(),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(REPO_ROOT.parent / "shared" / "data"))
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    print(
        f"{'kind':<10} {'files':>6} {'records':>8} {'examples':>9} {'rejected':>9} "
        f"{'seconds':>8} {'records/s':>10} {'peak MiB':>9} {'(imports)':>10}"
    )
    totals = {"records": 0, "seconds": 0.0}
    for kind in ("faq", "docs", "human", "synthetic"):
        queue: multiprocessing.Queue = context.Queue()
        process = context.Process(target=_measure, args=(kind, args.shared, queue))
        process.start()
        row = queue.get()
        process.join()
        totals["records"] += row["records"]
        totals["seconds"] += row["seconds"]
        print(
            f"{row['kind']:<10} {row['files']:>6} {row['records']:>8} {row['examples']:>9} "
            f"{row['rejected']:>9} {row['seconds']:>8.2f} "
            f"{row['records'] / row['seconds']:>10,.0f} "
            f"{row['peak_mib']:>9.0f} {row['baseline_mib']:>10.0f}"
        )
    print(
        f"{'all':<10} {'':>6} {totals['records']:>8} {'':>9} {'':>9} {totals['seconds']:>8.2f} "
        f"{totals['records'] / totals['seconds']:>10,.0f}"
    )


if __name__ == "__main__":
    main()
