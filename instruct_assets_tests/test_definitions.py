"""The code location loads, and every asset explains itself in the UI."""

from __future__ import annotations

from dagster import AssetKey

from instruct_assets.definitions import defs

EXPECTED_GROUPS = {"raw_sources", "ingest", "candidates", "curation", "balance", "audit", "publish"}


def test_definitions_load_with_the_rebuild_job() -> None:
    job = defs.resolve_job_def("rebuild_dataset")
    assert job.name == "rebuild_dataset"
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "faq_examples",
        "docs_examples",
        "human_examples",
        "synthetic_examples",
        "candidate_examples",
        "rejected_examples",
        "instruction_dataset",
        "raw_faq_dumps",
        "source_catalogue",
    } <= keys


def test_every_asset_has_a_group_kinds_and_a_description() -> None:
    graph = defs.resolve_asset_graph()
    groups = set()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        groups.add(node.group_name)
        assert node.kinds, f"{key.to_user_string()} has no kinds"
        assert node.description, f"{key.to_user_string()} has no description"
    assert groups == EXPECTED_GROUPS


def test_published_dataset_depends_on_every_source_kind() -> None:
    graph = defs.resolve_asset_graph()
    upstream = graph.get(AssetKey("instruction_dataset")).parent_keys
    assert upstream == {AssetKey("balanced_examples"), AssetKey("rejected_examples")}
    ancestors = graph.get_ancestor_asset_keys(AssetKey("instruction_dataset"))
    names = {key.to_user_string() for key in ancestors}
    assert {
        "raw_faq_dumps",
        "raw_documentation_pages",
        "raw_human_sets",
        "raw_synthetic_sets",
        "source_catalogue",
    } <= names
