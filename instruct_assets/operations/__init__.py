"""Operating the pipeline: trace an example to its source, quarantine it, the SQL warehouse."""
