"""Polars frames stored as Parquet, one file per asset, written atomically.

dagster-polars cannot load inputs under polars 2.x, hence this small one. A frame is written
to a temporary file beside its target and renamed into place, so a failed step never leaves a
half-written table for the next step to read.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
from dagster import ConfigurableIOManager, InputContext, OutputContext


class ParquetIOManager(ConfigurableIOManager):
    """Stores ``pl.DataFrame`` and ``pl.LazyFrame`` outputs as ``<base_dir>/<asset>.parquet``;
    loads them as whichever of the two the consuming asset's annotation asks for."""

    base_dir: str

    def _path(self, context: InputContext | OutputContext) -> Path:
        return Path(self.base_dir).joinpath(*context.asset_key.path).with_suffix(".parquet")

    def handle_output(self, context: OutputContext, obj: pl.DataFrame | pl.LazyFrame) -> None:
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        try:
            if isinstance(obj, pl.LazyFrame):
                obj.sink_parquet(partial)
            else:
                obj.write_parquet(partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        context.add_output_metadata({"path": str(path)})

    def load_input(self, context: InputContext) -> pl.DataFrame | pl.LazyFrame:
        path = self._path(context)
        if not path.exists():
            raise FileNotFoundError(
                f"{path} does not exist: materialise {context.asset_key.to_user_string()} first"
            )
        if context.dagster_type.typing_type is pl.LazyFrame:
            return pl.scan_parquet(path)
        return pl.read_parquet(path)
