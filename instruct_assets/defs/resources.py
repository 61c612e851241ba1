"""Where the pipeline reads and writes. Defaults suit a clone of the repo; environment
variables point a run elsewhere (the shared public corpus, a temporary test folder)."""

import os
from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from instruct_assets.catalogue import Catalogue


def _env(variable: str, fallback: str = "") -> str:
    return os.environ.get(variable, fallback)


class DataPaths(ConfigurableResource):
    """The data folder layout: raw sources, benchmarks, configuration, tables and outputs."""

    data_dir: str = Field(
        default_factory=lambda: _env("INSTRUCT_ASSETS_DATA_DIR", str(Path.cwd() / "data")),
        description="The project's data folder (INSTRUCT_ASSETS_DATA_DIR).",
    )
    raw_dir_override: str = Field(
        default_factory=lambda: _env("INSTRUCT_ASSETS_RAW_DIR"),
        description="Raw sources folder instead of <data_dir>/raw (INSTRUCT_ASSETS_RAW_DIR).",
    )
    catalogue_override: str = Field(
        default_factory=lambda: _env("INSTRUCT_ASSETS_SOURCES"),
        description="Source catalogue instead of <data_dir>/config/sources.yaml "
        "(INSTRUCT_ASSETS_SOURCES).",
    )
    eval_dir_override: str = Field(
        default_factory=lambda: _env("INSTRUCT_ASSETS_EVAL_DIR"),
        description="Benchmarks folder instead of <data_dir>/eval (INSTRUCT_ASSETS_EVAL_DIR).",
    )

    @property
    def root(self) -> Path:
        return Path(self.data_dir).resolve()

    def _override(self, value: str, default: Path) -> Path:
        return Path(value).resolve() if value else default

    @property
    def raw_dir(self) -> Path:
        return self._override(self.raw_dir_override, self.root / "raw")

    @property
    def catalogue_file(self) -> Path:
        return self._override(self.catalogue_override, self.root / "config" / "sources.yaml")

    @property
    def eval_dir(self) -> Path:
        return self._override(self.eval_dir_override, self.root / "eval")

    @property
    def recipe_file(self) -> Path:
        return self.root / "config" / "curation.yaml"

    @property
    def blocklist_file(self) -> Path:
        return self.root / "config" / "blocklist.yaml"

    @property
    def tables_dir(self) -> Path:
        return self.root / "tables"

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    def catalogue(self) -> Catalogue:
        return Catalogue.load(self.catalogue_file)
