"""The curation recipe: the reviewed YAML file, per-task-type thresholds, overrides, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from instruct_assets.curation.recipe import PerTaskType, Recipe, RecipeError, deep_merge
from instruct_assets_tests.curation.conftest import RECIPE_PATH


def test_the_project_recipe_loads_with_its_reviewed_values(recipe: Recipe) -> None:
    assert recipe.task_type_min_confidence == 0.7
    assert recipe.rules.response_too_short.action == "drop"
    assert recipe.rules.instruction_too_long.action == "warn"
    assert recipe.rules.personal_data.action == "warn"
    assert recipe.rules.personal_data.except_task_types == ["extract"]
    assert recipe.rules.low_alphanumeric_ratio.min == 0.45
    assert recipe.rules.low_alphanumeric_ratio.except_task_types == ["code", "math_reasoning"]
    assert recipe.rules.wrong_language.allowed == ["en"]
    assert recipe.rules.wrong_language.min_chars == 40
    assert "<noinput>" in recipe.normalization.placeholder_inputs
    assert set(recipe.duplicates.near) == {"instruction_input", "whole_example"}
    assert recipe.duplicates.near["instruction_input"].ngram == 2
    assert recipe.duplicates.near["whole_example"].fields == ["instruction", "input", "response"]
    assert recipe.duplicates.origin_preference == ["human", "converted", "synthetic"]
    assert recipe.decontamination.ngram == 13
    assert recipe.decontamination.min_shared_ngrams == 1


def test_per_task_type_thresholds_fall_back_to_the_default(recipe: Recipe) -> None:
    min_words = recipe.rules.response_too_short.min_words
    assert min_words is not None
    assert min_words.for_task("explain") == 8
    assert min_words.for_task("summarize") == 6
    assert min_words.for_task("refusal") == 8
    assert min_words.for_task("classify") == 1
    assert min_words.for_task("no_such_type") == 1
    max_words = recipe.rules.response_too_long.max_words
    assert max_words is not None
    assert max_words.for_task("code") == 1500
    assert max_words.for_task("open_qa") == 800


def test_per_task_type_table_lists_only_the_exceptions() -> None:
    setting = PerTaskType.model_validate({"default": 3, "classify": 1, "explain": 8})
    assert setting.table() == {"classify": 1.0, "explain": 8.0}
    assert setting.for_task("classify") == 1.0
    assert setting.for_task("rewrite") == 3.0
    assert isinstance(setting.for_task("explain"), float)


def test_overrides_are_deep_merged_into_the_file() -> None:
    recipe = Recipe.load(
        RECIPE_PATH,
        {
            "rules": {
                "response_too_short": {"min_words": {"explain": 20}},
                "secret": {"action": "warn"},
            },
            "duplicates": {"near": {"whole_example": {"threshold": 0.9}}},
        },
    )
    min_words = recipe.rules.response_too_short.min_words
    assert min_words is not None
    assert min_words.for_task("explain") == 20
    # Siblings of the overridden keys keep the file's values.
    assert min_words.for_task("refusal") == 8
    assert min_words.default == 1
    assert recipe.rules.response_too_short.action == "drop"
    assert recipe.rules.secret.action == "warn"
    assert recipe.rules.placeholder_response.action == "drop"
    assert recipe.duplicates.near["whole_example"].threshold == 0.9
    assert recipe.duplicates.near["whole_example"].ngram == 3
    assert recipe.duplicates.near["instruction_input"].threshold == 0.8


def test_deep_merge_leaves_its_arguments_alone() -> None:
    base = {"a": {"b": 1, "c": 2}, "d": 3}
    overrides = {"a": {"b": 10}, "e": {"f": 4}}
    assert deep_merge(base, overrides) == {"a": {"b": 10, "c": 2}, "d": 3, "e": {"f": 4}}
    assert base == {"a": {"b": 1, "c": 2}, "d": 3}
    assert overrides == {"a": {"b": 10}, "e": {"f": 4}}


def test_a_non_mapping_override_replaces_the_value() -> None:
    recipe = Recipe.load(RECIPE_PATH, {"rules": {"wrong_language": {"allowed": ["en", "de"]}}})
    assert recipe.rules.wrong_language.allowed == ["en", "de"]
    assert recipe.rules.wrong_language.min_chars == 40


@pytest.mark.parametrize(
    ("overrides", "key_path"),
    [
        ({"rules": {"response_too_shrt": {"action": "drop"}}}, "rules.response_too_shrt"),
        ({"rules": {"secret": {"acton": "drop"}}}, "rules.secret.acton"),
        ({"rules": {"secret": {"action": "delete"}}}, "rules.secret.action"),
        (
            {"duplicates": {"near": {"whole_example": {"threshold": 1.5}}}},
            "duplicates.near.whole_example.threshold",
        ),
        ({"decontamination": {"ngram": 2}}, "decontamination.ngram"),
        ({"task_type_min_confidence": 2}, "task_type_min_confidence"),
        ({"normalisation": {"fix_unicode": True}}, "normalisation"),
    ],
)
def test_a_wrong_key_or_value_names_the_file_and_the_key_path(
    overrides: dict[str, object], key_path: str
) -> None:
    with pytest.raises(RecipeError) as raised:
        Recipe.load(RECIPE_PATH, overrides)
    message = str(raised.value)
    assert message.startswith(f"{RECIPE_PATH}: ")
    assert f"{key_path}:" in message


@pytest.mark.parametrize(
    ("per_task", "key_path"),
    [
        # Not a number: must fail when the recipe is loaded, not when a rule first runs.
        ({"explain": "eight"}, "rules.response_too_short.min_words.explain"),
        # Not a task type of task_types.py: the threshold would silently never apply.
        ({"explian": 20}, "rules.response_too_short.min_words.explian"),
    ],
)
def test_a_bad_per_task_type_entry_names_the_file_and_the_key_path(
    per_task: dict[str, object], key_path: str
) -> None:
    overrides = {"rules": {"response_too_short": {"min_words": per_task}}}
    with pytest.raises(RecipeError) as raised:
        Recipe.load(RECIPE_PATH, overrides)
    assert str(RECIPE_PATH) in str(raised.value)
    assert key_path in str(raised.value)


def test_a_typo_in_the_file_itself_is_reported(tmp_path: Path) -> None:
    document = yaml.safe_load(RECIPE_PATH.read_text(encoding="utf-8"))
    document["rules"]["ends_mid_sentence"]["min_wrds"] = 15
    path = tmp_path / "curation.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(RecipeError, match=r"rules\.ends_mid_sentence\.min_wrds") as raised:
        Recipe.load(path)
    assert str(path) in str(raised.value)


def test_a_missing_or_unparsable_file_is_a_recipe_error(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    with pytest.raises(RecipeError, match="missing") as raised:
        Recipe.load(missing)
    assert str(missing) in str(raised.value)
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [unclosed\n", encoding="utf-8")
    with pytest.raises(RecipeError, match="not valid YAML") as raised:
        Recipe.load(broken)
    assert str(broken) in str(raised.value)


def test_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    recipe = Recipe.load(path)
    assert recipe.task_type_min_confidence == 0.7
    assert recipe.rules.personal_data.action == "warn"
    assert recipe.decontamination.ngram == 13
