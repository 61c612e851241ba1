"""Tests of the publication modules: formats, split, dataset card."""
