"""Rules: compare signals with the recipe's thresholds and record every decision.

Each rule yields, for the examples it fires on, a row with the rule name, its action (drop or
warn), the measured value, the threshold and a sentence a person can read. An example is
dropped when any drop rule fires; all firings are kept, so a trace shows every reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from instruct_assets.curation.recipe import (
    LanguageRule,
    LengthRule,
    PerTaskType,
    RatioRule,
    Recipe,
    Rule,
    TruncationRule,
)

RULES_STAGE = "rules"

DECISION_SCHEMA = pl.Schema(
    {
        "record_id": pl.String,
        "example_id": pl.String,
        "stage": pl.String,
        "rule": pl.String,
        "action": pl.String,
        "reason": pl.String,
        "value": pl.Float64,
        "threshold": pl.String,
        "related_id": pl.String,
        "task_type": pl.String,
    }
)
"""``related_id`` names what the example was matched against: the kept duplicate, or the
benchmark item it overlaps."""


@dataclass(frozen=True, slots=True)
class Firing:
    """Where a rule fires, what it measured and against what, and why in words."""

    fires: pl.Expr
    value: pl.Expr
    threshold: pl.Expr
    reason: pl.Expr


def _per_task(setting: PerTaskType, min_confidence: float) -> pl.Expr:
    """The threshold for each row's task type, or the default where the task type was only
    guessed (its confidence is below ``min_confidence``)."""
    specific = pl.col("task_type").replace_strict(
        setting.table(), default=setting.default, return_dtype=pl.Float64
    )
    return (
        pl.when(pl.col("task_confidence") >= min_confidence)
        .then(specific)
        .otherwise(pl.lit(setting.default, dtype=pl.Float64))
    )


def _applies(rule: Rule) -> pl.Expr:
    return ~pl.col("task_type").is_in(rule.except_task_types)


def _flag(column: str, reason: str) -> Firing:
    return Firing(pl.col(column), pl.lit(1.0), pl.lit("true"), pl.lit(reason))


def _text(template: str, *values: pl.Expr) -> pl.Expr:
    parts = template.split("{}")
    pieces: list[pl.Expr] = []
    for index, part in enumerate(parts):
        pieces.append(pl.lit(part))
        if index < len(values):
            pieces.append(values[index].cast(pl.String))
    return pl.concat_str(pieces)


def _too_short(rule: LengthRule, min_confidence: float) -> Firing:
    assert rule.min_words is not None
    minimum = _per_task(rule.min_words, min_confidence)
    return Firing(
        (pl.col("response_words") < minimum)
        & ~pl.col("is_placeholder_response")
        & ~pl.col("asks_for_brevity"),
        pl.col("response_words").cast(pl.Float64),
        minimum.cast(pl.Int64).cast(pl.String),
        _text(
            "the response has {} words; a {} answer needs at least {}",
            pl.col("response_words"),
            pl.col("task_type"),
            minimum.cast(pl.Int64),
        ),
    )


def _too_long(rule: LengthRule, field: str, min_confidence: float) -> Firing:
    assert rule.max_words is not None
    maximum = _per_task(rule.max_words, min_confidence)
    return Firing(
        pl.col(f"{field}_words") > maximum,
        pl.col(f"{field}_words").cast(pl.Float64),
        maximum.cast(pl.Int64).cast(pl.String),
        _text(
            f"the {field} has {{}} words; a {{}} example allows at most {{}}",
            pl.col(f"{field}_words"),
            pl.col("task_type"),
            maximum.cast(pl.Int64),
        ),
    )


def _ratio(rule: RatioRule, column: str, what: str) -> Firing:
    measured = pl.col(column)
    if rule.min is not None:
        fires, bound, word = measured < rule.min, rule.min, "below"
    else:
        assert rule.max is not None
        fires, bound, word = measured > rule.max, rule.max, "above"
    return Firing(
        fires.fill_null(False) & (pl.col("response_words") >= rule.min_words),
        measured,
        pl.lit(str(bound)),
        _text(f"{what} is {{}}, {word} {bound}", measured.round(3)),
    )


def _language(rule: LanguageRule) -> Firing:
    def foreign(field: str) -> pl.Expr:
        judged = pl.col(f"{field}_language_confidence") >= rule.min_confidence
        if field == "response":
            judged = judged & (pl.col("response_letter_ratio") >= rule.min_letter_ratio)
        return (~pl.col(f"{field}_language").is_in(rule.allowed) & judged).fill_null(False)

    field = pl.when(foreign("response")).then(pl.lit("response")).otherwise(pl.lit("instruction"))
    language = (
        pl.when(foreign("response"))
        .then(pl.col("response_language"))
        .otherwise(pl.col("instruction_language"))
    )
    confidence = (
        pl.when(foreign("response"))
        .then(pl.col("response_language_confidence"))
        .otherwise(pl.col("instruction_language_confidence"))
    )
    return Firing(
        foreign("response") | foreign("instruction"),
        confidence,
        pl.lit(f"language in {rule.allowed}"),
        _text(
            "the {} is in '{}' (confidence {}); allowed: " + ", ".join(rule.allowed),
            field,
            language,
            confidence.round(2),
        ),
    )


def _truncated(rule: TruncationRule) -> Firing:
    return Firing(
        pl.col("ends_mid_sentence")
        & pl.col("task_type").is_in(rule.prose_task_types)
        & (pl.col("response_words") >= rule.min_words),
        pl.lit(1.0),
        pl.lit("true"),
        pl.lit("the response stops mid-sentence (no closing punctuation)"),
    )


def _echo() -> Firing:
    return Firing(
        pl.col("echoes_prompt")
        & (pl.col("response_words") >= 3)
        & ~pl.col("task_type").is_in(["classify", "extract"]),
        pl.lit(1.0),
        pl.lit("true"),
        pl.lit("the response only repeats the instruction or the input"),
    )


def _personal_data() -> Firing:
    found = pl.col("email_addresses") + pl.col("phone_numbers")
    return Firing(
        found > 0,
        found.cast(pl.Float64),
        pl.lit("0"),
        _text(
            "{} e-mail addresses and {} phone numbers",
            pl.col("email_addresses"),
            pl.col("phone_numbers"),
        ),
    )


def _refusal_without_alternative() -> Firing:
    return Firing(
        pl.col("is_refusal") & ~pl.col("refusal_offers_alternative"),
        pl.lit(1.0),
        pl.lit("true"),
        pl.when(pl.col("refusal_is_polite"))
        .then(pl.lit("a polite refusal that offers no safe alternative"))
        .otherwise(pl.lit("a curt refusal: no apology or explanation, no alternative")),
    )


def rule_firings(recipe: Recipe) -> dict[str, tuple[Rule, Firing]]:
    """Every rule of the recipe with how it fires, in the order reasons are reported."""
    rules = recipe.rules
    confident = recipe.task_type_min_confidence
    table: dict[str, tuple[Rule, Callable[[], Firing]]] = {
        "empty_instruction": (
            rules.empty_instruction,
            lambda: _flag("is_empty_instruction", "the instruction is empty"),
        ),
        "placeholder_response": (
            rules.placeholder_response,
            lambda: _flag(
                "is_placeholder_response", "the response is empty or a placeholder like 'N/A'"
            ),
        ),
        "secret": (
            rules.secret,
            lambda: _flag("contains_secret", "the example contains a key, token or password"),
        ),
        "assistant_boilerplate": (
            rules.assistant_boilerplate,
            lambda: _flag(
                "has_assistant_boilerplate", "the response talks about itself as an AI model"
            ),
        ),
        "unseen_reference": (
            rules.unseen_reference,
            lambda: _flag(
                "references_unseen_content",
                "the prompt points at an image, file or link the example does not contain",
            ),
        ),
        "merged_instructions": (
            rules.merged_instructions,
            lambda: _flag("merges_instructions", "the instruction merges several numbered tasks"),
        ),
        "echoes_prompt": (rules.echoes_prompt, _echo),
        "unclosed_code_fence": (
            rules.unclosed_code_fence,
            lambda: _flag(
                "has_unclosed_code_fence", "a code block in the response is never closed"
            ),
        ),
        "ends_mid_sentence": (rules.ends_mid_sentence, lambda: _truncated(rules.ends_mid_sentence)),
        "response_too_short": (
            rules.response_too_short,
            lambda: _too_short(rules.response_too_short, confident),
        ),
        "response_too_long": (
            rules.response_too_long,
            lambda: _too_long(rules.response_too_long, "response", confident),
        ),
        "instruction_too_long": (
            rules.instruction_too_long,
            lambda: _too_long(rules.instruction_too_long, "instruction", confident),
        ),
        "wrong_language": (rules.wrong_language, lambda: _language(rules.wrong_language)),
        "low_alphanumeric_ratio": (
            rules.low_alphanumeric_ratio,
            lambda: _ratio(
                rules.low_alphanumeric_ratio,
                "response_alnum_ratio",
                "the share of letters and digits in the response",
            ),
        ),
        "repeated_lines": (
            rules.repeated_lines,
            lambda: _ratio(
                rules.repeated_lines,
                "response_repeated_line_fraction",
                "the share of repeated lines in the response",
            ),
        ),
        "repeated_ngrams": (
            rules.repeated_ngrams,
            lambda: _ratio(
                rules.repeated_ngrams,
                "response_repeated_ngram_fraction",
                "the share of repeated word 3-grams in the response",
            ),
        ),
        "personal_data": (rules.personal_data, _personal_data),
        "refusal_without_alternative": (
            rules.refusal_without_alternative,
            _refusal_without_alternative,
        ),
    }
    return {name: (rule, build()) for name, (rule, build) in table.items() if rule.action != "off"}


def _decision_rows(
    frame: pl.DataFrame,
    rule: str,
    action: str,
    reason: pl.Expr,
    value: pl.Expr,
    threshold: pl.Expr,
    related: pl.Expr,
) -> pl.DataFrame:
    """The decision table's columns for the rows of ``frame`` a rule fired on."""
    return frame.select(
        "record_id",
        "example_id",
        pl.lit(RULES_STAGE).alias("stage"),
        pl.lit(rule).alias("rule"),
        pl.lit(action).alias("action"),
        reason.cast(pl.String).alias("reason"),
        value.cast(pl.Float64).alias("value"),
        threshold.cast(pl.String).alias("threshold"),
        related.cast(pl.String).alias("related_id"),
        "task_type",
    )


def evaluate_rules(signals: pl.DataFrame, recipe: Recipe) -> pl.DataFrame:
    """One decision row per (example, rule) that fires."""
    frames = []
    for name, (rule, firing) in rule_firings(recipe).items():
        fired = signals.filter((firing.fires & _applies(rule)).fill_null(False))
        if not fired.is_empty():
            frames.append(
                _decision_rows(
                    fired,
                    name,
                    rule.action,
                    firing.reason,
                    firing.value,
                    firing.threshold,
                    pl.lit(None),
                )
            )
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=DECISION_SCHEMA)


def overlap_decisions(matches: pl.DataFrame, signals: pl.DataFrame, recipe: Recipe) -> pl.DataFrame:
    """Decisions for examples that overlap a benchmark (from decontamination)."""
    rule = recipe.rules.benchmark_overlap
    if rule.action == "off" or matches.is_empty():
        return pl.DataFrame(schema=DECISION_SCHEMA)
    n = recipe.decontamination.ngram
    joined = matches.join(signals.select("record_id", "example_id", "task_type"), on="record_id")
    return _decision_rows(
        joined,
        "benchmark_overlap",
        rule.action,
        _text(
            f"shares {{}} word {n}-grams with benchmark item {{}}",
            pl.col("shared_ngrams"),
            pl.col("benchmark_item"),
        ),
        pl.col("shared_ngrams"),
        pl.lit(str(recipe.decontamination.min_shared_ngrams)),
        pl.col("benchmark_item"),
    )


def blocklist_decisions(
    blocked: pl.DataFrame, signals: pl.DataFrame, recipe: Recipe
) -> pl.DataFrame:
    """Decisions for quarantined examples (from ``operations.blocklist.blocked_decisions``)."""
    rule = recipe.rules.blocklisted
    if rule.action == "off" or blocked.is_empty():
        return pl.DataFrame(schema=DECISION_SCHEMA)
    joined = blocked.join(signals.select("record_id", "task_type"), on="record_id", how="left")
    return _decision_rows(
        joined,
        "blocklisted",
        rule.action,
        pl.col("reason"),
        pl.col("value"),
        pl.lit("blocklist"),
        pl.col("related_id"),
    )


def dropped_record_ids(decisions: pl.DataFrame) -> pl.DataFrame:
    return decisions.filter(pl.col("action") == "drop").select("record_id").unique()
