"""The source catalogue: loading, matching raw files, default sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from instruct_assets.catalogue import (
    UNKNOWN_LICENSE,
    Catalogue,
    CatalogueError,
    SourceSpec,
    raw_files,
)
from instruct_assets.readers.instruction_sets import Shape
from instruct_assets.schema import Origin, SourceKind

CATALOGUE = """\
sources:
  alpaca:
    kind: synthetic
    files: synthetic/alpaca/*.json
    license: CC-BY-NC-4.0
    generator: text-davinci-003
    shape: alpaca
  prompts:
    kind: human
    files: [human/prompts/*.jsonl]
    columns: {instruction: prompt, response: completion}
  redis:
    kind: docs
    files: [docs/redis/**/*.md]
    subject: Redis
    origin: human
"""


@pytest.fixture
def catalogue(tmp_path: Path) -> Catalogue:
    path = tmp_path / "sources.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return Catalogue.load(path)


def test_load(catalogue):
    alpaca, prompts, redis = catalogue.sources

    assert alpaca == SourceSpec(
        name="alpaca",
        kind=SourceKind.SYNTHETIC,
        files=("synthetic/alpaca/*.json",),
        license="CC-BY-NC-4.0",
        generator="text-davinci-003",
        shape=Shape.ALPACA,
    )
    assert prompts.columns == {"instruction": "prompt", "response": "completion"}
    assert prompts.license == UNKNOWN_LICENSE
    assert prompts.effective_origin is Origin.HUMAN
    assert alpaca.effective_origin is Origin.SYNTHETIC
    assert redis.subject == "Redis"
    assert redis.effective_origin is Origin.HUMAN


def test_source_for_matches_kind_and_pattern(catalogue):
    assert catalogue.source_for("synthetic/alpaca/alpaca_data.json", SourceKind.SYNTHETIC).name == (
        "alpaca"
    )
    # "**/" also matches no folder at all.
    assert catalogue.source_for("docs/redis/index.md", SourceKind.DOCS).name == "redis"
    assert catalogue.source_for("docs/redis/a/b/c.md", SourceKind.DOCS).name == "redis"
    # Same path, other kind: not that entry but a default source.
    other = catalogue.source_for("synthetic/alpaca/alpaca_data.json", SourceKind.HUMAN)
    assert (other.kind, other.shape, other.license) == (SourceKind.HUMAN, None, UNKNOWN_LICENSE)


def test_unmatched_file_gets_a_default_source(catalogue):
    spec = catalogue.source_for("faq/covid/faq.csv", SourceKind.FAQ)

    assert spec == SourceSpec(name="covid", kind=SourceKind.FAQ)
    assert spec.license == UNKNOWN_LICENSE
    assert spec.effective_origin is Origin.CONVERTED
    # A file directly in the kind folder is named after itself.
    assert catalogue.source_for("faq/loose.md", SourceKind.FAQ).name == "loose"


def test_missing_catalogue_is_empty(tmp_path: Path):
    assert Catalogue.load(tmp_path / "absent.yaml") == Catalogue()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources:\n  a:\n    kind: faq\n    licence: MIT\n", "unknown keys ['licence']"),
        ("sources:\n  a:\n    files: x\n", "needs a 'kind'"),
        ("sources:\n  a:\n    kind: podcasts\n", "source 'a'"),
        ("sources:\n  a:\n    kind: human\n    shape: csv\n", "source 'a'"),
        ("sources: [a, b]\n", "'sources' must map source names to settings"),
        ("sources: {a: [\n", "not valid YAML"),
    ],
)
def test_catalogue_errors_name_file_and_entry(tmp_path: Path, text, message):
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CatalogueError) as raised:
        Catalogue.load(path)

    assert str(path) in str(raised.value)
    assert message in str(raised.value)


def test_raw_files_skips_hidden_and_licence_files(tmp_path: Path):
    root = tmp_path / "raw"
    for relative in [
        "faq/a/one.md",
        "faq/a/LICENSE",
        "faq/a/README.md",
        "faq/.hidden/two.md",
        "faq/b/.dotfile.md",
        "faq/b/three.csv",
        "docs/x.md",
    ]:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")

    found = [path.relative_to(root).as_posix() for path in raw_files(root, SourceKind.FAQ)]

    assert found == ["faq/a/one.md", "faq/b/three.csv"]
    assert raw_files(root, SourceKind.HUMAN) == []
