"""Raw sources as observed source assets: their data version is the hash of their files, so
a changed, added or removed file marks everything downstream of its kind stale."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    DataVersion,
    MetadataValue,
    ObserveResult,
    multi_observable_source_asset,
)

from instruct_assets.catalogue import raw_files
from instruct_assets.curation.decontamination import benchmark_files
from instruct_assets.defs.resources import DataPaths
from instruct_assets.ingest import file_sha256
from instruct_assets.schema import SourceKind

RAW_SOURCES_GROUP = "raw_sources"

RAW_ASSET_KEYS: dict[SourceKind, AssetKey] = {
    SourceKind.FAQ: AssetKey("raw_faq_dumps"),
    SourceKind.DOCS: AssetKey("raw_documentation_pages"),
    SourceKind.HUMAN: AssetKey("raw_human_sets"),
    SourceKind.SYNTHETIC: AssetKey("raw_synthetic_sets"),
}
SOURCE_CATALOGUE_KEY = AssetKey("source_catalogue")
CURATION_RECIPE_KEY = AssetKey("curation_recipe")
EVAL_BENCHMARKS_KEY = AssetKey("eval_benchmarks")
BLOCKLIST_KEY = AssetKey("blocklist")

_DESCRIPTIONS = {
    SourceKind.FAQ: "FAQ dumps (Markdown, RST, HTML, CSV, JSON) under raw/faq/.",
    SourceKind.DOCS: "Documentation pages (Markdown, RST, HTML) under raw/docs/.",
    SourceKind.HUMAN: "Human-written instruction sets under raw/human/.",
    SourceKind.SYNTHETIC: "Model-generated instruction sets under raw/synthetic/.",
}


def files_version(files: list[tuple[str, str]]) -> str:
    """One hash for a set of (relative path, content hash) pairs."""
    digest = hashlib.sha256()
    for relative_path, content_hash in sorted(files):
        digest.update(f"{relative_path}\0{content_hash}\n".encode())
    return digest.hexdigest()[:16]


def hashed_files(root: Path, paths: list[Path]) -> list[tuple[str, str]]:
    """(path relative to ``root``, content hash) for each file: what a data version hashes."""
    return [(path.relative_to(root).as_posix(), file_sha256(path)) for path in paths]


def _observe_files(raw_dir: Path, paths: list[Path]) -> ObserveResult:
    hashes = hashed_files(raw_dir, paths)
    listing = "\n".join(f"- `{name}` {digest[:12]}" for name, digest in sorted(hashes))
    return ObserveResult(
        data_version=DataVersion(files_version(hashes)),
        metadata={
            "file_count": len(paths),
            "total_bytes": sum(path.stat().st_size for path in paths),
            "files": MetadataValue.md(listing or "_no files_"),
        },
    )


@multi_observable_source_asset(
    specs=[
        *(
            AssetSpec(
                key, description=_DESCRIPTIONS[kind], group_name=RAW_SOURCES_GROUP, kinds={"file"}
            )
            for kind, key in RAW_ASSET_KEYS.items()
        ),
        AssetSpec(
            SOURCE_CATALOGUE_KEY,
            group_name=RAW_SOURCES_GROUP,
            kinds={"yaml"},
            description="Which raw files form which source, with licence and settings.",
        ),
        AssetSpec(
            CURATION_RECIPE_KEY,
            group_name=RAW_SOURCES_GROUP,
            kinds={"yaml"},
            description="The curation recipe: normalisation, rules, duplicates.",
        ),
        AssetSpec(
            BLOCKLIST_KEY,
            group_name=RAW_SOURCES_GROUP,
            kinds={"yaml"},
            description="Reviewed blocklist of quarantined examples and text patterns.",
        ),
        AssetSpec(
            EVAL_BENCHMARKS_KEY,
            group_name=RAW_SOURCES_GROUP,
            kinds={"file"},
            description="Evaluation benchmarks under eval/ that training data must not quote.",
        ),
    ],
)
def observe_raw_sources(
    context: AssetExecutionContext, data_paths: DataPaths
) -> Iterator[ObserveResult]:
    """Hash every raw file per source kind, the benchmarks, and the two configuration files."""
    for kind, key in RAW_ASSET_KEYS.items():
        result = _observe_files(data_paths.raw_dir, raw_files(data_paths.raw_dir, kind))
        yield ObserveResult(
            asset_key=key, data_version=result.data_version, metadata=result.metadata
        )
    for key, path in (
        (SOURCE_CATALOGUE_KEY, data_paths.catalogue_file),
        (CURATION_RECIPE_KEY, data_paths.recipe_file),
        (BLOCKLIST_KEY, data_paths.blocklist_file),
    ):
        yield ObserveResult(
            asset_key=key,
            data_version=DataVersion(file_sha256(path)[:16] if path.exists() else "absent"),
            metadata={"path": str(path)},
        )
    benchmarks = _observe_files(data_paths.eval_dir, benchmark_files(data_paths.eval_dir))
    yield ObserveResult(
        asset_key=EVAL_BENCHMARKS_KEY,
        data_version=benchmarks.data_version,
        metadata=benchmarks.metadata,
    )
