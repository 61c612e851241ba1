"""Tests of the Great Expectations data-quality suites."""
