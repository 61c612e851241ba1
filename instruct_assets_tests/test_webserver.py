"""`dagster-webserver -w workspace.yaml` starts from a clean checkout and serves the graph."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from instruct_assets_tests.conftest import REPO_ROOT

QUERY = "{ assetNodes { assetKey { path } groupName } }"
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def query_asset_nodes(port: int) -> list[dict] | None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            payload = json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None
    nodes = (payload.get("data") or {}).get("assetNodes")
    return nodes or None


def test_webserver_serves_every_group_from_the_workspace_file(tmp_path: Path) -> None:
    port = free_port()
    webserver = Path(sys.executable).parent / "dagster-webserver"
    environment = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    process = subprocess.Popen(
        [str(webserver), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        nodes = None
        while nodes is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(1)
            nodes = query_asset_nodes(port)
        assert nodes is not None, "the webserver did not serve the asset graph"
    finally:
        process.terminate()
        process.wait(timeout=30)
    keys = {"/".join(node["assetKey"]["path"]) for node in nodes}
    groups = {node["groupName"] for node in nodes}
    assert {"instruction_dataset", "candidate_examples", "raw_faq_dumps"} <= keys
    assert groups == {
        "raw_sources",
        "ingest",
        "candidates",
        "curation",
        "balance",
        "audit",
        "publish",
    }
