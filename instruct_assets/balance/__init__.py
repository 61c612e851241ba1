"""Diversity and balance: task labels, diversity statistics, and the DuckDB selection."""
