"""The dataset card: ``README.md`` beside the published files, with plots under ``plots/``.

It says what is in the dataset (counts by source, origin and task type, refusal share, the
train/validation split), how it was made (the recipe's rules and thresholds, what each stage
dropped) and how to trace any line back to the raw record it came from. Every file is written
beside its target and renamed into place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

PLOTS_DIR = "plots"
LENGTH_PLOT = "response_words_by_task_type.png"
MIX_PLOT = "task_type_mix.png"
DEFAULT_TITLE = "instruct-assets instruction-tuning dataset"


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def count_lines(path: Path) -> int:
    """Lines of a text file (a last line without a newline counts)."""
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def _cell(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(headers: Sequence[str], rows: Iterator[Sequence[Any]] | list[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "n/a"


def _counts_table(dataset: pl.DataFrame, column: str, header: str) -> str:
    counts = (
        dataset.group_by(pl.col(column).fill_null("(none)"))
        .agg(pl.len().alias("examples"))
        .sort(["examples", column], descending=[True, False])
    )
    total = dataset.height
    return _table(
        [header, "examples", "share"],
        [
            (row[column], row["examples"], _share(row["examples"], total))
            for row in counts.rows(named=True)
        ],
    )


def _sources_table(dataset: pl.DataFrame) -> str:
    keys = [c for c in ("source_name", "source_kind", "origin", "license") if c in dataset.columns]
    counts = (
        dataset.group_by([pl.col(c).fill_null("(none)") for c in keys])
        .agg(pl.len().alias("examples"))
        .sort(["examples", *keys], descending=[True, *[False] * len(keys)])
    )
    headers = [key.replace("source_name", "source").replace("_", " ") for key in keys]
    rows = [
        (*(row[key] for key in keys), row["examples"], _share(row["examples"], dataset.height))
        for row in counts.rows(named=True)
    ]
    return _table([*headers, "examples", "share"], rows)


def _split_table(dataset: pl.DataFrame) -> str:
    counts = dataset.group_by(pl.col("task_type").fill_null("(none)"), "split").agg(pl.len())
    task_types = sorted(counts["task_type"].unique().to_list())
    lookup = {(row[0], row[1]): row[2] for row in counts.rows()}
    rows = []
    for task in [*task_types, "all"]:
        train = sum(n for (t, s), n in lookup.items() if s == "train" and task in (t, "all"))
        valid = sum(n for (t, s), n in lookup.items() if s == "validation" and task in (t, "all"))
        rows.append(
            (f"**{task}**" if task == "all" else task, train, valid, _share(valid, train + valid))
        )
    return _table(["task type", "train", "validation", "validation share"], rows)


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        not isinstance(v, Mapping | list | tuple) for v in value
    )


def _inline(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_inline(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _is_flat(value: Any) -> bool:
    """A mapping of scalars, scalar lists and mappings of scalars: short enough for one line."""
    if not isinstance(value, Mapping):
        return False
    for item in value.values():
        if isinstance(item, Mapping):
            if not all(not isinstance(v, Mapping | list | tuple) for v in item.values()):
                return False
        elif isinstance(item, list | tuple) and not _is_scalar_list(item):
            return False
    return len(_inline(value)) <= 160


def recipe_markdown(summary: Mapping[str, Any], depth: int = 0) -> str:
    """A nested mapping as a compact Markdown list: a flat mapping on one line, as
    ``key: a=1, b=[x, y]``; deeper ones nested."""
    lines = []
    indent = "  " * depth
    for key, value in summary.items():
        if isinstance(value, Mapping) and value and _is_flat(value):
            body = ", ".join(f"{name}={_inline(item)}" for name, item in value.items())
            lines.append(f"{indent}- **{key}**: {body}")
        elif isinstance(value, Mapping) and value:
            lines.append(f"{indent}- **{key}**")
            lines.append(recipe_markdown(value, depth + 1))
        else:
            lines.append(f"{indent}- **{key}**: {_inline(value)}")
    return "\n".join(lines)


def _plot(dataset: pl.DataFrame, plots: Path) -> tuple[Path, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mix = (
        dataset.group_by(pl.col("task_type").fill_null("(none)"))
        .agg(pl.len().alias("examples"))
        .sort(["examples", "task_type"], descending=[True, False])
    )
    task_types = mix["task_type"].to_list()

    figure, axis = plt.subplots(figsize=(7, 0.35 * max(len(task_types), 3) + 1.2))
    axis.barh(task_types[::-1], mix["examples"].to_list()[::-1], color="#4C72B0")
    for y, count in enumerate(mix["examples"].to_list()[::-1]):
        axis.annotate(f" {count}", (count, y), va="center", fontsize=8)
    axis.set_xlabel("examples")
    axis.set_title("Task-type mix")
    figure.tight_layout()
    mix_path = plots / MIX_PLOT
    _write_atomically(mix_path, lambda path: figure.savefig(path, format="png", dpi=110))
    plt.close(figure)

    columns = min(4, max(len(task_types), 1))
    rows = max(1, -(-len(task_types) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.4 * rows), squeeze=False)
    words = dataset.select(pl.col("task_type").fill_null("(none)"), "response_words")
    for index, axis in enumerate(axes.flat):
        if index >= len(task_types):
            axis.set_visible(False)
            continue
        task = task_types[index]
        values = words.filter(pl.col("task_type") == task)["response_words"].drop_nulls()
        # The long tail is folded into the last bin so the bulk stays readable.
        top = float(values.quantile(0.99)) if len(values) else 1.0
        axis.hist(values.clip(upper_bound=top).to_numpy(), bins=30, color="#55A868")
        axis.set_xlabel(f"words (last bin: ≥ {top:.0f})" if len(values) else "words", fontsize=7)
        if len(values):
            axis.axvline(float(values.median()), color="black", linewidth=0.8, linestyle="--")
        axis.set_title(f"{task} (n={len(values)})", fontsize=9)
        axis.tick_params(labelsize=7)
    if not task_types:
        axes.flat[0].set_visible(True)
        axes.flat[0].text(0.5, 0.5, "no examples", ha="center", va="center")
    figure.suptitle("Response length in words per task type (dashed: median)", fontsize=10)
    figure.tight_layout()
    length_path = plots / LENGTH_PLOT
    _write_atomically(length_path, lambda path: figure.savefig(path, format="png", dpi=110))
    plt.close(figure)
    return length_path, mix_path


def _file_link(path: Path, out_dir: Path) -> str:
    try:
        relative = path.resolve().relative_to(out_dir.resolve())
    except ValueError:
        return f"`{path}`"
    return f"[`{relative.as_posix()}`]({relative.as_posix()})"


def write_dataset_card(
    out_dir: Path,
    *,
    dataset: pl.DataFrame,
    rejected: pl.DataFrame,
    recipe_summary: dict,
    files: dict[str, Path],
    title: str = DEFAULT_TITLE,
) -> Path:
    """Write ``out_dir/README.md`` and its plots; return the README's path.

    ``dataset`` is the published examples (canonical columns plus ``task_type``, ``split``,
    ``response_words``, ``quality_score``), ``rejected`` every drop (``stage``, ``rule``,
    ``source_name``), ``files`` the published files by format name."""
    plots = out_dir / PLOTS_DIR
    length_plot, mix_plot = _plot(dataset, plots)
    total = dataset.height

    if "is_refusal" in dataset.columns:
        refusals = int(dataset["is_refusal"].fill_null(False).sum())
    else:
        refusals = int((dataset["task_type"] == "refusal").fill_null(False).sum())

    file_rows = [
        (name, _file_link(path, out_dir), count_lines(path) if path.exists() else "missing")
        for name, path in files.items()
    ]
    quality = dataset["quality_score"].drop_nulls() if "quality_score" in dataset.columns else None
    words = dataset["response_words"].drop_nulls()

    drops = (
        rejected.group_by("stage", "rule")
        .agg(pl.len().alias("dropped"), pl.col("source_name").n_unique().alias("sources"))
        .sort(["dropped", "stage", "rule"], descending=[True, False, False])
    )
    drops_by_stage = (
        rejected.group_by("stage")
        .agg(pl.len().alias("dropped"))
        .sort(["dropped", "stage"], descending=[True, False])
    )
    drops_by_source = (
        rejected.group_by(pl.col("source_name").fill_null("(none)"))
        .agg(pl.len().alias("dropped"))
        .sort(["dropped", "source_name"], descending=[True, False])
    )

    sections = [
        f"# {title}",
        f"**{total:,} examples** "
        f"({_share(refusals, total)} refusals: {refusals:,} examples) "
        f"from {dataset['source_name'].n_unique() if total else 0} sources; "
        f"{rejected.height:,} records or examples were dropped on the way, each explained in "
        "`rejected_examples.parquet`.",
        "## Files",
        _table(["format", "file", "lines"], file_rows),
        "Every line has an `id`: the example's `example_id` (see *How to trace an example*). "
        "`instructions` has `id, instruction, input, response, system, history`; `alpaca` has "
        "`id, instruction, input, output, system, history` (history as `[[user, assistant], ...]`,"
        " LLaMA-Factory's alpaca shape); `messages` has `id, messages` (OpenAI chat roles); "
        "`sharegpt` has `id, conversations` (`from`: `system`, `human`, `gpt`).",
        "## Composition",
        "### By source",
        _sources_table(dataset) if total else "No examples.",
        "### By origin",
        _counts_table(dataset, "origin", "origin"),
        "### By task type",
        _counts_table(dataset, "task_type", "task type"),
        f"Refusal share: **{_share(refusals, total)}** ({refusals:,} of {total:,} examples).",
        f"Response length: median {words.median() if len(words) else 'n/a'} words, "
        f"90th percentile {words.quantile(0.9) if len(words) else 'n/a'} words."
        + (
            f" Quality score: median {quality.median():.3g}."
            if quality is not None and len(quality)
            else ""
        ),
        f"![Task-type mix]({PLOTS_DIR}/{mix_plot.name})",
        f"![Response length per task type]({PLOTS_DIR}/{length_plot.name})",
        "## Train / validation split",
        "Stratified by task type; near-duplicate instructions (MinHash on instruction + input) "
        "form a group that goes to one side as a whole, so no validation example has a near copy "
        "in training.",
        _split_table(dataset) if "split" in dataset.columns else "No split.",
        "## Rules and thresholds",
        recipe_markdown(recipe_summary) if recipe_summary else "No recipe given.",
        "## What was dropped",
        "### By stage",
        _table(["stage", "dropped"], drops_by_stage.rows()) if rejected.height else "Nothing.",
        "### By stage and rule",
        _table(["stage", "rule", "dropped", "sources"], drops.rows())
        if rejected.height
        else "Nothing.",
        "### By source",
        _table(["source", "dropped"], drops_by_source.rows()) if rejected.height else "Nothing.",
        "## How to trace an example",
        "\n".join(
            [
                "1. Every line of every file has an `id`: the example's `example_id`, a hash of "
                "its normalised content (the same example gets the same id on every rebuild).",
                "2. Find that id in `data/tables/unique_examples.parquet` (or the balanced "
                "tables) to get its `record_id`, `source_file` and `source_locator`: the raw file "
                "under `data/raw/` and the line, item or heading the example was read from. For "
                'example: `pl.read_parquet("data/tables/unique_examples.parquet")'
                '.filter(pl.col("example_id") == ID)`.',
                "3. `data/tables/rejected_examples.parquet` explains every drop: one row per raw "
                "record or example that did not make it, with `stage`, `rule`, the measured "
                "`value`, the `threshold`, a `reason`, and `related_id` (the kept duplicate or "
                "the benchmark item it matched).",
            ]
        ),
    ]
    readme = out_dir / "README.md"
    text = "\n\n".join(sections) + "\n"
    _write_atomically(readme, lambda path: path.write_text(text, encoding="utf-8"))
    return readme
