"""The curation recipe (``data/config/curation.yaml``): every threshold in one reviewed file.

Thresholds that depend on what is asked are given per task type, with a ``default``: a one-word
answer is right for a classification and wrong for an explanation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from instruct_assets.curation.task_types import TaskType

Action = Literal["drop", "warn", "off"]


class RecipeError(ValueError):
    """The recipe is wrong; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PerTaskType(_Strict):
    """A number with per-task-type exceptions: ``{default: 3, classify: 1}``. Keys must be
    task types and values numbers, checked when the recipe loads."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[TaskType, float]  # type: ignore[assignment]
    default: float

    def for_task(self, task_type: str) -> float:
        extra = self.model_extra or {}
        return float(extra.get(task_type, self.default))

    def table(self) -> dict[str, float]:
        return {key: float(value) for key, value in (self.model_extra or {}).items()}


class Normalization(_Strict):
    fix_unicode: bool = True
    straighten_quotes: bool = True
    remove_control_characters: bool = True
    normalize_whitespace: bool = True
    placeholder_inputs: list[str] = Field(default_factory=list)


class Rule(_Strict):
    action: Action = "drop"
    except_task_types: list[TaskType] = Field(default_factory=list)


class LengthRule(Rule):
    min_words: PerTaskType | None = None
    max_words: PerTaskType | None = None


class RatioRule(Rule):
    min: float | None = None
    max: float | None = None
    min_words: int = 0


class LanguageRule(Rule):
    allowed: list[str] = Field(default_factory=lambda: ["en"])
    min_confidence: float = 0.5
    min_chars: int = 20
    min_letter_ratio: float = 0.6


class TruncationRule(Rule):
    min_words: int = 15
    prose_task_types: list[str] = Field(default_factory=list)


class Rules(_Strict):
    empty_instruction: Rule = Rule()
    placeholder_response: Rule = Rule()
    response_too_short: LengthRule = LengthRule()
    response_too_long: LengthRule = LengthRule()
    instruction_too_long: LengthRule = LengthRule(action="warn")
    low_alphanumeric_ratio: RatioRule = RatioRule()
    repeated_lines: RatioRule = RatioRule()
    repeated_ngrams: RatioRule = RatioRule()
    wrong_language: LanguageRule = LanguageRule()
    assistant_boilerplate: Rule = Rule()
    unseen_reference: Rule = Rule()
    merged_instructions: Rule = Rule()
    unclosed_code_fence: Rule = Rule()
    ends_mid_sentence: TruncationRule = TruncationRule()
    echoes_prompt: Rule = Rule()
    secret: Rule = Rule()
    personal_data: Rule = Rule(action="warn")
    refusal_without_alternative: Rule = Rule(action="warn")
    benchmark_overlap: Rule = Rule()
    blocklisted: Rule = Rule()


class NearDuplicateIndex(_Strict):
    fields: list[Literal["instruction", "input", "response", "history"]]
    ngram: int = Field(ge=1, le=10)
    threshold: float = Field(gt=0, lt=1)


class Duplicates(_Strict):
    num_perm: int = Field(128, ge=16, le=1024)
    seed: int = 42
    near: dict[str, NearDuplicateIndex] = Field(default_factory=dict)
    origin_preference: list[str] = Field(
        default_factory=lambda: ["human", "converted", "synthetic"]
    )


class Decontamination(_Strict):
    ngram: int = Field(13, ge=4, le=50)
    min_shared_ngrams: int = Field(1, ge=1)
    fields: list[Literal["instruction", "input", "response"]] = Field(
        default_factory=lambda: ["instruction", "input", "response"]
    )


class TaskShare(_Strict):
    min_share: float = Field(0.0, ge=0, le=1)
    max_share: float | None = Field(None, ge=0, le=1)


class Balance(_Strict):
    """The target mix of the published dataset."""

    target_size: int = Field(5000, ge=1)
    seed: int = 42
    default_max_share: float = Field(0.25, gt=0, le=1)
    task_types: dict[TaskType, TaskShare] = Field(default_factory=dict)
    max_source_share: float = Field(1.0, gt=0, le=1)
    length_bands: dict[TaskType | Literal["default"], tuple[int, int]] = Field(
        default_factory=lambda: {"default": (1, 2000)}
    )
    min_task_types: int = Field(8, ge=1)
    validation_fraction: float = Field(0.05, ge=0, lt=1)

    def share(self, task_type: str) -> tuple[float, float]:
        setting = self.task_types.get(task_type)  # type: ignore[call-overload]
        minimum = setting.min_share if setting else 0.0
        maximum = setting.max_share if setting and setting.max_share is not None else None
        return minimum, self.default_max_share if maximum is None else maximum

    def band(self, task_type: str) -> tuple[int, int]:
        return self.length_bands.get(task_type, self.length_bands.get("default", (1, 2000)))  # type: ignore[call-overload]


class Recipe(_Strict):
    task_type_min_confidence: float = Field(0.7, ge=0, le=1)
    normalization: Normalization = Normalization()
    rules: Rules = Rules()
    duplicates: Duplicates = Duplicates()
    decontamination: Decontamination = Decontamination()
    balance: Balance = Balance()

    @classmethod
    def load(cls, path: Path, overrides: dict[str, Any] | None = None) -> Recipe:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError as error:
            raise RecipeError(f"{path}: the curation recipe is missing") from error
        except yaml.YAMLError as error:
            raise RecipeError(f"{path}: not valid YAML: {error}") from error
        try:
            return cls.model_validate(deep_merge(document, overrides or {}))
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                for problem in error.errors()
            )
            raise RecipeError(f"{path}: {problems}") from error


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
