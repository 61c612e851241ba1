"""Data-quality suites (Great Expectations) for the canonical tables and the final dataset."""
