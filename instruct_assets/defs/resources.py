"""Where the pipeline reads and writes. Defaults suit a clone of the repo; environment
variables point a run elsewhere (the shared public corpus, a temporary test folder)."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from instruct_assets.catalogue import Catalogue


def _env_default(variable: str, fallback: str = "") -> str:
    return os.environ.get(variable, fallback)


class DataPaths(ConfigurableResource):
    """The data folder layout: raw sources, configuration, stage tables and published files."""

    data_dir: str = Field(
        default_factory=lambda: _env_default("INSTRUCT_ASSETS_DATA_DIR", str(Path.cwd() / "data")),
        description="The project's data folder (INSTRUCT_ASSETS_DATA_DIR).",
    )
    raw_dir_override: str = Field(
        default_factory=lambda: _env_default("INSTRUCT_ASSETS_RAW_DIR"),
        description="Raw sources folder instead of <data_dir>/raw (INSTRUCT_ASSETS_RAW_DIR).",
    )
    catalogue_override: str = Field(
        default_factory=lambda: _env_default("INSTRUCT_ASSETS_SOURCES"),
        description="Source catalogue to use instead of <data_dir>/config/sources.yaml "
        "(INSTRUCT_ASSETS_SOURCES).",
    )

    @property
    def root(self) -> Path:
        return Path(self.data_dir).resolve()

    @property
    def raw_dir(self) -> Path:
        return Path(self.raw_dir_override).resolve() if self.raw_dir_override else self.root / "raw"

    @property
    def catalogue_file(self) -> Path:
        if self.catalogue_override:
            return Path(self.catalogue_override).resolve()
        return self.root / "config" / "sources.yaml"

    @property
    def tables_dir(self) -> Path:
        return self.root / "tables"

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    def catalogue(self) -> Catalogue:
        return Catalogue.load(self.catalogue_file)
