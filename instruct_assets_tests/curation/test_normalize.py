"""Normalisation: one form for every text field, every change named in ``normalizations``."""

from __future__ import annotations

import polars as pl
import pytest

from instruct_assets.curation.normalize import normalize_examples
from instruct_assets.curation.recipe import Normalization, Recipe
from instruct_assets.schema import example_id
from instruct_assets_tests.curation.conftest import make_examples


@pytest.fixture(scope="module")
def settings(recipe: Recipe) -> Normalization:
    return recipe.normalization


def _one(settings: Normalization, **fields: str) -> dict[str, object]:
    defaults = {"instruction": "Say something.", "input": "", "response": "Something."}
    frame = normalize_examples(make_examples({**defaults, **fields}), settings)
    return frame.row(0, named=True)


def test_mojibake_is_repaired_and_then_straightened(settings: Normalization) -> None:
    row = _one(settings, response="I donâ€™t know.")
    assert row["response"] == "I don't know."
    assert row["normalizations"] == ["response:unicode_repaired", "response:quotes_straightened"]


def test_html_entities_are_decoded(settings: Normalization) -> None:
    row = _one(settings, instruction="Compare Tom &amp; Jerry.")
    assert row["instruction"] == "Compare Tom & Jerry."
    assert row["normalizations"] == ["instruction:unicode_repaired"]


def test_curly_quotes_are_straightened(settings: Normalization) -> None:
    row = _one(settings, response="\u201cHello,\u201d she said, \u2018twice\u2019.")
    assert row["response"] == "\"Hello,\" she said, 'twice'."
    assert row["normalizations"] == ["response:quotes_straightened"]


def test_control_and_zero_width_characters_are_removed(settings: Normalization) -> None:
    row = _one(settings, response="Ring\u0007 the bell\u200b now.")
    assert row["response"] == "Ring the bell now."
    assert row["normalizations"] == ["response:control_characters_removed"]


def test_whitespace_is_normalised(settings: Normalization) -> None:
    row = _one(settings, response="First line.  \r\nSecond line.\t\r\n\r\n\r\n\r\nThird line.\n")
    assert row["response"] == "First line.\nSecond line.\n\nThird line."
    assert row["normalizations"] == ["response:whitespace_normalized"]


def test_two_blank_lines_collapse_but_one_stays(settings: Normalization) -> None:
    assert _one(settings, response="a\n\n\nb")["response"] == "a\n\nb"
    row = _one(settings, response="a\n\nb")
    assert row["response"] == "a\n\nb"
    assert row["normalizations"] == []


@pytest.mark.parametrize("placeholder", ["<noinput>", "No input", "N/A", "n/a.", "-", " none "])
def test_placeholder_inputs_are_cleared(settings: Normalization, placeholder: str) -> None:
    row = _one(settings, input=placeholder)
    assert row["input"] == ""
    assert "input:placeholder_cleared" in row["normalizations"]


@pytest.mark.parametrize(
    "real_input",
    ["None of the above is true.", "No input was given by the user, so guess.", "n/a n/a", "42"],
)
def test_real_inputs_are_untouched(settings: Normalization, real_input: str) -> None:
    row = _one(settings, input=real_input)
    assert row["input"] == real_input
    assert row["normalizations"] == []


def test_a_clean_example_fires_nothing(settings: Normalization) -> None:
    row = _one(
        settings,
        instruction="Name the capital of France.",
        input="A question about geography.",
        response="The capital of France is Paris.",
    )
    assert row["normalizations"] == []
    assert row["instruction"] == "Name the capital of France."


def test_normalizations_name_every_field_and_step_that_fired(settings: Normalization) -> None:
    row = _one(
        settings,
        instruction="Fix \u201cthis\u201d  \n",
        input="<noinput>",
        response="Done\u200b.",
    )
    assert sorted(row["normalizations"]) == [
        "input:placeholder_cleared",
        "instruction:quotes_straightened",
        "instruction:whitespace_normalized",
        "response:control_characters_removed",
    ]


def test_example_id_is_recomputed_after_normalisation(settings: Normalization) -> None:
    frame = make_examples(
        {"instruction": "Give a tip.", "input": "<noinput>", "response": "Sleep well."},
        {"instruction": "Give a tip.", "input": "", "response": "Sleep well."},
    )
    assert frame["example_id"][0] != frame["example_id"][1]
    normalized = normalize_examples(frame, settings)
    assert normalized["example_id"][0] == normalized["example_id"][1]
    assert normalized["example_id"][0] == example_id("Give a tip.", "", "Sleep well.")
    assert normalized["record_id"].to_list() == frame["record_id"].to_list()


def test_legitimate_non_ascii_text_is_preserved(settings: Normalization) -> None:
    text = "Café crème, «\u00a0bonjour\u00a0» et 日本語のテキスト. Ünïcödé — naïve."
    row = _one(settings, response=text.replace("\u00a0", " "))
    assert row["response"] == text.replace("\u00a0", " ")
    assert row["normalizations"] == []


def test_code_indentation_is_preserved(settings: Normalization) -> None:
    code = "```python\ndef f(x):\n    if x:\n        return 1\n\treturn 0\n```"
    row = _one(settings, response=code)
    assert row["response"] == code
    assert row["normalizations"] == []


def test_steps_switched_off_in_the_recipe_do_not_run(settings: Normalization) -> None:
    off = settings.model_copy(update={"straighten_quotes": False, "placeholder_inputs": []})
    frame = normalize_examples(
        make_examples({"instruction": "Say \u201chi\u201d.", "input": "N/A", "response": "hi"}),
        off,
    )
    assert frame["instruction"][0] == "Say \u201chi\u201d."
    assert frame["input"][0] == "N/A"
    assert frame["normalizations"][0].to_list() == []


def test_history_turns_are_cleaned(settings: Normalization) -> None:
    frame = make_examples(
        {
            "instruction": "And then?",
            "response": "Then it rained.",
            "history": [{"role": "user", "content": "Tell me a story.\u200b  \r\n"}],
        }
    )
    normalized = normalize_examples(frame, settings)
    assert normalized["history"][0].to_list() == [{"role": "user", "content": "Tell me a story."}]
    assert isinstance(normalized, pl.DataFrame)
