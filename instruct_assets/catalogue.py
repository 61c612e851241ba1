"""The source catalogue (``data/config/sources.yaml``): which raw files form which source.

A file matched by no entry still gets read, as its own source named after its first folder,
so dropping a new file into ``data/raw/<kind>/`` is enough to ingest it.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from instruct_assets.readers.instruction_sets import Shape
from instruct_assets.schema import DEFAULT_ORIGIN, Origin, SourceKind

UNKNOWN_LICENSE = "unknown"


class CatalogueError(ValueError):
    """The catalogue file is wrong; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class SourceSpec:
    name: str
    kind: SourceKind
    files: tuple[str, ...] = ()
    license: str = UNKNOWN_LICENSE
    origin: Origin | None = None
    generator: str | None = None
    shape: Shape | None = None
    columns: dict[str, str] = field(default_factory=dict)
    subject: str | None = None

    @property
    def effective_origin(self) -> Origin:
        return self.origin or DEFAULT_ORIGIN[self.kind]

    def matches(self, relative_path: str) -> bool:
        # fnmatch's "*" crosses folders; "a/**/*.md" must also match "a/x.md".
        return any(
            fnmatch.fnmatchcase(relative_path, pattern)
            or fnmatch.fnmatchcase(relative_path, pattern.replace("**/", ""))
            for pattern in self.files
        )


_KEYS = {"kind", "files", "license", "origin", "generator", "shape", "columns", "subject"}


def _spec(name: str, entry: dict[str, Any], where: str) -> SourceSpec:
    unknown = set(entry) - _KEYS
    if unknown:
        raise CatalogueError(f"{where}: source {name!r} has unknown keys {sorted(unknown)}")
    try:
        files = entry.get("files") or []
        return SourceSpec(
            name=name,
            kind=SourceKind(entry["kind"]),
            files=tuple([files] if isinstance(files, str) else files),
            license=str(entry.get("license") or UNKNOWN_LICENSE),
            origin=Origin(entry["origin"]) if entry.get("origin") else None,
            generator=entry.get("generator"),
            shape=Shape(entry["shape"]) if entry.get("shape") else None,
            columns={str(key): str(value) for key, value in (entry.get("columns") or {}).items()},
            subject=entry.get("subject"),
        )
    except KeyError as error:
        raise CatalogueError(f"{where}: source {name!r} needs a {error.args[0]!r}") from error
    except ValueError as error:
        raise CatalogueError(f"{where}: source {name!r}: {error}") from error


@dataclass(frozen=True, slots=True)
class Catalogue:
    sources: tuple[SourceSpec, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Catalogue:
        if not path.exists():
            return cls()
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise CatalogueError(f"{path}: not valid YAML: {error}") from error
        entries = document.get("sources") or {}
        if not isinstance(entries, dict):
            raise CatalogueError(f"{path}: 'sources' must map source names to settings")
        return cls(
            tuple(_spec(str(name), entry or {}, str(path)) for name, entry in entries.items())
        )

    def source_for(self, relative_path: str, kind: SourceKind) -> SourceSpec:
        """The entry a raw file belongs to, or a default source named after its folder."""
        for spec in self.sources:
            if spec.kind is kind and spec.matches(relative_path):
                return spec
        parts = Path(relative_path).parts
        name = parts[1] if len(parts) > 2 else Path(relative_path).stem
        return SourceSpec(name=name, kind=kind)


def raw_files(raw_dir: Path, kind: SourceKind) -> list[Path]:
    """Every file under ``raw_dir/<kind>/``, sorted, skipping hidden files and licence notes."""
    root = raw_dir / kind.value
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(raw_dir).parts)
        and path.stem.upper() not in {"LICENSE", "COPYING", "COPYRIGHT", "NOTICE", "README"}
    )
