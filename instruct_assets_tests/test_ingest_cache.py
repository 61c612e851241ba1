"""Per-file caching: a rebuild reads again only the files whose content changed."""

from __future__ import annotations

from pathlib import Path

import pytest

import instruct_assets.ingest as ingest
from instruct_assets.catalogue import Catalogue
from instruct_assets.schema import SourceKind


def test_only_changed_files_are_read_again(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, cache = data_dir / "raw", tmp_path / "cache"
    catalogue = Catalogue.load(data_dir / "config" / "sources.yaml")
    first = ingest.ingest_kind(raw, catalogue, SourceKind.HUMAN, cache_dir=cache)
    assert not first.files["from_cache"].any()

    changed = raw / "human" / "review_prompts" / "prompts.jsonl"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("completion", "completion", 1)
        + '{"prompt": "Say hi.", "context": "", "completion": "Hi."}\n',
        encoding="utf-8",
    )
    read: list[str] = []
    real_read = ingest.read_file

    def counting_read(path: Path, *args: object, **kwargs: object) -> object:
        read.append(path.relative_to(raw).as_posix())
        return real_read(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "read_file", counting_read)
    second = ingest.ingest_kind(raw, catalogue, SourceKind.HUMAN, cache_dir=cache)
    assert read == ["human/review_prompts/prompts.jsonl"]
    assert second.examples.height == first.examples.height + 1
    unchanged = second.examples.filter(
        second.examples["source_file"] != "human/review_prompts/prompts.jsonl"
    )
    assert unchanged.equals(
        first.examples.filter(first.examples["source_file"] != "human/review_prompts/prompts.jsonl")
    )
    assert ingest.accounting_problems(second.files).is_empty()


def test_changed_source_settings_invalidate_the_cache(data_dir: Path, tmp_path: Path) -> None:
    raw, cache = data_dir / "raw", tmp_path / "cache"
    catalogue = Catalogue.load(data_dir / "config" / "sources.yaml")
    ingest.ingest_kind(raw, catalogue, SourceKind.FAQ, cache_dir=cache)
    sources = data_dir / "config" / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace("CC-BY-4.0", "CC0-1.0"), encoding="utf-8"
    )
    again = ingest.ingest_kind(raw, Catalogue.load(sources), SourceKind.FAQ, cache_dir=cache)
    assert not again.files["from_cache"].any()
    assert set(again.examples["license"]) == {"CC0-1.0"}
