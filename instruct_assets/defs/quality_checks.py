"""Great Expectations suites as Dagster asset checks.

``suite_check`` turns a suite (see ``instruct_assets.quality.suites``) into an asset check on a
table asset: the check loads the table, runs the suite, reports one line per expectation and
the offending ids of every failed one, and links the Data Docs built under
``<out_dir>/quality/<suite name>/`` (one folder per suite, so checks running at the same time in
different processes never write the same Great Expectations files).

The suites import Great Expectations only when they run, so loading the code location stays
fast. Wire the ready-made checks into ``Definitions(asset_checks=[...])``.
"""

import inspect
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from instruct_assets.defs.resources import DataPaths
from instruct_assets.quality.suites import (
    SuiteOutcome,
    canonical_table_suite,
    final_dataset_suite,
    run_suite,
)

QUALITY_DIR = "quality"
IDS_SHOWN = 20

BuildExpectations = Callable[[str], Sequence[Any]]
"""Called with the suite name at run time; returns the suite's rules."""


def quality_docs_dir(data_paths: DataPaths, suite_name: str) -> Path:
    return data_paths.out_dir / QUALITY_DIR / suite_name


def _cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _md(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    if not rows:
        return "_none_"
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:IDS_SHOWN])
    more = len(ids) - IDS_SHOWN
    return f"{shown} (+{more} more)" if more > 0 else shown


def suite_metadata(outcome: SuiteOutcome) -> dict[str, Any]:
    """One line per expectation, the failed ones with up to ``IDS_SHOWN`` offending ids, and
    the Data Docs index when it was built."""
    metadata: dict[str, Any] = {
        "suite": outcome.suite,
        "expectations": MetadataValue.md(
            _md(
                ("expectation", "column", "success", "observed"),
                [
                    (o.expectation, o.column or "(table)", o.success, o.observed)
                    for o in outcome.outcomes
                ],
            )
        ),
        "evaluated": len(outcome.outcomes),
        "failed": len(outcome.failed),
        "failed_expectations": MetadataValue.md(
            _md(
                ("expectation", "column", "observed", "offending ids", f"first {IDS_SHOWN} ids"),
                [
                    (
                        o.expectation,
                        o.column or "(table)",
                        o.observed,
                        len(o.unexpected_ids),
                        _ids(o.unexpected_ids) or "-",
                    )
                    for o in outcome.failed
                ],
            )
        ),
    }
    if outcome.data_docs is not None:
        metadata["data_docs"] = MetadataValue.path(str(outcome.data_docs))
        metadata["data_docs_url"] = MetadataValue.url(outcome.data_docs.resolve().as_uri())
    return metadata


def suite_check(
    asset_key: AssetKey | str | Sequence[str],
    suite_name: str,
    build_expectations: BuildExpectations,
    *,
    blocking: bool,
    id_column: str = "record_id",
    docs: bool = True,
) -> AssetChecksDefinition:
    """An asset check named ``<suite_name>_suite`` that runs the suite on the asset's table.
    Fails with severity ERROR when ``blocking`` (downstream assets do not run), else WARN."""
    severity = AssetCheckSeverity.ERROR if blocking else AssetCheckSeverity.WARN

    @asset_check(
        asset=asset_key,
        name=f"{suite_name}_suite",
        blocking=blocking,
        description=f"Great Expectations suite `{suite_name}`: schema, nulls, ids, values, "
        "lengths; failed expectations list the offending ids.",
    )
    def _suite_check(
        context: AssetCheckExecutionContext, data_paths: DataPaths, table: pl.DataFrame
    ) -> AssetCheckResult:
        # A builder may take the data paths too, to read thresholds from the recipe.
        positional = [
            parameter
            for parameter in inspect.signature(build_expectations).parameters.values()
            if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        ]
        takes_paths = len(positional) > 1
        expectations = (
            build_expectations(suite_name, data_paths)  # type: ignore[call-arg]
            if takes_paths
            else build_expectations(suite_name)
        )
        outcome = run_suite(
            table,
            suite_name,
            expectations,
            id_column=id_column,
            docs_dir=quality_docs_dir(data_paths, suite_name) if docs else None,
        )
        context.log.info(
            f"suite {suite_name}: {len(outcome.outcomes) - len(outcome.failed)}"
            f"/{len(outcome.outcomes)} expectations passed on {table.height} rows"
        )
        if docs and outcome.data_docs is None:
            context.log.warning(f"suite {suite_name}: Data Docs were not built")
        return AssetCheckResult(
            passed=outcome.success, severity=severity, metadata=suite_metadata(outcome)
        )

    return _suite_check


# Tables before the rules (candidates, normalized): an empty response is a defect the rules
# reject and record (placeholder_response), and length limits are curation's
# (response_too_long), not structure: a 30k-character documentation section is a valid
# candidate that the rules later drop.
uncurated_suite = partial(
    canonical_table_suite,
    min_chars={"response": 0},
    max_chars={"instruction": 1_000_000, "input": 1_000_000, "response": 1_000_000},
)
# Tables after deduplication: the content id is unique too.
deduplicated_suite = partial(canonical_table_suite, unique_columns=("record_id", "example_id"))

candidate_examples_suite = suite_check(
    "candidate_examples", "candidate_examples", uncurated_suite, blocking=True
)
unique_examples_suite = suite_check(
    "unique_examples", "unique_examples", deduplicated_suite, blocking=True
)


def _final_dataset_expectations(suite_name: str, data_paths: DataPaths) -> list:
    """The final suite with the recipe's mix: task types, shares, refusal band."""
    from instruct_assets.curation.recipe import Recipe
    from instruct_assets.curation.task_types import TASK_TYPES

    balance = Recipe.load(data_paths.recipe_file).balance
    refusal = balance.share("refusal")
    return final_dataset_suite(
        suite_name,
        min_task_types=balance.min_task_types,
        max_share={task: balance.share(task)[1] for task in TASK_TYPES if task != "refusal"},
        refusal_band=refusal,
    )


# Structure blocks publication; the mix (shares, refusal band, coverage) warns, because a
# short supply is reported rather than hidden or fatal.
balanced_examples_structure_suite = suite_check(
    "balanced_examples", "balanced_examples_structure", deduplicated_suite, blocking=True
)
final_dataset_suite_check = suite_check(
    "balanced_examples", "final_dataset", _final_dataset_expectations, blocking=False
)
normalized_examples_suite = suite_check(
    "normalized_examples", "normalized_examples", uncurated_suite, blocking=True
)
clean_examples_suite = suite_check(
    "clean_examples", "clean_examples", canonical_table_suite, blocking=True
)
