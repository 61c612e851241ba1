"""Curation: normalise, measure, filter and de-duplicate examples. Pure Polars; no Dagster."""
