"""MinHash signatures (rensa) and LSH banding (numpy) for near-duplicate candidate pairs.

rensa computes the signatures of all rows from one flat shingle-hash buffer in Rust. Its LSH
index answers per-object queries or duplicate flags, not the candidate pairs a cluster table
needs, so banding is done here: each band of each signature is hashed, rows that share a band
bucket become candidates, and a candidate pair is kept when its estimated Jaccard similarity
(the share of equal signature positions) reaches the threshold.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import rensa

from instruct_assets.curation.shingles import Shingles


@cache
def optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimising false positive plus false negative probability, as
    datasketch's MinHashLSH chooses them (equal weights)."""
    grid = np.linspace(0.0, 1.0, 2001)
    below, above = grid[grid <= threshold], grid[grid >= threshold]
    best: tuple[float, int, int] = (float("inf"), 1, 1)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            hit = lambda s, b=bands, r=rows: 1 - (1 - s**r) ** b  # noqa: E731
            false_positive = np.trapezoid(hit(below), below)
            false_negative = np.trapezoid(1 - hit(above), above)
            error = 0.5 * false_positive + 0.5 * false_negative
            if error < best[0]:
                best = (error, bands, rows)
    return best[1], best[2]


def _digests(shingles: Shingles, num_perm: int, seed: int) -> rensa.RMinHashDigestMatrix:
    return rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        shingles.hashes, shingles.offsets, num_perm, seed
    )


def signatures(shingles: Shingles, num_perm: int, seed: int) -> np.ndarray:
    """One MinHash signature (``num_perm`` u32 values) per row."""
    rows = _digests(shingles, num_perm, seed).to_rows()
    return np.array(rows, dtype=np.uint32).reshape(shingles.rows, num_perm)


def _prefilter_bands(rows_per_band: int, num_perm: int) -> int:
    """Bands for rensa's flag pass that find every candidate of our banding: any run of
    ``rows_per_band`` positions holds an aligned block of ``d`` when ``d <= (r + 1) / 2``."""
    block = max(
        d for d in range(1, num_perm + 1) if num_perm % d == 0 and d <= (rows_per_band + 1) // 2
    )
    return num_perm // block


def subset(shingles: Shingles, rows: np.ndarray) -> Shingles:
    starts = shingles.offsets[rows].astype(np.int64)
    lengths = (shingles.offsets[rows + 1] - shingles.offsets[rows]).astype(np.int64)
    offsets = np.zeros(len(rows) + 1, dtype=np.uint64)
    np.cumsum(lengths, out=offsets[1:])
    positions = np.repeat(starts - offsets[:-1].astype(np.int64), lengths) + np.arange(
        int(offsets[-1]), dtype=np.int64
    )
    return Shingles(hashes=shingles.hashes[positions], offsets=offsets)


def near_duplicate_pairs(
    shingles: Shingles, threshold: float, num_perm: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs whose estimated Jaccard similarity reaches ``threshold``, and that estimate.

    rensa flags, in Rust, the rows that share any band with another row; only those rows'
    signatures are brought into numpy for pairing (converting all of them costs more than
    everything else in this stage)."""
    bands, rows_per_band = optimal_bands(threshold, num_perm)
    index = rensa.RMinHashLSH(threshold, num_perm, _prefilter_bands(rows_per_band, num_perm))
    flags = np.asarray(
        index.query_duplicate_flags_matrix_one_shot(_digests(shingles, num_perm, seed))
    )
    flagged = np.flatnonzero(flags)
    if len(flagged) < 2:
        return np.empty((0, 2), dtype=np.int64), np.empty(0)
    signature = signatures(subset(shingles, flagged), num_perm, seed)
    pairs = candidate_pairs(signature, bands, rows_per_band)
    similarity = estimated_similarity(signature, pairs)
    keep = similarity >= threshold
    return flagged[pairs[keep]], similarity[keep]


def candidate_pairs(signature: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(first, second) row pairs sharing at least one band bucket, each pair once.

    Within a bucket every member is paired with the bucket's first member and with its
    neighbour in row order: enough edges to connect a cluster without the quadratic blow-up
    of all pairs in a large bucket."""
    pairs = []
    for band in range(bands):
        keys = np.ascontiguousarray(signature[:, band * rows : (band + 1) * rows])
        keyed = keys.view(np.dtype((np.void, keys.dtype.itemsize * rows))).ravel()
        _, bucket = np.unique(keyed, return_inverse=True)
        order = np.argsort(bucket, kind="stable")
        sorted_buckets = bucket[order]
        same_as_previous = np.concatenate([[False], sorted_buckets[1:] == sorted_buckets[:-1]])
        if not same_as_previous.any():
            continue
        starts = np.flatnonzero(~same_as_previous)
        leader = order[starts[np.cumsum(~same_as_previous) - 1]]
        members = np.flatnonzero(same_as_previous)
        pairs.append(np.stack([leader[members], order[members]], axis=1))
        pairs.append(np.stack([order[members - 1], order[members]], axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    stacked = np.sort(np.concatenate(pairs), axis=1)
    stacked = stacked[stacked[:, 0] != stacked[:, 1]]
    # One int64 key per pair: a 1-D unique is far cheaper than unique(axis=0) on rows.
    size = np.int64(len(signature))
    keys = np.unique(stacked[:, 0].astype(np.int64) * size + stacked[:, 1])
    return np.stack([keys // size, keys % size], axis=1)


def estimated_similarity(signature: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    if len(pairs) == 0:
        return np.empty(0)
    return (signature[pairs[:, 0]] == signature[pairs[:, 1]]).mean(axis=1)
