"""Great Expectations suites for the canonical tables and the final dataset, and their runner.

A suite is a plain list: Great Expectations expectation objects, plus
:class:`ValueShareExpectation` items for the one rule no built-in expectation states directly
(the share of rows holding one value of a column must lie in a band). ``run_suite`` validates
the GE part with a pandas data source in an ephemeral context, computes the share rules with
Polars, and reports both the same way, as :class:`ExpectationOutcome` rows in suite order.
Outcomes of computed rules are named ``computed:<rule>`` so nobody mistakes them for GE ones.

Which rule is which:

- GE: ``expect_table_columns_to_match_set`` (every canonical column present, extra columns
  allowed), ``expect_column_values_to_not_be_null`` (ids, text, provenance, task type),
  ``expect_column_values_to_be_unique`` (ids; the normalised instruction + input),
  ``expect_column_values_to_be_in_set`` (``source_kind``, ``origin``, ``task_type``),
  ``expect_column_value_lengths_to_be_between`` (text lengths, in characters),
  ``expect_column_unique_value_count_to_be_between`` (at least N task types).
- computed (Polars): ``computed:expect_column_value_share_to_be_between`` (no task type above
  its maximum share, the refusal share inside its band).

Offending ids: row-level GE expectations report the ``id_column`` value of every failing row
(duplicates collapsed, first-seen order). Aggregate rules (schema, distinct count, shares) have
no offending rows and report an empty list; their ``observed`` says what was wrong.

Great Expectations is imported inside the functions that use it: importing it costs seconds,
and each Dagster step is a fresh process.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from instruct_assets.curation.task_types import TASK_TYPES
from instruct_assets.schema import EXAMPLE_SCHEMA, REQUIRED_COLUMNS, Origin, SourceKind

logger = logging.getLogger(__name__)

CANONICAL_COLUMNS: tuple[str, ...] = tuple(EXAMPLE_SCHEMA)
"""Columns that must never be null: ids, the text of the pair, and the provenance."""

MIN_CHARS: dict[str, int] = {"instruction": 1, "input": 0, "response": 1}
DEFAULT_MAX_CHARS: dict[str, int] = {"instruction": 4000, "input": 20000, "response": 20000}

NORMALISED_PROMPT = "normalised_prompt"
"""Helper column ``run_suite`` adds when a rule names it: instruction and input, NFC,
lower-cased, whitespace runs folded, joined by a unit separator (null when the instruction is
null, so a missing instruction is reported once, by the non-null rule)."""

COMPUTED_PREFIX = "computed:"
DOCS_SITE = "quality"
DOCS_RUNS_KEPT = 10
"""Validation runs of one suite kept in a Data Docs folder; older ones are pruned so the
rebuild stays fast however often the suite runs."""

_ORDER_KEY = "instruct_assets_order"
_DOCS_IDS = 20
_OBSERVED_CHARS = 200


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    observed: str
    unexpected_ids: list[str]


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    success: bool
    outcomes: list[ExpectationOutcome]
    data_docs: Path | None

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.success]


@dataclass(frozen=True)
class ValueShareExpectation:
    """The share of all rows whose ``column`` equals ``value`` lies in
    ``[min_share, max_share]``. Computed with Polars: no GE expectation states it directly."""

    column: str
    value: str
    min_share: float = 0.0
    max_share: float = 1.0
    expectation_type: ClassVar[str] = COMPUTED_PREFIX + "expect_column_value_share_to_be_between"

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_share <= self.max_share <= 1.0:
            raise ValueError(
                f"share band of {self.column}={self.value!r} must satisfy "
                f"0 <= min <= max <= 1, got {self.min_share}..{self.max_share}"
            )

    def evaluate(self, frame: pl.DataFrame) -> ExpectationOutcome:
        band = f"allowed {self.min_share:.4g}..{self.max_share:.4g}"
        if self.column not in frame.columns:
            return ExpectationOutcome(
                self.expectation_type,
                self.column,
                False,
                f"error: column {self.column!r} does not exist",
                [],
            )
        count = int(frame.select((pl.col(self.column) == self.value).sum()).item() or 0)
        share = count / frame.height if frame.height else 0.0
        return ExpectationOutcome(
            self.expectation_type,
            self.column,
            self.min_share <= share <= self.max_share,
            f"share of {self.value!r}: {share:.4f} ({count}/{frame.height} rows), {band}",
            [],
        )


Rule = Any
"""A GE ``Expectation`` or a :class:`ValueShareExpectation`."""


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def canonical_table_suite(
    name: str,
    *,
    id_column: str = "record_id",
    unique_columns: Sequence[str] = ("record_id",),
    text_columns: Sequence[str] = ("instruction", "input", "response"),
    max_chars: Mapping[str, int] | None = None,
    min_chars: Mapping[str, int] | None = None,
) -> list[Rule]:
    """Rules every canonical example table keeps: schema, non-null ids/text/provenance, unique
    ids, enum values, text lengths (characters). ``max_chars`` and ``min_chars`` override the
    default bounds: instruction 1..4000, input 0..20000, response 1..20000."""
    import great_expectations.expectations as gxe

    meta = {"suite": name}
    limits = {**DEFAULT_MAX_CHARS, **(max_chars or {})}
    minima = {**MIN_CHARS, **(min_chars or {})}
    rules: list[Rule] = [
        gxe.ExpectTableColumnsToMatchSet(
            column_set=list(CANONICAL_COLUMNS), exact_match=False, meta=meta
        )
    ]
    for column in _unique([id_column, *unique_columns, *REQUIRED_COLUMNS, *text_columns]):
        rules.append(gxe.ExpectColumnValuesToNotBeNull(column=column, meta=meta))
    for column in _unique(unique_columns):
        rules.append(gxe.ExpectColumnValuesToBeUnique(column=column, meta=meta))
    rules.append(
        gxe.ExpectColumnValuesToBeInSet(
            column="source_kind", value_set=[kind.value for kind in SourceKind], meta=meta
        )
    )
    rules.append(
        gxe.ExpectColumnValuesToBeInSet(
            column="origin", value_set=[origin.value for origin in Origin], meta=meta
        )
    )
    for column in text_columns:
        low, high = minima.get(column, 0), limits.get(column)
        if low == 0 and high is None:
            continue
        rules.append(
            gxe.ExpectColumnValueLengthsToBeBetween(
                column=column, min_value=low, max_value=high, meta=meta
            )
        )
    return rules


def final_dataset_suite(
    name: str,
    *,
    min_task_types: int,
    max_share: Mapping[str, float],
    refusal_band: tuple[float, float],
    task_column: str = "task_type",
    refusal_label: str = "refusal",
    id_column: str = "record_id",
    unique_columns: Sequence[str] = ("record_id", "example_id"),
    text_columns: Sequence[str] = ("instruction", "input", "response"),
    max_chars: Mapping[str, int] | None = None,
    min_chars: Mapping[str, int] | None = None,
) -> list[Rule]:
    """The canonical rules plus the balance of the published set: every task type in the
    taxonomy, at least ``min_task_types`` of them, none above its ``max_share`` (computed), the
    refusal share inside ``refusal_band`` (computed), no repeated normalised instruction+input."""
    import great_expectations.expectations as gxe

    unknown = sorted(set(max_share) - set(TASK_TYPES))
    if unknown:
        raise ValueError(f"max_share names task types outside the taxonomy: {unknown}")
    meta = {"suite": name}
    rules = canonical_table_suite(
        name,
        id_column=id_column,
        unique_columns=unique_columns,
        text_columns=text_columns,
        max_chars=max_chars,
        min_chars=min_chars,
    )
    rules += [
        gxe.ExpectColumnValuesToNotBeNull(column=task_column, meta=meta),
        gxe.ExpectColumnValuesToBeInSet(column=task_column, value_set=list(TASK_TYPES), meta=meta),
        gxe.ExpectColumnUniqueValueCountToBeBetween(
            column=task_column, min_value=min_task_types, meta=meta
        ),
        gxe.ExpectColumnValuesToBeUnique(column=NORMALISED_PROMPT, meta=meta),
    ]
    rules += [
        ValueShareExpectation(task_column, task_type, max_share=share)
        for task_type, share in max_share.items()
    ]
    low, high = refusal_band
    rules.append(ValueShareExpectation(task_column, refusal_label, min_share=low, max_share=high))
    return rules


def _normalised(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .str.normalize("NFC")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


HELPER_COLUMNS: dict[str, tuple[tuple[str, ...], pl.Expr]] = {
    NORMALISED_PROMPT: (
        ("instruction", "input"),
        pl.concat_str(
            [_normalised("instruction"), _normalised("input").fill_null("")], separator="\x1f"
        ),
    ),
}
"""Columns a rule may name that ``run_suite`` derives: name -> (source columns, expression)."""


def _value_columns(rule: Rule) -> set[str]:
    """Columns whose values a rule reads (a schema rule reads only names)."""
    names = set()
    for attribute in ("column", "column_A", "column_B", "column_list"):
        value = getattr(rule, attribute, None)
        values = value if isinstance(value, list | tuple) else [value]
        names |= {item for item in values if isinstance(item, str)}
    return names


def prepare_frame(frame: pl.DataFrame, rules: Sequence[Rule]) -> pl.DataFrame:
    """The frame GE sees. Helper columns a rule names are added. Nested columns (pandas holds
    them poorly) become JSON strings when a rule reads their values, else all-null strings: the
    schema rule still sees the column, and nobody pays for a conversion nothing reads."""
    read = set().union(*(_value_columns(rule) for rule in rules))
    derived = [
        expression.alias(name)
        for name, (sources, expression) in HELPER_COLUMNS.items()
        if name in read and name not in frame.columns and set(sources) <= set(frame.columns)
    ]
    nested = [
        pl.struct(name).struct.json_encode().alias(name)
        if name in read
        else pl.lit(None, pl.String).alias(name)
        for name, dtype in frame.schema.items()
        if dtype.is_nested()
    ]
    return frame.with_columns(*nested, *derived) if nested or derived else frame


def _tagged(rule: Rule, position: int) -> Rule:
    return rule.copy(update={"id": None, "meta": {**(rule.meta or {}), _ORDER_KEY: position}})


def _untagged(rule: Rule) -> Rule:
    return rule.copy(update={"id": None})


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _OBSERVED_CHARS else text[: _OBSERVED_CHARS - 1] + "…"


def _observed(result: Any) -> str:
    info = result.exception_info or {}
    if isinstance(info, dict) and not info.get("raised_exception", True):
        info = {}
    if info:
        messages = (
            [info.get("exception_message")]
            if "exception_message" in info
            else [value.get("exception_message") for value in info.values()]
        )
        text = "; ".join(str(message).removeprefix("Error: ") for message in messages if message)
        return _short("error: " + text)
    details = result.result or {}
    if "unexpected_count" in details and "element_count" in details:
        text = f"{details['unexpected_count']} of {details['element_count']} rows unexpected"
        if details.get("missing_count"):
            text += f" ({details['missing_count']} null, not checked)"
        return text
    mismatched = (details.get("details") or {}).get("mismatched")
    if mismatched:
        text = "; ".join(
            f"{kind}: {', '.join(map(str, cols))}" for kind, cols in mismatched.items()
        )
        return _short(f"all expected columns present; {text}" if result.success else text)
    if "observed_value" in details:
        value = details["observed_value"]
        if isinstance(value, list | tuple):
            return f"observed {len(value)} values"
        return _short(f"observed {value}")
    return "passed" if result.success else "failed"


def _unexpected_ids(result: Any, id_column: str | None) -> list[str]:
    """Ids of the failing rows. GE 1.24 on pandas returns ``[{id_column: [id, id, ...]}]``;
    older releases returned one ``{id_column: id}`` per row, and without an id column GE
    returns row positions. All three shapes are read."""
    if result.success:
        return []
    found: list[str] = []
    for item in (result.result or {}).get("unexpected_index_list") or []:
        if isinstance(item, dict):
            value = item.get(id_column) if id_column else None
            values = value if isinstance(value, list) else [value]
            found += ["<null>" if one is None else str(one) for one in values]
        else:
            found.append(f"row {item}")
    return _unique(found)


def _result_format(id_column: str | None) -> dict[str, Any]:
    result_format: dict[str, Any] = {
        "result_format": "COMPLETE",
        "partial_unexpected_count": 20,
        "exclude_unexpected_values": True,
        "return_unexpected_index_query": False,
    }
    if id_column:
        result_format["unexpected_index_column_names"] = [id_column]
    return result_format


def _validate(
    table: pl.DataFrame, suite_name: str, rules: Sequence[Rule], id_column: str | None
) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("tables").add_dataframe_asset(suite_name)
    batch = asset.add_batch_definition_whole_dataframe("whole_table").get_batch(
        batch_parameters={"dataframe": table.to_pandas()}
    )
    suite = gx.ExpectationSuite(
        name=suite_name, expectations=[_tagged(rule, i) for i, rule in enumerate(rules)]
    )
    # ``batch.validate`` stores nothing (a ValidationDefinition would serialise the whole
    # COMPLETE result into the context's store: +1 s when 50k rows fail several rules). It
    # loads the batch a second time, and each load hashes the dataframe (GE's
    # ``pandas_data_fingerprint``): about 0.1 s per load on 50k alpaca rows.
    return batch.validate(suite, result_format=_result_format(id_column))


def run_suite(
    frame: pl.DataFrame,
    suite_name: str,
    expectations: Sequence[Rule],
    *,
    id_column: str = "record_id",
    docs_dir: Path | None = None,
) -> SuiteOutcome:
    """Validate ``frame`` against ``expectations`` and report every rule in suite order. With
    ``docs_dir``, also build GE Data Docs there (see :func:`build_data_docs`); if that fails
    the error is logged and ``data_docs`` is None, the outcome is still returned."""
    rules = list(expectations)
    table = prepare_frame(frame, rules)
    ge_rules = [rule for rule in rules if not isinstance(rule, ValueShareExpectation)]
    outcomes: list[ExpectationOutcome | None] = [
        rule.evaluate(table) if isinstance(rule, ValueShareExpectation) else None for rule in rules
    ]
    validation = None
    if ge_rules:
        ids = id_column if id_column in table.columns else None
        validation = _validate(table, suite_name, ge_rules, ids)
        ge_positions = [
            i for i, rule in enumerate(rules) if not isinstance(rule, ValueShareExpectation)
        ]
        for result in validation.results:
            config = result.expectation_config
            position = ge_positions[(config.meta or {})[_ORDER_KEY]]
            outcomes[position] = ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column"),
                success=bool(result.success),
                observed=_observed(result),
                unexpected_ids=_unexpected_ids(result, ids),
            )
    found = [outcome for outcome in outcomes if outcome is not None]
    data_docs = None
    if docs_dir is not None and validation is not None:
        try:
            data_docs = build_data_docs(validation, suite_name, ge_rules, Path(docs_dir))
        except Exception:  # Data Docs are a convenience: never fail a validation over them
            logger.exception("Data Docs for suite %s were not built in %s", suite_name, docs_dir)
    return SuiteOutcome(
        suite=suite_name,
        success=all(outcome.success for outcome in found),
        outcomes=found,
        data_docs=data_docs,
    )


def build_data_docs(
    validation: Any, suite_name: str, rules: Sequence[Rule], docs_dir: Path
) -> Path:
    """GE Data Docs for one validation, built by a file-backed context rooted in ``docs_dir``
    (its configuration and stores live in ``docs_dir/gx``) into a site whose base directory is
    ``docs_dir``. The stored result is trimmed to GE's partial lists (20 values and ids per
    expectation) so the HTML stays small on a big table; the last ``DOCS_RUNS_KEPT`` runs of
    the suite are kept. One folder per concurrently running suite: the context's files are not
    safe to write from two processes at once. Returns the path of ``index.html``."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    docs_dir = docs_dir.resolve()
    docs_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=docs_dir)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    site_config: Any = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    sites = context.list_data_docs_sites()
    if DOCS_SITE not in sites:
        context.add_data_docs_site(DOCS_SITE, site_config)
    elif sites[DOCS_SITE] != site_config:
        context.update_data_docs_site(DOCS_SITE, site_config)

    context.suites.add_or_update(
        gx.ExpectationSuite(name=suite_name, expectations=[_untagged(rule) for rule in rules])
    )
    for result in validation.results:
        _trim(result.result or {})
        (result.expectation_config.meta or {}).pop(_ORDER_KEY, None)
    run_id = RunIdentifier(run_name=suite_name, run_time=datetime.datetime.now(datetime.UTC))
    validation.meta["run_id"] = run_id
    validation.meta["validation_time"] = run_id.run_time
    suite_id = ExpectationSuiteIdentifier(name=suite_name)
    key = ValidationResultIdentifier(
        expectation_suite_identifier=suite_id,
        run_id=run_id,
        batch_identifier=validation.batch_id or "whole_table",
    )
    store = context.validation_results_store
    store.set(key, validation)
    _prune_runs(store, suite_name)
    context.build_data_docs(site_names=[DOCS_SITE])
    return docs_dir / "index.html"


def _trim(details: dict[str, Any]) -> None:
    """Keep GE's partial lists only, capped at ``_DOCS_IDS``. GE 1.24 caps the outer list of
    ``partial_unexpected_index_list``, which on pandas holds one dict of *all* ids per column,
    so the cap must be applied to the inner lists too."""
    for key in ("unexpected_index_list", "unexpected_list", "unexpected_index_query"):
        details.pop(key, None)
    partial = details.get("partial_unexpected_index_list")
    if isinstance(partial, list):
        details["partial_unexpected_index_list"] = [
            {
                name: values[:_DOCS_IDS] if isinstance(values, list) else values
                for name, values in item.items()
            }
            if isinstance(item, dict)
            else item
            for item in partial[:_DOCS_IDS]
        ]


def _prune_runs(store: Any, suite_name: str) -> None:
    keys = [key for key in store.list_keys() if key.expectation_suite_identifier.name == suite_name]
    keys.sort(key=lambda key: str(key.run_id.run_time))
    for key in keys[:-DOCS_RUNS_KEPT]:
        store.remove_key(key)
