"""The Dagster layer: wiring, configuration, metadata and checks over the pure modules."""
